/**
 * Buggy example client: the reference client, except that it ignores the request timeout it is configured with (UNDERSTUDY_TIMEOUT_MS) and waits a minute (rule timeout).
 * Module driver: `createClient(env)`. Command driver: `node examples/clients/ignores-timeout.ts`.
 */
import { exampleClient } from './example-client.ts';

const example = exampleClient({ ignoreTimeout: true });
export const createClient = example.createClient;
await example.runIfMain(import.meta.url);
