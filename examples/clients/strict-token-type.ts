/**
 * Buggy example client: the reference client, except that it accepts token_type "Bearer" only as written, refusing "bearer" (rule odd-responses; openid-client#248).
 * Module driver: `createClient(env)`. Command driver: `node examples/clients/strict-token-type.ts`.
 */
import { exampleClient } from './example-client.ts';

const example = exampleClient({ strictTokenType: true });
export const createClient = example.createClient;
await example.runIfMain(import.meta.url);
