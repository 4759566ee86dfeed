/**
 * Buggy example client: the reference client, except that it takes the ID token's claims as they come: no signature, issuer, audience or nonce check (rule id-token).
 * Module driver: `createClient(env)`. Command driver: `node examples/clients/trusts-id-token.ts`.
 */
import { exampleClient } from './example-client.ts';

const example = exampleClient({ trustIdToken: true });
export const createClient = example.createClient;
await example.runIfMain(import.meta.url);
