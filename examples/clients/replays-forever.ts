/**
 * Buggy example client: the reference client, except that it refreshes and replays again and again on 401/403 (contracts 4 and 5).
 * Module driver: `createClient(env)`. Command driver: `node examples/clients/replays-forever.ts`.
 */
import { exampleClient } from './example-client.ts';

const example = exampleClient({ replayForever: true });
export const createClient = example.createClient;
await example.runIfMain(import.meta.url);
