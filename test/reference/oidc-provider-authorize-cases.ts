/**
 * Bad and edge-case authorization requests, to send to the reference oidc-provider (and, for
 * comparison, to understudy). `source` names the oidc-provider 9.13.3 check that decides the answer
 * (file:line under node_modules/oidc-provider/lib). The generator
 * (oidc-provider-authorize-table.ts) runs them and writes oidc-provider-authorize.md.
 */
import { createHash } from 'node:crypto';

export interface AuthorizeCase {
  id: string;
  title: string;
  method: 'GET' | 'POST';
  /** The request's parameters, in order (duplicates allowed). */
  params: [string, string][];
  contentType?: string;
  /** For POST: parameters to put in the URL query instead of the body. */
  urlQuery?: [string, string][];
  /** Send it to a provider started with enableHttpPostMethods false (oidc-provider's default). */
  defaultPostConfig?: boolean;
  source: string;
}

export interface CaseClients {
  clientId: string;
  publicClientId: string;
  /** Registered for both clients. */
  redirectUri: string;
  /** Registered for the public client only. */
  secondRedirectUri: string;
}

export const CODE_VERIFIER = 'reference-code-verifier-0123456789-abcdefghijklmnop';
export const CODE_CHALLENGE = createHash('sha256').update(CODE_VERIFIER).digest('base64url');

