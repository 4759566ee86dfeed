import type { ClientEnvironment } from './driver.ts';

/** The UNDERSTUDY_* variables a command client reads (documented in the README). */
export function environmentVariables(env: ClientEnvironment): Record<string, string> {
  return {
    UNDERSTUDY_TOKEN_URL: env.tokenUrl,
    UNDERSTUDY_ISSUER: env.issuer,
    UNDERSTUDY_JWKS_URL: env.jwksUrl,
    UNDERSTUDY_DISCOVERY_URL: env.discoveryUrl,
    UNDERSTUDY_CLIENT_ID: env.clientId,
    UNDERSTUDY_CLIENT_SECRET: env.clientSecret,
    UNDERSTUDY_SCOPE: env.scope,
    UNDERSTUDY_API_URL: env.apiUrl,
    UNDERSTUDY_TOKEN_HEADERS: JSON.stringify(env.tokenHeaders),
    UNDERSTUDY_API_HEADERS: JSON.stringify(env.apiHeaders),
    ...(env.requestTimeoutMs === undefined ? {} : { UNDERSTUDY_TIMEOUT_MS: String(env.requestTimeoutMs) }),
    ...(env.username === undefined ? {} : { UNDERSTUDY_USERNAME: env.username, UNDERSTUDY_PASSWORD: env.password ?? '' }),
    ...optional('UNDERSTUDY_AUTHORIZATION_URL', env.authorizationUrl),
    ...optional('UNDERSTUDY_REDIRECT_URI', env.redirectUri),
    ...optional('UNDERSTUDY_USERINFO_URL', env.userinfoUrl),
    ...optional('UNDERSTUDY_END_SESSION_URL', env.endSessionUrl),
    ...optional('UNDERSTUDY_POST_LOGOUT_REDIRECT_URI', env.postLogoutRedirectUri),
    ...optional('UNDERSTUDY_ASSERTION_KEY', env.assertionKey),
    ...optional('UNDERSTUDY_ASSERTION_KID', env.assertionKid),
    ...env.variables,
  };
}

function optional(name: string, value: string | undefined): Record<string, string> {
  return value === undefined ? {} : { [name]: value };
}

/** Replaces {{tokenUrl}}-style placeholders with the environment's values. */
export function template(text: string, env: Omit<ClientEnvironment, 'variables'>): string {
  const values: Record<string, string> = {
    tokenUrl: env.tokenUrl,
    issuer: env.issuer,
    jwksUrl: env.jwksUrl,
    discoveryUrl: env.discoveryUrl,
    clientId: env.clientId,
    clientSecret: env.clientSecret,
    scope: env.scope,
    apiUrl: env.apiUrl,
  };
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => values[name] ?? whole);
}
