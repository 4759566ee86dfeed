/**
 * Buggy example client: the reference client, except that it takes any callback: it checks no state and sends no PKCE, so nothing ties a callback to the sign-in it started (rule state).
 * Module driver: `createClient(env)`. Command driver: `node examples/clients/no-csrf-protection.ts`.
 */
import { exampleClient } from './example-client.ts';

const example = exampleClient({ noCsrfProtection: true });
export const createClient = example.createClient;
await example.runIfMain(import.meta.url);
