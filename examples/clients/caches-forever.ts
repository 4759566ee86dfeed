/**
 * Buggy example client: the reference client, except that it ignores expires_in and caches the token forever (rule refresh-before-expiry).
 * Module driver: `createClient(env)`. Command driver: `node examples/clients/caches-forever.ts`.
 */
import { exampleClient } from './example-client.ts';

const example = exampleClient({ cacheForever: true });
export const createClient = example.createClient;
await example.runIfMain(import.meta.url);
