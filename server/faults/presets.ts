import { z } from 'zod';
import type { FaultAction, FaultMatch } from './rule-schema.ts';

/** What a preset expands to. */
export interface PresetExpansion {
  description: string;
  match: FaultMatch;
  action: FaultAction;
}

interface PresetDefinition<P extends z.ZodObject> {
  /** One line: the failure it reproduces. */
  summary: string;
  params: P;
  expand: (params: z.output<P>) => PresetExpansion;
}

const TOKEN: FaultMatch = { endpoint: 'token' };
const API: FaultMatch = { endpoint: 'api' };
/** The browser flow's requests: the authorization request and its login and consent pages. */
const BROWSER_FLOW: FaultMatch = { endpoint: ['authorize', 'login', 'consent'] };
const ANY_STEP = ['login', 'consent', 'code'] as const;
const stepParam = z.union([z.enum(ANY_STEP), z.array(z.enum(ANY_STEP)).min(1)]).optional();

/** A proxy's error page, as an nginx or OCI load balancer in front of IDCS answers. */
export function proxyErrorPage(status: number): string {
  const title = `${status} ${status === 502 ? 'Bad Gateway' : status === 503 ? 'Service Temporarily Unavailable' : status === 504 ? 'Gateway Time-out' : 'Error'}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

const GATEWAY_403 =
  '<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n<center><h1>403 Forbidden</h1></center>\r\n<center>Request blocked by the network allowlist of the gateway.</center>\r\n<hr><center>gateway</center>\r\n</body>\r\n</html>\r\n';

const none = z.object({}).strict();
const oauthError = (error: string, description: string, status?: number) =>
  ({ type: 'oauth_error', error, description, ...(status === undefined ? {} : { status }) }) as FaultAction;

function define<P extends z.ZodObject>(definition: PresetDefinition<P>): PresetDefinition<z.ZodObject> {
  return definition as unknown as PresetDefinition<z.ZodObject>;
}

/**
 * Every fault a token client meets in the field (the rule catalogue, docs/rules.md, names the
 * behaviour each one tests) by a short name with sensible defaults, so
 * a scenario or a curl line can say just the name. Defaults apply to every matching request;
 * narrow with `match` (e.g. `{"times": 1}` for a one-shot).
 */
export const PRESETS: Record<string, PresetDefinition<z.ZodObject>> = {
  // --- Authorization server: OAuth errors (RFC 6749 §5.2) -------------------------------
  'token.invalid_client': define({
    summary: 'invalid_client: 401 + WWW-Authenticate: Basic (IDCS "Client authentication failed.")',
    params: z.object({ status: z.union([z.literal(400), z.literal(401)]).optional() }).strict(),
    expand: (p) => ({
      description: 'token requests fail client authentication',
      match: TOKEN,
      // The WWW-Authenticate: Basic challenge is added when the request authenticated with Basic (RFC 6749 §5.2).
      action: { type: 'oauth_error', error: 'invalid_client', description: 'Client authentication failed.', status: p.status ?? 401 },
    }),
  }),
  'token.inactive_app': define({
    summary: 'IDCS inactive OAuth client app: invalid_client "The OAuth Client app is inactive."',
    params: none,
    expand: () => ({ description: 'the OAuth client app is inactive', match: TOKEN, action: oauthError('invalid_client', 'The OAuth Client app is inactive.') }),
  }),
  'token.invalid_scope': define({
    summary: 'invalid_scope: 400',
    params: none,
    expand: () => ({ description: 'the requested scope is refused', match: TOKEN, action: oauthError('invalid_scope', 'The requested scope is invalid, unknown, or malformed.') }),
  }),
  'token.unauthorized_client': define({
    summary: 'unauthorized_client: 400',
    params: none,
    expand: () => ({ description: 'the client may not use this grant', match: TOKEN, action: oauthError('unauthorized_client', 'The client is not authorized to use this grant type.') }),
  }),
  'token.unsupported_grant_type': define({
    summary: 'unsupported_grant_type: 400',
    params: none,
    expand: () => ({ description: 'the grant type is refused', match: TOKEN, action: oauthError('unsupported_grant_type', 'The grant type is not supported.') }),
  }),
  'token.invalid_request': define({
    summary: 'invalid_request: 400',
    params: z.object({ description: z.string().optional() }).strict(),
    expand: (p) => ({ description: 'the token request is refused as malformed', match: TOKEN, action: oauthError('invalid_request', p.description ?? 'The request is missing a required parameter.') }),
  }),
  'token.invalid_grant': define({
    summary: 'invalid_grant: 400 "The token has already been consumed." (IDCS single-use refresh token)',
    params: z.object({ description: z.string().optional() }).strict(),
    expand: (p) => ({
      description: 'the refresh token is refused as consumed',
      match: { endpoint: 'token', grantType: 'refresh_token' },
      action: oauthError('invalid_grant', p.description ?? 'The token has already been consumed.'),
    }),
  }),
  'token.temporarily_unavailable': define({
    summary: 'temporarily_unavailable: 503 OAuth error',
    params: none,
    expand: () => ({ description: 'the authorization server is temporarily unavailable', match: TOKEN, action: oauthError('temporarily_unavailable', 'The service is temporarily unavailable.', 503) }),
  }),
  'token.server_error': define({
    summary: 'server_error: 500 with a JSON OAuth error body',
    params: z.object({ status: z.number().int().min(500).max(599).optional() }).strict(),
    expand: (p) => ({ description: 'the token endpoint fails with a JSON 5xx', match: TOKEN, action: oauthError('server_error', 'An internal error occurred.', p.status ?? 500) }),
  }),
  'token.html_error': define({
    summary: '502 text/html proxy error page instead of JSON',
    params: z.object({ status: z.number().int().min(400).max(599).optional() }).strict(),
    expand: (p) => ({
      description: 'a proxy answers the token request with an HTML error page',
      match: TOKEN,
      action: { type: 'respond', status: p.status ?? 502, contentType: 'text/html', body: proxyErrorPage(p.status ?? 502) },
    }),
  }),
  'token.empty_error': define({
    summary: '503 with an empty body',
    params: z.object({ status: z.number().int().min(400).max(599).optional() }).strict(),
    expand: (p) => ({ description: 'the token endpoint fails with an empty body', match: TOKEN, action: { type: 'respond', status: p.status ?? 503, body: '' } }),
  }),
  'token.rate_limited': define({
    summary: '429 + Retry-After (seconds or HTTP-date); early retries are 429 again and journaled as violations',
    params: z
      .object({
        retryAfter: z.number().int().min(0).optional(),
        format: z.enum(['seconds', 'http-date', 'none']).optional(),
        limit: z.number().int().positive().optional(),
        window: z.number().int().positive().optional(),
      })
      .strict(),
    expand: (p) => ({
      description: p.limit ? `at most ${p.limit} token requests per ${p.window ?? 60}s per client` : 'the token endpoint rate-limits the client',
      match: TOKEN,
      action: { type: 'rate_limit', retryAfter: p.retryAfter ?? 30, format: p.format, limit: p.limit, window: p.window },
    }),
  }),
  'token.use_dpop_nonce': define({
    summary: 'RFC 9449 §8: 400 use_dpop_nonce with a DPoP-Nonce header',
    params: z.object({ nonce: z.string().optional() }).strict(),
    expand: (p) => ({
      description: 'the authorization server demands a DPoP nonce',
      match: TOKEN,
      action: { type: 'oauth_error', error: 'use_dpop_nonce', description: 'Authorization server requires nonce in DPoP proof', headers: { 'dpop-nonce': p.nonce ?? 'eyJ7S_zG.eyJH0-Z.HX4w-7v' } },
    }),
  }),
  // --- Authorization server: odd but legal successes (RFC 6749 §5.1) --------------------
  'token.expires_in_missing': define({
    summary: '200 without expires_in',
    params: none,
    expand: () => ({ description: 'token responses omit expires_in', match: TOKEN, action: { type: 'token_response', expiresIn: 'missing' } }),
  }),
  'token.expires_in_string': define({
    summary: '200 with expires_in as a string ("3600")',
    params: none,
    expand: () => ({ description: 'token responses send expires_in as a string', match: TOKEN, action: { type: 'token_response', expiresIn: 'string' } }),
  }),
  'token.expires_in_zero': define({
    summary: '200 with expires_in: 0',
    params: none,
    expand: () => ({ description: 'token responses say expires_in 0', match: TOKEN, action: { type: 'token_response', expiresIn: 0 } }),
  }),
  'token.expires_in_short': define({
    summary: '200 with expires_in shorter than the token really lives (e.g. below the client refresh window)',
    params: z.object({ seconds: z.number().int().min(0).optional() }).strict(),
    expand: (p) => ({ description: `token responses say expires_in ${p.seconds ?? 5}`, match: TOKEN, action: { type: 'token_response', expiresIn: p.seconds ?? 5 } }),
  }),
  'token.expires_in_mismatch': define({
    summary: '200 with expires_in off from the token\'s real exp by N seconds (negative = shorter)',
    params: z.object({ delta: z.number().int().optional() }).strict(),
    expand: (p) => ({ description: `expires_in is off by ${p.delta ?? 600}s from exp`, match: TOKEN, action: { type: 'token_response', expiresInDelta: p.delta ?? 600 } }),
  }),
  'token.lowercase_token_type': define({
    summary: '200 with token_type "bearer"',
    params: none,
    expand: () => ({ description: 'token responses say token_type "bearer"', match: TOKEN, action: { type: 'token_response', tokenType: 'bearer' } }),
  }),
  'token.scope_narrowed': define({
    summary: '200 with a scope member narrower than requested (and a token carrying fewer scopes)',
    params: z.object({ drop: z.number().int().positive().optional() }).strict(),
    expand: (p) => ({ description: 'the granted scope is narrower than requested', match: TOKEN, action: { type: 'token_mutation', dropScopes: p.drop ?? 1, announceScope: true } }),
  }),
  'token.error_in_200': define({
    summary: 'non-standard: 200 whose body has an "error" member',
    params: z.object({ error: z.string().optional() }).strict(),
    expand: (p) => ({
      description: 'a 200 carries an error member',
      match: TOKEN,
      action: { type: 'respond', status: 200, body: { error: p.error ?? 'server_error', error_description: 'The request failed.' } },
    }),
  }),
  'token.reissue_cached': define({
    summary: 'the same cached token reissued with a shrinking expires_in',
    params: none,
    expand: () => ({ description: 'the server reissues its cached token, expires_in shrinking', match: TOKEN, action: { type: 'token_response', reissue: true } }),
  }),
  // --- Authorization server: token mutations ---------------------------------------------
  'token.expired_token': define({
    summary: 'issue a token that is already expired',
    params: none,
    expand: () => ({ description: 'issued tokens are already expired', match: TOKEN, action: { type: 'token_mutation', expired: true } }),
  }),
  'token.not_yet_valid': define({
    summary: 'issue a token with nbf in the future',
    params: z.object({ seconds: z.number().int().positive().optional() }).strict(),
    expand: (p) => ({ description: `issued tokens are valid only ${p.seconds ?? 300}s from now`, match: TOKEN, action: { type: 'token_mutation', notBefore: p.seconds ?? 300 } }),
  }),
  'token.unknown_key': define({
    summary: 'issue a token signed by a key the JWKS does not publish',
    params: none,
    expand: () => ({ description: 'issued tokens are signed by an unknown key', match: TOKEN, action: { type: 'token_mutation', unknownKey: true } }),
  }),
  'token.wrong_audience': define({
    summary: 'issue a token with another aud',
    params: z.object({ audience: z.string().optional() }).strict(),
    expand: (p) => ({ description: 'issued tokens carry another audience', match: TOKEN, action: { type: 'token_mutation', audience: p.audience ?? 'https://elsewhere.example.test:443' } }),
  }),
  'token.wrong_issuer': define({
    summary: 'issue a token with another iss',
    params: z.object({ issuer: z.string().optional() }).strict(),
    expand: (p) => ({ description: 'issued tokens carry another issuer', match: TOKEN, action: { type: 'token_mutation', issuer: p.issuer ?? 'https://impostor.example.test/' } }),
  }),
  'token.fewer_scopes': define({
    summary: 'issue a token with fewer scopes than asked, without saying so in the response',
    params: z.object({ drop: z.number().int().positive().optional() }).strict(),
    expand: (p) => ({ description: 'issued tokens carry fewer scopes than asked', match: TOKEN, action: { type: 'token_mutation', dropScopes: p.drop ?? 1 } }),
  }),
  // --- Authorization server: requirements and network -----------------------------------
  'token.require_header': define({
    summary: 'the token request must carry an extra header (e.g. X-Tenant-Id), else an error',
    params: z.object({ header: z.string().optional(), value: z.string().optional(), error: z.string().optional(), status: z.number().int().optional() }).strict(),
    expand: (p) => ({
      description: `token requests must carry ${p.header ?? 'X-Tenant-Id'}`,
      match: TOKEN,
      action: { type: 'require', header: p.header ?? 'X-Tenant-Id', value: p.value, error: p.error ?? 'invalid_request', status: p.status },
    }),
  }),
  'token.require_param': define({
    summary: 'the token request must carry an extra form parameter (e.g. audience), else an error',
    params: z.object({ param: z.string().optional(), value: z.string().optional(), error: z.string().optional(), status: z.number().int().optional() }).strict(),
    expand: (p) => ({
      description: `token requests must carry the ${p.param ?? 'audience'} parameter`,
      match: TOKEN,
      action: { type: 'require', param: p.param ?? 'audience', value: p.value, error: p.error ?? 'invalid_request', status: p.status },
    }),
  }),
  'token.firewall': define({
    summary: 'a network allowlist in front of the server: 403 from a gateway',
    params: z.object({ allow: z.array(z.string()).optional(), addressHeader: z.string().optional() }).strict(),
    expand: (p) => ({
      description: 'a gateway allowlist refuses the caller',
      match: TOKEN,
      action: { type: 'firewall', allow: p.allow ?? [], addressHeader: p.addressHeader },
    }),
  }),
  'token.assertion_clock_skew': define({
    summary: "RFC 7523 §3: the server's clock is N seconds ahead when it checks client assertions (exp passes early)",
    params: z.object({ seconds: z.number().int().optional() }).strict(),
    expand: (p) => ({
      description: `client assertions are judged by a clock ${p.seconds ?? 300}s ahead`,
      match: TOKEN,
      action: { type: 'clock_skew', seconds: p.seconds ?? 300 },
    }),
  }),
  'token.not_found': define({
    summary: '404: the client uses a wrong token URL',
    params: none,
    expand: () => ({ description: 'the token URL answers 404', match: TOKEN, action: { type: 'not_found' } }),
  }),
  // --- Transport ---------------------------------------------------------------------------
  'token.delay': define({
    summary: 'answer late: fixed delay, or uniform jitter (seeded)',
    params: z.object({ ms: z.number().min(0).optional(), jitterMs: z.number().min(0).optional() }).strict(),
    expand: (p) => ({ description: `token answers are ${p.ms ?? 2000}ms late`, match: TOKEN, action: { type: 'delay', ms: p.ms ?? 2000, jitterMs: p.jitterMs } }),
  }),
  'token.hang': define({
    summary: 'never answer until the client gives up (released when the rule is removed)',
    params: none,
    expand: () => ({ description: 'the token endpoint hangs', match: TOKEN, action: { type: 'hang' } }),
  }),
  'token.reset': define({
    summary: 'reset the connection (TCP RST) instead of answering',
    params: none,
    expand: () => ({ description: 'token requests get a connection reset', match: TOKEN, action: { type: 'reset' } }),
  }),
  'token.empty_reply': define({
    summary: 'close the connection without a response',
    params: none,
    expand: () => ({ description: 'token requests get an empty reply', match: TOKEN, action: { type: 'empty_reply' } }),
  }),
  'token.truncated': define({
    summary: 'send the headers and half the body, then close',
    params: none,
    expand: () => ({ description: 'token responses are truncated', match: TOKEN, action: { type: 'truncate' } }),
  }),
  // --- Authorization code flow: the token endpoint ---------------------------------------
  'token.code_expired': define({
    summary: 'invalid_grant "The authorization code has expired." for a code redemption',
    params: none,
    expand: () => ({
      description: 'authorization codes are refused as expired',
      match: { endpoint: 'token', grantType: 'authorization_code' },
      action: oauthError('invalid_grant', 'The authorization code has expired.'),
    }),
  }),
  'token.code_reused': define({
    summary: 'invalid_grant "The authorization code has already been used." for a code redemption',
    params: none,
    expand: () => ({
      description: 'authorization codes are refused as already used',
      match: { endpoint: 'token', grantType: 'authorization_code' },
      action: oauthError('invalid_grant', 'The authorization code has already been used.'),
    }),
  }),
  'token.refresh_expired': define({
    summary: 'invalid_grant "The refresh token has expired." for a refresh',
    params: none,
    expand: () => ({
      description: 'refresh tokens are refused as expired',
      match: { endpoint: 'token', grantType: 'refresh_token' },
      action: oauthError('invalid_grant', 'The refresh token has expired.'),
    }),
  }),
  // --- Authorization code flow: the browser (RFC 6749 §4.1.2.1, OIDC Core §3.1.2.6) ----------
  'authorize.access_denied': define({
    summary: 'the user refuses consent: the redirect URI gets access_denied "The user denied the consent." and the state, instead of a code',
    params: z.object({ step: stepParam, description: z.string().optional() }).strict(),
    expand: (p) => ({
      description: 'the user denies the authorization',
      match: BROWSER_FLOW,
      action: { type: 'authorization_error', error: 'access_denied', description: p.description ?? 'The user denied the consent.', step: p.step ?? 'code' },
    }),
  }),
  'authorize.login_required': define({
    summary: 'login_required at the redirect URI even with a session (e.g. the IDCS session ended), at the first step the flow reaches',
    params: z.object({ step: stepParam, description: z.string().optional() }).strict(),
    expand: (p) => ({
      description: 'the authorization server wants the user to log in again',
      match: BROWSER_FLOW,
      action: { type: 'authorization_error', error: 'login_required', description: p.description ?? 'End-User authentication is required', step: p.step ?? [...ANY_STEP] },
    }),
  }),
  'authorize.consent_required': define({
    summary: 'consent_required at the redirect URI after the login, instead of the consent page or the code',
    params: z.object({ step: stepParam, description: z.string().optional() }).strict(),
    expand: (p) => ({
      description: 'the authorization server wants the user to consent again',
      match: BROWSER_FLOW,
      action: { type: 'authorization_error', error: 'consent_required', description: p.description ?? 'End-User consent is required', step: p.step ?? ['consent', 'code'] },
    }),
  }),
  'login.slow': define({
    summary: 'the login page answers late (its GET and the form POST)',
    params: z.object({ ms: z.number().min(0).optional(), jitterMs: z.number().min(0).optional() }).strict(),
    expand: (p) => ({ description: `the login page is ${p.ms ?? 3000}ms late`, match: { endpoint: 'login' }, action: { type: 'delay', ms: p.ms ?? 3000, jitterMs: p.jitterMs } }),
  }),
  // --- Authorization code flow: ID tokens a relying party must refuse (OIDC Core §3.1.3.7) --
  'id_token.wrong_nonce': define({
    summary: 'issue an ID token whose nonce is not the one the authorization request sent',
    params: z.object({ nonce: z.string().optional() }).strict(),
    expand: (p) => ({ description: 'ID tokens carry another nonce', match: TOKEN, action: { type: 'id_token_mutation', nonce: p.nonce ?? 'not-the-nonce-you-sent' } }),
  }),
  'id_token.wrong_audience': define({
    summary: 'issue an ID token with another aud than the client id',
    params: z.object({ audience: z.string().optional() }).strict(),
    expand: (p) => ({ description: 'ID tokens carry another audience', match: TOKEN, action: { type: 'id_token_mutation', audience: p.audience ?? 'another-client' } }),
  }),
  'id_token.wrong_issuer': define({
    summary: 'issue an ID token with another iss',
    params: z.object({ issuer: z.string().optional() }).strict(),
    expand: (p) => ({ description: 'ID tokens carry another issuer', match: TOKEN, action: { type: 'id_token_mutation', issuer: p.issuer ?? 'https://impostor.example.test/' } }),
  }),
  'id_token.bad_signature': define({
    summary: 'issue an ID token whose signature does not verify',
    params: none,
    expand: () => ({ description: 'ID tokens carry a broken signature', match: TOKEN, action: { type: 'id_token_mutation', badSignature: true } }),
  }),
  'id_token.expired': define({
    summary: 'issue an ID token that is already expired',
    params: none,
    expand: () => ({ description: 'issued ID tokens are already expired', match: TOKEN, action: { type: 'id_token_mutation', expired: true } }),
  }),
  'userinfo.invalid_token': define({
    summary: 'userinfo refuses the presented access token: 401 invalid_token (the token is revoked for good, or treated as expired)',
    params: z.object({ reason: z.enum(['revoked', 'expired']).optional() }).strict(),
    expand: (p) => ({ description: 'userinfo refuses the access token', match: { endpoint: 'userinfo' }, action: { type: 'invalid_token', reason: p.reason ?? 'revoked' } }),
  }),
  // --- Resource server (the mock API) ----------------------------------------------------
  'api.revoke_early': define({
    summary: 'revoke the presented token early: 401 invalid_token from the 2nd API call (once)',
    params: z.object({ nth: z.number().int().positive().optional() }).strict(),
    expand: (p) => ({ description: 'the API revokes the presented token early', match: { endpoint: 'api', nth: p.nth ?? 2 }, action: { type: 'invalid_token', reason: 'revoked' } }),
  }),
  'api.expire_early': define({
    summary: 'the presented token expires early: 401 invalid_token from the 2nd API call (once)',
    params: z.object({ nth: z.number().int().positive().optional() }).strict(),
    expand: (p) => ({ description: 'the API treats the presented token as expired', match: { endpoint: 'api', nth: p.nth ?? 2 }, action: { type: 'invalid_token', reason: 'expired' } }),
  }),
  'api.clock_skew': define({
    summary: "the API's clock runs N seconds ahead of the authorization server's",
    params: z.object({ seconds: z.number().int().optional() }).strict(),
    expand: (p) => ({ description: `the API clock is ${p.seconds ?? 300}s ahead`, match: API, action: { type: 'clock_skew', seconds: p.seconds ?? 300 } }),
  }),
  'api.insufficient_scope': define({
    summary: '403 insufficient_scope',
    params: z.object({ scope: z.string().optional() }).strict(),
    expand: (p) => ({ description: 'the API refuses the token for scope', match: API, action: { type: 'insufficient_scope', scope: p.scope } }),
  }),
  'api.invalid_request': define({
    summary: '400 invalid_request from the API',
    params: none,
    expand: () => ({ description: 'the API refuses the request as malformed', match: API, action: { type: 'respond', status: 400, headers: { 'www-authenticate': 'Bearer realm="understudy", error="invalid_request"' }, body: { error: 'invalid_request', error_description: 'The request is malformed.' } } }),
  }),
  'api.require_header': define({
    summary: 'every API call must carry an extra header (e.g. X-Request-Id), else 400',
    params: z.object({ header: z.string().optional(), value: z.string().optional(), status: z.number().int().optional() }).strict(),
    expand: (p) => ({ description: `API calls must carry ${p.header ?? 'X-Request-Id'}`, match: API, action: { type: 'require', header: p.header ?? 'X-Request-Id', value: p.value, error: 'invalid_request', status: p.status ?? 400 } }),
  }),
  'api.rate_limited': define({
    summary: '429 + Retry-After from the API',
    params: z.object({ retryAfter: z.number().int().min(0).optional(), format: z.enum(['seconds', 'http-date', 'none']).optional() }).strict(),
    expand: (p) => ({ description: 'the API rate-limits the client', match: API, action: { type: 'rate_limit', retryAfter: p.retryAfter ?? 30, format: p.format } }),
  }),
  'api.server_error': define({
    summary: '5xx from the API',
    params: z.object({ status: z.number().int().min(500).max(599).optional() }).strict(),
    expand: (p) => ({ description: 'the API fails with a 5xx', match: API, action: { type: 'respond', status: p.status ?? 503, body: { error: 'service_unavailable' } } }),
  }),
  'api.delay': define({
    summary: 'API answers late',
    params: z.object({ ms: z.number().min(0).optional(), jitterMs: z.number().min(0).optional() }).strict(),
    expand: (p) => ({ description: `API answers are ${p.ms ?? 2000}ms late`, match: API, action: { type: 'delay', ms: p.ms ?? 2000, jitterMs: p.jitterMs } }),
  }),
  'api.hang': define({
    summary: 'the API never answers until the client gives up',
    params: none,
    expand: () => ({ description: 'the API hangs', match: API, action: { type: 'hang' } }),
  }),
  'api.empty_reply': define({
    summary: 'the API closes the connection without a response',
    params: none,
    expand: () => ({ description: 'API calls get an empty reply', match: API, action: { type: 'empty_reply' } }),
  }),
  'api.truncated': define({
    summary: 'the API sends the headers and half the body, then closes',
    params: none,
    expand: () => ({ description: 'API responses are truncated', match: API, action: { type: 'truncate' } }),
  }),
  'api.reset': define({
    summary: 'the API resets the connection',
    params: none,
    expand: () => ({ description: 'API calls get a connection reset', match: API, action: { type: 'reset' } }),
  }),
};

/** Gateway page of the firewall action. */
export const GATEWAY_FORBIDDEN_PAGE = GATEWAY_403;

/** Names of the built-in fault presets (e.g. `token.rate_limited`), to list or validate a `preset` before adding a rule. */
export function presetNames(): string[] {
  return Object.keys(PRESETS);
}
