/**
 * The reference client: everything the rule catalogue (docs/rules.md) asks of a token client.
 * Module driver: `createClient(env)`. Command driver: `node examples/clients/well-behaved.ts`.
 */
import { exampleClient } from './example-client.ts';

const example = exampleClient({});
export const createClient = example.createClient;
await example.runIfMain(import.meta.url);
