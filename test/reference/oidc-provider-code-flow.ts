/**
 * The authorization code flow against the reference oidc-provider, for comparing code redemption
 * (its token endpoint) with understudy's. Needs a provider started with `devInteractions: true`
 * (its development login and consent pages); `introspection: true` to see tokens revoked.
 *
 *   const ref = await startReferenceProvider({ devInteractions: true, introspection: true });
 *   const { code } = await referenceSignIn(ref, { client_id: ref.clientId, ... });
 *   const answer = await referenceToken(ref, { grant_type: 'authorization_code', code, ... }, { clientId: ref.clientId, secret: ref.secret });
 *
 * Not a test file: tests import it.
 */
import { classifyAuthorizeResponse, type AuthorizeAnswer } from './authorize-answer.ts';
import type { ReferenceProvider } from './oidc-provider-authorize.ts';

/** A browser's cookies: what Set-Cookie stored, sent back on every request. */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line) || /max-age=0/i.test(line)) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  /** fetch without following redirects, with these cookies, keeping what comes back. */
  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const cookie = this.header();
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string> | undefined), ...(cookie ? { cookie } : {}) } });
    this.store(response);
    return response;
  }
}

/**
 * Authorization request → dev login (as `accountId`) → dev consent → the answer at the client's
 * redirect_uri, classified (its `code` is set when one was issued). An authorization error
 * redirect or page is returned as it is.
 */
export async function referenceSignIn(
  ref: Pick<ReferenceProvider, 'url'>,
  params: Record<string, string> | URLSearchParams,
  options: { accountId?: string; jar?: CookieJar } = {},
): Promise<AuthorizeAnswer> {
  const jar = options.jar ?? new CookieJar();
  const endpoint = `${ref.url}/auth`;
  let response = await jar.fetch(`${endpoint}?${new URLSearchParams(params)}`);
  for (let hop = 0; hop < 12; hop += 1) {
    const location = response.headers.get('location') ?? undefined;
    const answer = classifyAuthorizeResponse(endpoint, response.status, location, location === undefined ? await response.text() : '');
    if (answer.kind !== 'interaction') return answer;
    const next = new URL(location as string, ref.url);
    if (/^\/interaction\/[^/]+$/.test(next.pathname)) {
      const page = await (await jar.fetch(next)).text();
      const form: Record<string, string> = page.includes('name="login"') ? { prompt: 'login', login: options.accountId ?? 'alice', password: 'x' } : { prompt: 'consent' };
      response = await jar.fetch(next, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
    } else {
      response = await jar.fetch(next);
    }
  }
  throw new Error('oidc-provider sign-in: too many redirects');
}

export interface TokenAnswer {
  status: number;
  body: { error?: string; error_description?: string; access_token?: string; refresh_token?: string; id_token?: string; [key: string]: unknown };
}

/** POST `${ref.url}/token`: client_secret_basic when `secret` is given, else client_id in the body (a public client). */
export async function referenceToken(ref: Pick<ReferenceProvider, 'url'>, params: Record<string, string>, client: { clientId: string; secret?: string }): Promise<TokenAnswer> {
  return tokenRequest(`${ref.url}/token`, params, client);
}

/** RFC 7662 introspection at `${ref.url}/token/introspection` (needs `introspection: true`): is the token active? */
export async function referenceIntrospect(ref: Pick<ReferenceProvider, 'url'>, token: string, client: { clientId: string; secret: string }): Promise<boolean> {
  const answer = await tokenRequest(`${ref.url}/token/introspection`, { token }, client);
  if (answer.status !== 200) throw new Error(`introspection answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body.active === true;
}

/** A form POST to a token-style endpoint, authenticated as `client`; the status and JSON body. */
export async function tokenRequest(url: string, params: Record<string, string>, client: { clientId: string; secret?: string }): Promise<TokenAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const body = new URLSearchParams(params);
  if (client.secret !== undefined) headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.secret)}`).toString('base64')}`;
  else body.set('client_id', client.clientId);
  const response = await fetch(url, { method: 'POST', headers, body: body.toString() });
  return { status: response.status, body: (await response.json()) as TokenAnswer['body'] };
}
