/**
 * Buggy example client: the reference client, except that it retries a failing token endpoint at once, without waiting between attempts (rule backoff; golang/oauth2#226).
 * Module driver: `createClient(env)`. Command driver: `node examples/clients/no-backoff.ts`.
 */
import { exampleClient } from './example-client.ts';

const example = exampleClient({ noBackoff: true });
export const createClient = example.createClient;
await example.runIfMain(import.meta.url);
