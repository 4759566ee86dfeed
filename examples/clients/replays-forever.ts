/**
 * Buggy example client: the reference client, except that it refreshes and replays again and again on 401/403 (rules recover-invalid-token and no-loop-on-insufficient-scope).
 * Module driver: `createClient(env)`. Command driver: `node examples/clients/replays-forever.ts`.
 */
import { exampleClient } from './example-client.ts';

const example = exampleClient({ replayForever: true });
export const createClient = example.createClient;
await example.runIfMain(import.meta.url);
