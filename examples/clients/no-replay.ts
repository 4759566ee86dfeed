/**
 * Buggy example client: the reference client, except that it never replays after 401 invalid_token (rule recover-invalid-token; simple-oauth2#131).
 * Module driver: `createClient(env)`. Command driver: `node examples/clients/no-replay.ts`.
 */
import { exampleClient } from './example-client.ts';

const example = exampleClient({ noReplay: true });
export const createClient = example.createClient;
await example.runIfMain(import.meta.url);
