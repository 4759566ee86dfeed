/**
 * Buggy example client: the reference client, except that it signs one JWT user assertion and sends it with every token request, long after it expired (rule fresh-assertion).
 * Module driver: `createClient(env)`. Command driver: `node examples/clients/caches-assertion.ts`.
 */
import { exampleClient } from './example-client.ts';

const example = exampleClient({ cacheAssertion: true });
export const createClient = example.createClient;
await example.runIfMain(import.meta.url);
