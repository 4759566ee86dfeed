/**
 * Buggy example client: the reference client, except that it sends no PKCE code challenge (rule pkce).
 * Module driver: `createClient(env)`. Command driver: `node examples/clients/no-pkce.ts`.
 */
import { exampleClient } from './example-client.ts';

const example = exampleClient({ noPkce: true });
export const createClient = example.createClient;
await example.runIfMain(import.meta.url);
