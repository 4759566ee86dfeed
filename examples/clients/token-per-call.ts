/**
 * Buggy example client: the reference client, except that it fetches a new token for every call (rule reuse).
 * Module driver: `createClient(env)`. Command driver: `node examples/clients/token-per-call.ts`.
 */
import { exampleClient } from './example-client.ts';

const example = exampleClient({ tokenPerCall: true });
export const createClient = example.createClient;
await example.runIfMain(import.meta.url);
