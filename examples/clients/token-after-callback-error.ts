/**
 * Buggy example client: the reference client, except that it asks for a client_credentials token after an error callback (access_denied, login_required), as a bare authlib OAuth2Session does (rule callback-error).
 * Module driver: `createClient(env)`. Command driver: `node examples/clients/token-after-callback-error.ts`.
 */
import { exampleClient } from './example-client.ts';

const example = exampleClient({ grantAfterCallbackError: true });
export const createClient = example.createClient;
await example.runIfMain(import.meta.url);
