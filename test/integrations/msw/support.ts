/**
 * Helpers of the msw integration tests: one msw server per test file, handler sets created per
 * test and closed after it, and token / API calls made with plain fetch on production URLs.
 */
import { setupServer, type SetupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createIdcsHandlers, type IdcsHandlers, type IdcsHandlersOptions } from '../../../integrations/msw/index.ts';

export const IDCS_HOST = 'https://idcs-1234.identity.oraclecloud.com';
export const API_HOST = 'https://myhcm.fa.us2.oraclecloud.com';
export const TOKEN_URL = `${IDCS_HOST}/oauth2/v1/token`;
export const JWKS_URL = `${IDCS_HOST}/admin/v1/SigningCert/jwk`;
export const EMPS_PATH = '/hcmRestApi/resources/11.13.18.05/emps';
/** For vi.waitFor: its 1 s default is too short on a loaded 2-core machine. */
export const WAIT = { timeout: 10_000 } as const;
export const DEMO = { id: 'demo-client', secret: 'demo-secret', scope: 'https://api.understudy.test:443urn:opc:resource:consumer::all' } as const;

/**
 * Starts msw for the file (unhandled requests are errors) and returns `use(options)`, which
 * creates a handler set, installs it for the current test and closes it afterwards.
 */
export function useMsw(): { msw: SetupServer; use(options?: Partial<IdcsHandlersOptions>): Promise<IdcsHandlers> } {
  const msw = setupServer();
  const created: IdcsHandlers[] = [];
  beforeAll(() => msw.listen({ onUnhandledFrame: 'error' }));
  afterEach(async () => {
    msw.resetHandlers();
    await Promise.all(created.splice(0).map((idcs) => idcs.close()));
  });
  afterAll(() => msw.close());
  return {
    msw,
    async use(options = {}) {
      const idcs = await createIdcsHandlers({ host: IDCS_HOST, ...options });
      created.push(idcs);
      msw.use(...idcs.handlers);
      return idcs;
    },
  };
}

/** `Basic base64(id:secret)` (RFC 7617). */
export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

/** client_credentials with client_secret_basic, as a production client sends it. */
export function requestToken(options: { url?: string; id?: string; secret?: string; signal?: AbortSignal } = {}): Promise<Response> {
  return fetch(options.url ?? TOKEN_URL, {
    method: 'POST',
    headers: { authorization: basic(options.id ?? DEMO.id, options.secret ?? DEMO.secret), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: DEMO.scope }),
    signal: options.signal,
  });
}

/** An access token from the demo client; throws with the answer when none is issued. */
export async function accessToken(url = TOKEN_URL): Promise<string> {
  const response = await requestToken({ url });
  const body = (await response.json()) as { access_token?: string };
  if (response.status !== 200 || !body.access_token) throw new Error(`no token: ${response.status} ${JSON.stringify(body)}`);
  return body.access_token;
}
