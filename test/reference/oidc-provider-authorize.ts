/**
 * A reference oidc-provider (9.13.3, devDependency) for comparing understudy's authorization
 * endpoint with an independent, certified implementation. Not a test file: tests import it.
 *
 *   const ref = await startReferenceProvider();
 *   const answer = await referenceAuthorizeAnswer(ref.url, { client_id: ref.clientId, ... });
 *   await ref.close();
 *
 * The provider listens on 127.0.0.1, port 0, and its issuer is its own URL. Its authorization
 * endpoint is `${url}/auth` (oidc-provider's default route). A request that passes validation is
 * answered with a 303 to `/interaction/<uid>`, which is all a parameter-validation comparison
 * needs; with `devInteractions: true` oidc-provider's development login/consent pages answer
 * there, so a code can be obtained (oidc-provider-code-flow.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import { authorizeAnswer, type AuthorizeAnswer, type AuthorizeRequestOptions } from './authorize-answer.ts';

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
  /** https://app.example/cb2, registered for the public client only. */
  secondRedirectUri: string;
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
  /** Serve token introspection (RFC 7662) at `${url}/token/introspection`, to see a token revoked. Default false. */
  introspection?: boolean;
  /** ttl overrides in seconds, e.g. { AuthorizationCode: 60 }. */
  ttl?: Record<string, number>;
}

export const REFERENCE_REDIRECT_URI = 'https://app.example/cb';
/** Registered for the public client only, so it has two redirect URIs (omitting redirect_uri is then an error). */
export const REFERENCE_SECOND_REDIRECT_URI = 'https://app.example/cb2';

export async function startReferenceProvider(options: ReferenceProviderOptions = {}): Promise<ReferenceProvider> {
  const { default: Provider, errors } = (await import('oidc-provider' as string)) as { default: ProviderConstructor; errors: { InvalidTarget: new () => Error } };
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
    features: {
      devInteractions: { enabled: options.devInteractions ?? false },
      introspection: { enabled: options.introspection ?? false },
      // The default's behaviour (every resource indicator is unknown: invalid_target), without its "you MUST change it" warning.
      resourceIndicators: {
        enabled: true,
        getResourceServerInfo: () => {
          throw new errors.InvalidTarget();
        },
      },
    },
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
    secondRedirectUri: REFERENCE_SECOND_REDIRECT_URI,
    publicClientId,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** What oidc-provider did with one authorization request (the shared classification of authorize-answer.ts). */
export type ReferenceAuthorizeAnswer = AuthorizeAnswer;
export type ReferenceAuthorizeRequestOptions = AuthorizeRequestOptions;

/**
 * Sends one authorization request to `${baseUrl}/auth` without following redirects, and says
 * what oidc-provider did with it. `query` is the parameters (a string without '?', or URLSearchParams);
 * for POST they are the form body (oidc-provider reads only the body on POST).
 */
export async function referenceAuthorizeAnswer(
  baseUrl: string,
  query: string | URLSearchParams,
  method: 'GET' | 'POST' = 'GET',
  options: ReferenceAuthorizeRequestOptions = {},
): Promise<ReferenceAuthorizeAnswer> {
  return authorizeAnswer(`${baseUrl.replace(/\/$/, '')}/auth`, query, method, options);
}
