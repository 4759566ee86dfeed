/**
 * Buggy example client: the reference client, except that it sends the authorization code again when its redemption failed or its answer was lost (rule code-once).
 * Module driver: `createClient(env)`. Command driver: `node examples/clients/retries-code.ts`.
 */
import { exampleClient } from './example-client.ts';

const example = exampleClient({ retryCodeRedemption: true });
export const createClient = example.createClient;
await example.runIfMain(import.meta.url);
