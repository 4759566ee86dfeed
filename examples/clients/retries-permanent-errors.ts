/**
 * Buggy example client: the reference client, except that it retries invalid_client, invalid_scope, a 404 or a gateway's 403 as if they were transient (rule fail-fast).
 * Module driver: `createClient(env)`. Command driver: `node examples/clients/retries-permanent-errors.ts`.
 */
import { exampleClient } from './example-client.ts';

const example = exampleClient({ retryPermanentErrors: true });
export const createClient = example.createClient;
await example.runIfMain(import.meta.url);
