/**
 * Buggy example client: the reference client, except that it has no single flight: concurrent calls each fetch a token (rule single-flight).
 * Module driver: `createClient(env)`. Command driver: `node examples/clients/no-single-flight.ts`.
 */
import { exampleClient } from './example-client.ts';

const example = exampleClient({ noSingleFlight: true });
export const createClient = example.createClient;
await example.runIfMain(import.meta.url);
