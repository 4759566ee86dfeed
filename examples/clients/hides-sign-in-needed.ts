/**
 * Buggy example client: the reference client, except that it reports a refused refresh token as a plain failure and never says the person must sign in again (rule sign-in-again).
 * Module driver: `createClient(env)`. Command driver: `node examples/clients/hides-sign-in-needed.ts`.
 */
import { exampleClient } from './example-client.ts';

const example = exampleClient({ hideNeedsSignIn: true });
export const createClient = example.createClient;
await example.runIfMain(import.meta.url);
