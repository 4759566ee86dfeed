/**
 * A reference oidc-provider (9.13.3, devDependency) for comparing understudy's authorization
 * endpoint with an independent, certified implementation. Not a test file: tests import it.
 *
 *   const ref = await startReferenceProvider();
 *   const answer = await referenceAuthorizeAnswer(ref.url, { client_id: ref.clientId, ... });
 *   await ref.close();
 *
 * The provider listens on 127.0.0.1, port 0, and its issuer is its own URL. Its authorization
 * endpoint is `${url}/auth` (oidc-provider's default route). Interactions are not implemented
 * (devInteractions off): a request that passes validation is answered with a 303 to
 * `/interaction/<uid>`, which is all a parameter-validation comparison needs.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';

// oidc-provider publishes no type declarations; this is the little of its API used here.
type ProviderInstance = { callback(): (req: IncomingMessage, res: ServerResponse) => void };
type ProviderConstructor = new (issuer: string, configuration: object) => ProviderInstance;

export interface ReferenceProvider {
  /** Issuer URL, e.g. http://127.0.0.1:40123 (the authorization endpoint is `${url}/auth`). */
  url: string;
  close(): Promise<void>;
  /** Confidential client: client_secret_basic, authorization_code + refresh_token, one redirect URI. */
  clientId: string;
  secret: string;
  /** https://app.example/cb, registered for both clients. */
  redirectUri: string;
  /** Public client: token_endpoint_auth_method none, so PKCE is required; two redirect URIs. */
  publicClientId: string;
}

export interface ReferenceProviderOptions {
  /**
   * oidc-provider 9 answers POST /auth only with `enableHttpPostMethods: true` (which it refuses
   * unless cookies.long.sameSite is 'none'). Default here: true, so POST requests are validated.
   */
  enableHttpPostMethods?: boolean;
  /** Mount oidc-provider's development login/consent pages (needed to obtain a real code). Default false. */
  devInteractions?: boolean;
  /** ttl overrides in seconds, e.g. { AuthorizationCode: 60 }. */
  ttl?: Record<string, number>;
}

export const REFERENCE_REDIRECT_URI = 'https://app.example/cb';
/** Registered for the public client only, so it has two redirect URIs (omitting redirect_uri is then an error). */
export const REFERENCE_SECOND_REDIRECT_URI = 'https://app.example/cb2';

