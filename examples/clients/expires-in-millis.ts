/**
 * Buggy example client: the reference client, except that it reads expires_in as milliseconds (axios-token-interceptor PR#6), so every token looks expired at once.
 * Module driver: `createClient(env)`. Command driver: `node examples/clients/expires-in-millis.ts`.
 */
import { exampleClient } from './example-client.ts';

const example = exampleClient({ expiresInAsMilliseconds: true });
export const createClient = example.createClient;
await example.runIfMain(import.meta.url);
