/**
 * Buggy example client: the reference client, except that it keeps a refresh token the server refused as consumed and presents it again (rule refresh-token).
 * Module driver: `createClient(env)`. Command driver: `node examples/clients/keeps-consumed-refresh-token.ts`.
 */
import { exampleClient } from './example-client.ts';

const example = exampleClient({ keepConsumedRefreshToken: true });
export const createClient = example.createClient;
await example.runIfMain(import.meta.url);
