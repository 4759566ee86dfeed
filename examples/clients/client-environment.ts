import type { SignInSettings } from './sign-in-client.ts';
import type { ClientSettings } from './token-client.ts';

/** Reads the UNDERSTUDY_* environment the harness gives a client (see the README's protocol section). */
export function settingsFromEnvironment(env: Record<string, string | undefined> = process.env): ClientSettings {
  const required = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(`${name} is not set; run this client through \`understudy run\` or set it yourself`);
    return value;
  };
  return {
    tokenUrl: required('UNDERSTUDY_TOKEN_URL'),
    clientId: required('UNDERSTUDY_CLIENT_ID'),
    // A public client is given an empty secret: it authenticates with client_id alone.
    clientSecret: env.UNDERSTUDY_CLIENT_SECRET ?? required('UNDERSTUDY_CLIENT_SECRET'),
    scope: env.UNDERSTUDY_SCOPE || undefined,
    apiUrl: required('UNDERSTUDY_API_URL'),
    tokenHeaders: parseHeaders(env.UNDERSTUDY_TOKEN_HEADERS, 'UNDERSTUDY_TOKEN_HEADERS'),
    apiHeaders: parseHeaders(env.UNDERSTUDY_API_HEADERS, 'UNDERSTUDY_API_HEADERS'),
    timeoutMs: env.UNDERSTUDY_TIMEOUT_MS ? Number(env.UNDERSTUDY_TIMEOUT_MS) : undefined,
    username: env.UNDERSTUDY_USERNAME || undefined,
    password: env.UNDERSTUDY_PASSWORD || undefined,
    ...(env.UNDERSTUDY_ASSERTION_KEY && env.UNDERSTUDY_ASSERTION_KID ? { assertion: { privateKeyPem: env.UNDERSTUDY_ASSERTION_KEY, kid: env.UNDERSTUDY_ASSERTION_KID } } : {}),
    signsIn: Boolean(env.UNDERSTUDY_AUTHORIZATION_URL),
  };
}

/** The sign-in settings, when the harness says the client signs a person in (UNDERSTUDY_AUTHORIZATION_URL). */
export function signInSettingsFromEnvironment(env: Record<string, string | undefined> = process.env): SignInSettings | undefined {
  if (!env.UNDERSTUDY_AUTHORIZATION_URL || !env.UNDERSTUDY_REDIRECT_URI) return undefined;
  const base = settingsFromEnvironment(env);
  return {
    clientId: base.clientId,
    clientSecret: base.clientSecret,
    tokenUrl: base.tokenUrl,
    scope: base.scope,
    issuer: env.UNDERSTUDY_ISSUER ?? '',
    jwksUrl: env.UNDERSTUDY_JWKS_URL ?? '',
    authorizationUrl: env.UNDERSTUDY_AUTHORIZATION_URL,
    redirectUri: env.UNDERSTUDY_REDIRECT_URI,
    endSessionUrl: env.UNDERSTUDY_END_SESSION_URL,
    postLogoutRedirectUri: env.UNDERSTUDY_POST_LOGOUT_REDIRECT_URI,
    timeoutMs: base.timeoutMs,
  };
}

function parseHeaders(value: string | undefined, name: string): Record<string, string> {
  if (!value) return {};
  const parsed: unknown = JSON.parse(value);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${name} must be a JSON object of header names to values`);
  return parsed as Record<string, string>;
}