export async function startReferenceProvider(options: ReferenceProviderOptions = {}): Promise<ReferenceProvider> {
  const { default: Provider } = (await import('oidc-provider' as string)) as { default: ProviderConstructor };
  const clientId = 'ref-confidential';
  const secret = 'ref-confidential-secret';
  const publicClientId = 'ref-public';

  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  // An EC key of our own: generating it is instant, and it avoids the "development-only signing keys" warning.
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'reference-es256', use: 'sig', alg: 'ES256' };
  const enableHttpPostMethods = options.enableHttpPostMethods ?? true;

  const configuration = {
    clients: [
      {
        client_id: clientId,
        client_secret: secret,
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [REFERENCE_REDIRECT_URI],
        id_token_signed_response_alg: 'ES256',
      },
      {
        client_id: publicClientId,
        token_endpoint_auth_method: 'none', // pkce.required (lib/helpers/defaults.js:313) is then true
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [REFERENCE_REDIRECT_URI, REFERENCE_SECOND_REDIRECT_URI],
        id_token_signed_response_alg: 'ES256',
      },
    ],
    jwks: { keys: [jwk] },
    // 9.x has no pkce.methods option: only S256 exists (lib/actions/authorization/sender_constraints.js:20).
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    claims: {
      openid: ['sub'],
      profile: ['name', 'family_name', 'given_name', 'updated_at'],
      email: ['email', 'email_verified'],
    },
    features: { devInteractions: { enabled: options.devInteractions ?? false } },
    // The default; spelled out so the "interaction" answer's shape is visible here.
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    enableHttpPostMethods,
    ...(enableHttpPostMethods ? { cookies: { long: { httpOnly: true, sameSite: 'none' }, short: { httpOnly: true, sameSite: 'lax' } } } : {}),
    // Numbers instead of the default functions, which print a NOTICE when first called.
    ttl: { Interaction: 3600, Session: 86400, Grant: 86400, AuthorizationCode: 60, AccessToken: 3600, IdToken: 3600, RefreshToken: 86400, ...options.ttl },
    findAccount: (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => ({ sub }) }),
  };

  // The constructor warns (console.warn, synchronously) about its in-memory adapter and, when on,
  // devInteractions; both are intended here, so those lines alone are dropped while it runs.
  const warn = console.warn;
  let provider: ProviderInstance;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].includes('oidc-provider WARNING')) return;
    warn.apply(console, args);
  };
  try {
    provider = new Provider(url, configuration);
  } finally {
    console.warn = warn;
  }
  server.on('request', provider.callback());

  return {
    url,
    clientId,
    secret,
    redirectUri: REFERENCE_REDIRECT_URI,
    publicClientId,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

export interface ReferenceAuthorizeAnswer {
  /**
   * redirect: the error (or result) is delivered to the client's redirect_uri — by a 303 Location
   * (response_mode query/fragment) or by an auto-submitting form_post page (see `via`).
   * page: the user agent is shown an error page and nothing reaches the client.
   * interaction: the request passed validation; a 303 into the provider's own login/consent.
   */
  kind: 'redirect' | 'page' | 'interaction';
  status: number;
  error?: string;
  errorDescription?: string;
  state?: string;
  location?: string;
  /** For kind 'redirect': how the parameters travel. */
  via?: 'query' | 'fragment' | 'form_post';
  /** RFC 9207 iss, which oidc-provider adds to every error response. */
  iss?: string;
}

export interface ReferenceAuthorizeRequestOptions {
  /** For POST: the request's content-type. Default application/x-www-form-urlencoded. */
  contentType?: string;
  /** For POST: a query string to put on the URL as well (oidc-provider reads only the body on POST). */
  urlQuery?: string | URLSearchParams;
}

const decodeHtml = (s: string) =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

/**
 * Sends one authorization request to `${baseUrl}/auth` without following redirects, and says
 * what oidc-provider did with it. `query` is the parameters (a string without '?', or URLSearchParams);
 * for POST they are the form body.
 */
export async function referenceAuthorizeAnswer(
  baseUrl: string,
  query: string | URLSearchParams,
  method: 'GET' | 'POST' = 'GET',
  options: ReferenceAuthorizeRequestOptions = {},
): Promise<ReferenceAuthorizeAnswer> {
  const params = typeof query === 'string' ? query.replace(/^\?/, '') : query.toString();
  const endpoint = `${baseUrl.replace(/\/$/, '')}/auth`;
  const response =
    method === 'GET'
      ? await fetch(params ? `${endpoint}?${params}` : endpoint, { redirect: 'manual' })
      : await fetch(options.urlQuery === undefined ? endpoint : `${endpoint}?${options.urlQuery.toString()}`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': options.contentType ?? 'application/x-www-form-urlencoded' },
          body: params,
        });
  const status = response.status;
  const body = await response.text();
  const location = response.headers.get('location') ?? undefined;

  if (location !== undefined) {
    const target = new URL(location, endpoint);
    if (target.origin === new URL(endpoint).origin) return { kind: 'interaction', status, location };
    const fragment = target.hash.length > 1;
    return { kind: 'redirect', status, location, via: fragment ? 'fragment' : 'query', ...pick(new URLSearchParams(fragment ? target.hash.slice(1) : target.search)) };
  }

  // form_post: <form method="post" action="REDIRECT_URI"> with hidden inputs (lib/response_modes/form_post.js:27).
  const form = /<form method="post" action="([^"]*)">([\s\S]*?)<\/form>/.exec(body);
  if (form && body.includes('<title>Submitting Callback</title>')) {
    const fields = new URLSearchParams();
    for (const [, name, value] of form[2]!.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)"\/>/g)) {
      fields.append(decodeHtml(name!), decodeHtml(value!));
    }
    return { kind: 'redirect', status, location: decodeHtml(form[1]!), via: 'form_post', ...pick(fields) };
  }

  // The default renderError page: <pre><strong>KEY</strong>: VALUE</pre> (lib/helpers/defaults.js:473).
  const fields = new URLSearchParams();
  for (const [, key, value] of body.matchAll(/<pre><strong>([^<]*)<\/strong>: ([^<]*)<\/pre>/g)) {
    fields.append(decodeHtml(key!), decodeHtml(value!));
  }
  if (!fields.has('error')) {
    // Not oidc-provider's page (e.g. Koa's plain "Not Found" for an unrouted method): report the status only.
    const text = body.trim().slice(0, 200);
    return { kind: 'page', status, ...(text && !text.startsWith('<') ? { errorDescription: text } : {}) };
  }
  return { kind: 'page', status, ...pick(fields) };
}

function pick(fields: URLSearchParams): Pick<ReferenceAuthorizeAnswer, 'error' | 'errorDescription' | 'state' | 'iss'> {
  const out: Pick<ReferenceAuthorizeAnswer, 'error' | 'errorDescription' | 'state' | 'iss'> = {};
  const error = fields.get('error');
  const errorDescription = fields.get('error_description');
  const state = fields.get('state');
  const iss = fields.get('iss');
  if (error !== null) out.error = error;
  if (errorDescription !== null) out.errorDescription = errorDescription;
  if (state !== null) out.state = state;
  if (iss !== null) out.iss = iss;
  return out;
}
