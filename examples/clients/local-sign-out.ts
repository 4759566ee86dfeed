/**
 * Buggy example client: the reference client, except that it signs out of the app only and leaves the server's session alive (rule logout).
 * Module driver: `createClient(env)`. Command driver: `node examples/clients/local-sign-out.ts`.
 */
import { exampleClient } from './example-client.ts';

const example = exampleClient({ localSignOutOnly: true });
export const createClient = example.createClient;
await example.runIfMain(import.meta.url);