export function authorizeCases({ clientId, publicClientId, redirectUri, secondRedirectUri }: CaseClients): AuthorizeCase[] {
  const base: [string, string][] = [
    ['client_id', clientId],
    ['response_type', 'code'],
    ['scope', 'openid'],
    ['redirect_uri', redirectUri],
    ['state', 'st-1'],
    ['code_challenge', CODE_CHALLENGE],
    ['code_challenge_method', 'S256'],
  ];
  /** base, with `set` replacing (or appending) values and `drop` removing parameters. */
  const req = (set: Record<string, string> = {}, drop: string[] = [], from = base): [string, string][] => {
    const out = from.filter(([k]) => !drop.includes(k) && !(k in set));
    return [...out, ...Object.entries(set)];
  };
  const pub = req({ client_id: publicClientId });
  const twice = (name: string, second: string): [string, string][] => [...base, [name, second]];
  const get = (id: string, title: string, params: [string, string][], source: string): AuthorizeCase => ({ id, title, method: 'GET', params, source });

  return [
    get('baseline', 'valid request (confidential client, PKCE S256, state)', base, 'passes every check; interactions (actions/authorization/interactions.js:10)'),
    get('baseline-public', 'valid request (public client)', pub, 'passes every check'),
    get('client-id-missing', 'missing client_id', req({}, ['client_id']), 'actions/authorization/client.js:15 (presence); page because no client_id (shared/authorization_error_handler.js:89)'),
    get('client-id-empty', 'client_id= (empty value)', req({ client_id: '' }), 'helpers/params.js:9 (empty → undefined), then client.js:15'),
    get('client-id-unknown', 'unknown client_id', req({ client_id: 'no-such-client' }), 'actions/authorization/client.js:22; page because no client (authorization_error_handler.js:90)'),
    get('redirect-uri-missing', 'missing redirect_uri, client has one registered', req({}, ['redirect_uri']), 'actions/authorization/response_parameters.js:133 (allowOmittingSingleRegisteredRedirectUri, default true)'),
    get('redirect-uri-missing-two', 'missing redirect_uri, client has two registered (public)', req({}, ['redirect_uri'], pub), 'actions/authorization/response_parameters.js:172 (oidcRequired presence); page: no redirect_uri (authorization_error_handler.js:91)'),
    get('redirect-uri-unregistered', 'unregistered redirect_uri', req({ redirect_uri: 'https://evil.example/cb' }), 'actions/authorization/response_parameters.js:111; InvalidRedirectUri.allow_redirect=false (helpers/errors.js:109)'),
    get('redirect-uri-extra-query', 'redirect_uri with an extra query', req({ redirect_uri: `${redirectUri}?x=1` }), 'models/client.js:505 → 488 (exact string match)'),
    get('redirect-uri-fragment', 'redirect_uri with a fragment', req({ redirect_uri: `${redirectUri}#frag` }), 'models/client.js:505 → 488 (exact string match)'),
    get('redirect-uri-case', 'redirect_uri with upper-case host', req({ redirect_uri: redirectUri.replace('app.example', 'APP.example') }), 'models/client.js:505 → 488 (exact string match)'),
    get('redirect-uri-not-url', 'redirect_uri not a URL', req({ redirect_uri: 'not a url' }), 'models/client.js:505 → 488 (exact string match)'),
    get('response-type-missing', 'missing response_type', req({}, ['response_type']), 'actions/authorization/response_parameters.js:146 (oauthRequired presence)'),
    get('response-type-token', 'response_type=token', req({ response_type: 'token' }), 'actions/authorization/response_parameters.js:73 (not in configuration.responseTypes); default mode for *token* is fragment (helpers/resolve_response_mode.js:2)'),
    get('response-type-foo', 'response_type=foo', req({ response_type: 'foo' }), 'actions/authorization/response_parameters.js:73'),
    get('response-type-code-id-token', 'response_type="code id_token" (supported, not registered for client)', req({ response_type: 'code id_token', nonce: 'n' }), 'actions/authorization/response_parameters.js:77; fragment by default for id_token (helpers/resolve_response_mode.js:2)'),
    get('dupe-client-id-same', 'client_id twice (same value)', twice('client_id', clientId), 'shared/reject_dupes.js:21 (via request_parameters.js:61); client_id cleared, so page'),
    get('dupe-client-id-diff', 'client_id twice (different values)', twice('client_id', publicClientId), 'shared/reject_dupes.js:21; client_id cleared, so page'),
    get('dupe-redirect-uri', 'redirect_uri twice', twice('redirect_uri', redirectUri), 'shared/reject_dupes.js:21; redirect_uri cleared (reject_dupes.js:17), then refilled with the only registered URI (shared/authorization_error_handler.js:71-72 → response_parameters.js:133), so it redirects there'),
    get('dupe-redirect-uri-public', 'redirect_uri twice, client has two registered (public)', [...pub, ['redirect_uri', redirectUri]], 'shared/reject_dupes.js:21; redirect_uri cleared and not recoverable, so page (authorization_error_handler.js:91)'),
    get('dupe-state', 'state twice', twice('state', 'st-2'), 'shared/reject_dupes.js:21; state cleared, so not echoed'),
    get('dupe-scope', 'scope twice', twice('scope', 'openid'), 'shared/reject_dupes.js:21'),
    get('dupe-response-type', 'response_type twice', twice('response_type', 'code'), 'shared/reject_dupes.js:21'),
    get('scope-missing', 'missing scope', req({}, ['scope']), 'not required in 9.x (actions/authorization/scopes.js:43-47)'),
    get('scope-no-openid', 'scope=profile (no openid)', req({ scope: 'profile' }), 'plain OAuth 2.0 request (actions/authorization/scopes.js:80)'),
    get('scope-no-openid-nonce', 'scope=profile with nonce', req({ scope: 'profile', nonce: 'n' }), 'actions/authorization/scopes.js:98'),
    get('scope-unknown', 'scope="openid foo" (unknown scope)', req({ scope: 'openid foo' }), 'unknown scopes are not rejected (scopes.js:49 checks client.scope only); dropped at grant time'),
    get('scope-bad-chars', 'scope with a " character', req({ scope: 'openid "x' }), 'actions/authorization/scopes.js:16 (helpers/is_valid_scope.js)'),
    get('scope-offline-access', 'scope="openid offline_access" without prompt=consent', req({ scope: 'openid offline_access' }), 'offline_access silently dropped (actions/authorization/scopes.js:33-40)'),
    get('prompt-none', 'prompt=none, no session', req({ prompt: 'none' }), 'actions/authorization/interactions.js:83-87 (failed check helpers/interaction_policy/prompts/login.js:23)'),
    get('prompt-foo', 'prompt=foo', req({ prompt: 'foo' }), 'actions/authorization/request_parameters.js:137'),
    get('prompt-none-login', 'prompt="none login"', req({ prompt: 'none login' }), 'actions/authorization/request_parameters.js:142'),
    get('prompt-login', 'prompt=login', req({ prompt: 'login' }), 'valid'),
    get('pkce-plain', 'code_challenge_method=plain', req({ code_challenge_method: 'plain' }), 'actions/authorization/sender_constraints.js:21'),
    get('pkce-foo', 'code_challenge_method=foo', req({ code_challenge_method: 'foo' }), 'actions/authorization/sender_constraints.js:21'),
    get('pkce-no-method', 'code_challenge without code_challenge_method', req({}, ['code_challenge_method']), 'actions/authorization/sender_constraints.js:17 (no default to plain)'),
    get('pkce-no-challenge', 'code_challenge_method without code_challenge', req({}, ['code_challenge']), 'actions/authorization/sender_constraints.js:25'),
    get('pkce-short', 'code_challenge of 42 characters', req({ code_challenge: 'a'.repeat(42) }), 'helpers/pkce_format.js:7 (via sender_constraints.js:38)'),
    get('pkce-long', 'code_challenge of 129 characters', req({ code_challenge: 'a'.repeat(129) }), 'helpers/pkce_format.js:11'),
    get('pkce-bad-chars', 'code_challenge of 43 characters with "+" and "="', req({ code_challenge: `${'a'.repeat(41)}+=` }), 'helpers/pkce_format.js:15 (allowed: [A-Za-z0-9._~-])'),
    get('pkce-not-sha256-shaped', 'code_challenge of 128 valid characters (not a SHA-256 length)', req({ code_challenge: 'a'.repeat(128) }), 'only the format is checked (helpers/pkce_format.js)'),
    get('pkce-public-missing', 'public client without code_challenge', req({}, ['code_challenge', 'code_challenge_method'], pub), 'actions/authorization/sender_constraints.js:31 (pkce.required, helpers/defaults.js:316)'),
    get('pkce-confidential-missing', 'confidential client without code_challenge', req({}, ['code_challenge', 'code_challenge_method']), 'pkce.required false for confidential clients (helpers/defaults.js:337)'),
    get('state-5000', 'state of 5000 characters', req({ state: 's'.repeat(5000) }), 'no length limit on state'),
    get('state-5000-error', 'state of 5000 characters, with an error (prompt=foo)', req({ state: 's'.repeat(5000), prompt: 'foo' }), 'echoed in full'),
    get('request-object', 'request=<unsigned JWT>', req({ request: 'eyJhbGciOiJub25lIn0.eyJzdGF0ZSI6IngifQ.' }), 'actions/authorization/request_parameters.js:78 (features.requestObjects off by default)'),
    get('request-uri-https', 'request_uri=https://app.example/ro', req({ request_uri: 'https://app.example/ro' }), 'actions/authorization/pushed_authorization_requests.js:33 (only PAR urns)'),
    get('request-uri-par-bogus', 'request_uri=urn:ietf:params:oauth:request_uri:bogus', req({ request_uri: 'urn:ietf:params:oauth:request_uri:bogus' }), 'actions/authorization/pushed_authorization_requests.js:28 (PAR on by default)'),
    get('registration', 'registration={}', req({ registration: '{}' }), 'actions/authorization/request_parameters.js:102'),
    get('response-mode-fragment', 'response_mode=fragment (with code)', req({ response_mode: 'fragment' }), 'allowed (actions/authorization/response_parameters.js:15)'),
    get('response-mode-fragment-error', 'response_mode=fragment, with an error (prompt=foo)', req({ response_mode: 'fragment', prompt: 'foo' }), 'error delivered in the fragment'),
    get('response-mode-form-post', 'response_mode=form_post', req({ response_mode: 'form_post' }), 'allowed'),
    get('response-mode-form-post-error', 'response_mode=form_post, with an error (prompt=foo)', req({ response_mode: 'form_post', prompt: 'foo' }), 'error delivered by form_post (response_modes/form_post.js:10)'),
    get('response-mode-foo', 'response_mode=foo', req({ response_mode: 'foo' }), 'actions/authorization/response_parameters.js:27 (then default mode, authorization_error_handler.js:99)'),
    get('response-mode-jwt', 'response_mode=jwt (JARM off)', req({ response_mode: 'jwt' }), 'actions/authorization/response_parameters.js:27'),
    get('nonce-missing-code', 'response_type=code, scope=openid, no nonce', base, 'nonce required only for id_token response types (response_parameters.js:163)'),
    get('max-age-abc', 'max_age=abc', req({ max_age: 'abc' }), 'actions/authorization/request_parameters.js:157'),
    get('max-age-negative', 'max_age=-1', req({ max_age: '-1' }), 'actions/authorization/request_parameters.js:157'),
    get('max-age-zero', 'max_age=0', req({ max_age: '0' }), 'turned into prompt=login (request_parameters.js:160-166)'),
    get('unknown-param', 'unknown parameter foo=bar', req({ foo: 'bar' }), 'not in the allow list, ignored (helpers/params.js:8)'),
    get('id-token-hint-garbage', 'id_token_hint=garbage', req({ id_token_hint: 'garbage' }), 'actions/authorization/claims.js:116'),
    // Added for the parity test (test/three-legged/authorize-parity.test.ts).
    get('dupe-response-mode', 'response_mode twice', [...base, ['response_mode', 'query'], ['response_mode', 'query']], 'shared/reject_dupes.js:21; response_mode cleared, so the default (query) carries it'),
    get('dupe-unknown-param', 'unknown parameter foo twice', [...base, ['foo', '1'], ['foo', '2']], 'not in the allow list, never read (helpers/params.js:8), so its repeat is not seen'),
    get('redirect-uri-empty', 'redirect_uri= (empty value), client has one registered', req({ redirect_uri: '' }), 'helpers/params.js:9 (empty → undefined), then response_parameters.js:133'),
    get('redirect-uri-second', 'the second registered redirect_uri (public client)', req({ redirect_uri: secondRedirectUri }, [], pub), 'models/client.js:505 → 488 (exact match against each registered URI)'),
    get('response-type-id-token', 'response_type=id_token (supported, not registered for client)', req({ response_type: 'id_token', nonce: 'n' }), 'actions/authorization/response_parameters.js:77; fragment by default for id_token (helpers/resolve_response_mode.js:2)'),
    get('response-type-none', 'response_type=none (supported, not registered for client)', req({ response_type: 'none' }), 'actions/authorization/response_parameters.js:77'),
    get('response-type-token-query', 'response_type=token with response_mode=query', req({ response_type: 'token', response_mode: 'query' }), 'actions/authorization/response_parameters.js:53 (query is refused for front-channel token responses); checked before response_type support'),
    get('scope-double-space', 'scope="openid  profile" (two spaces)', req({ scope: 'openid  profile' }), 'helpers/is_valid_scope.js:1 (scope-tokens separated by exactly one space, RFC 6749 §3.3)'),
    get('scope-only-offline-access', 'scope=offline_access (no openid)', req({ scope: 'offline_access' }), 'offline_access dropped without openid and prompt=consent (actions/authorization/scopes.js:33-40)'),
    get('prompt-consent', 'prompt=consent', req({ prompt: 'consent' }), 'valid'),
    get('prompt-select-account', 'prompt=select_account', req({ prompt: 'select_account' }), 'actions/authorization/request_parameters.js:137: the default policy has only login and consent (helpers/configuration.js:524-527)'),
    get('prompt-double-space', 'prompt="login  consent" (two spaces)', req({ prompt: 'login  consent' }), "split on single spaces (helpers/oidc_context.js:166), so '' is an unsupported value (request_parameters.js:137)"),
    get('prompt-none-max-age-zero', 'prompt=none with max_age=0, no session', req({ prompt: 'none', max_age: '0' }), 'max_age=0 adds login (request_parameters.js:160-166), which prompt=none cannot satisfy (interactions.js:83-87)'),
    get('max-age-huge', 'max_age=99999999999 (11 digits)', req({ max_age: '99999999999' }), 'a safe integer (actions/authorization/request_parameters.js:156)'),
    get('max-age-plus', 'max_age=+5', req({ max_age: '+5' }), 'converted with unary + (actions/authorization/request_parameters.js:154), so accepted'),
    get('max-age-fraction', 'max_age=1.5', req({ max_age: '1.5' }), 'actions/authorization/request_parameters.js:156 (not an integer)'),
    get('resource-unknown', 'resource=https://unknown.example/ (unknown resource)', req({ resource: 'https://unknown.example/' }), 'features.resourceIndicators.getResourceServerInfo throws InvalidTarget (helpers/defaults.js:295)'),
    get('resource-relative', 'resource=foo (not an absolute URI)', req({ resource: 'foo' }), 'shared/check_resource.js:65'),
    get('state-empty-error', 'state= (empty value), with an error (prompt=foo)', req({ state: '', prompt: 'foo' }), 'helpers/params.js:9 (empty → undefined), so no state is echoed'),
    get('state-9000', 'state of 9000 characters', req({ state: 's'.repeat(9000) }), 'no length limit on state'),
    get('state-9000-error', 'state of 9000 characters, with an error (prompt=foo)', req({ state: 's'.repeat(9000), prompt: 'foo' }), 'echoed in full'),
    get('login-hint-9000', 'login_hint of 9000 characters', req({ login_hint: 'l'.repeat(9000) }), 'no length limit'),
    get('unknown-param-9000', 'unknown parameter of 9000 characters', req({ foo: 'f'.repeat(9000) }), 'not in the allow list, ignored (helpers/params.js:8)'),
    { id: 'post-form', title: 'POST, form body (valid request)', method: 'POST', params: base, source: 'POST /auth routed (helpers/initialize_app.js:161, enableHttpPostMethods true)' },
    { id: 'post-form-error', title: 'POST, form body, with an error (prompt=foo)', method: 'POST', params: req({ prompt: 'foo' }), source: 'same checks as GET' },
    { id: 'post-form-query-params', title: 'POST, empty form body, parameters in the URL query', method: 'POST', params: [], urlQuery: base, source: 'POST reads only the body (shared/assemble_params.js:4)' },
    { id: 'post-json', title: 'POST, application/json body', method: 'POST', params: base, contentType: 'application/json', source: 'shared/selective_body.js:85; nothing parsed, so no client_id: page' },
    { id: 'post-text', title: 'POST, text/plain body', method: 'POST', params: base, contentType: 'text/plain', source: 'shared/selective_body.js:85' },
    { id: 'post-default-config', title: 'POST, form body, oidc-provider defaults (enableHttpPostMethods false)', method: 'POST', params: base, defaultPostConfig: true, source: 'POST /auth not routed (helpers/initialize_app.js:161; helpers/defaults.js:3945)' },
  ];
}
