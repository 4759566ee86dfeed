/**
 * Buggy example client: the reference client, except that it sends the required token-request headers only on its first token request (rule required-headers; authlib#783).
 * Module driver: `createClient(env)`. Command driver: `node examples/clients/drops-header.ts`.
 */
import { exampleClient } from './example-client.ts';

const example = exampleClient({ dropHeaderOnRefetch: true });
export const createClient = example.createClient;
await example.runIfMain(import.meta.url);
