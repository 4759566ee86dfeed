/**
 * Buggy example client: the reference client, except that it keeps its first refresh token and ignores the rotated ones the refreshes bring (rule refresh-rotation).
 * Module driver: `createClient(env)`. Command driver: `node examples/clients/keeps-first-refresh-token.ts`.
 */
import { exampleClient } from './example-client.ts';

const example = exampleClient({ ignoreRotatedRefreshToken: true });
export const createClient = example.createClient;
await example.runIfMain(import.meta.url);
