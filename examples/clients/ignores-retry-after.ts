/**
 * Buggy example client: the reference client, except that it retries a 429 at once, ignoring Retry-After (rule retry-after).
 * Module driver: `createClient(env)`. Command driver: `node examples/clients/ignores-retry-after.ts`.
 */
import { exampleClient } from './example-client.ts';

const example = exampleClient({ ignoreRetryAfter: true });
export const createClient = example.createClient;
await example.runIfMain(import.meta.url);
