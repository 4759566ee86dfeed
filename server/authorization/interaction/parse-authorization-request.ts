import type { ResolvedResource } from '../../config/types.ts';
import { OAuthError } from '../../profiles/oauth-error.ts';
import type { RegisteredClient, ClientRegistry } from '../client-registry.ts';
import { isPkceValue } from '../pkce.ts';
import { decideScope } from '../scope-request.ts';
import { AuthorizationPageError, AuthorizationRedirectError, type RedirectTarget } from './authorization-errors.ts';
import type { AuthorizationRequest, Prompt } from './authorization-request.ts';
import { absoluteUri, findRegisteredUri } from './registered-uri.ts';

/** OpenID Connect scopes (Core §5.4, and IDCS's groups): not a resource's, so not in decideScope. */
export const OIDC_SCOPES: ReadonlySet<string> = new Set(['openid', 'profile', 'email', 'address', 'phone', 'groups']);

const PROMPTS: ReadonlySet<string> = new Set<Prompt>(['none', 'login', 'consent', 'select_account']);

/**
 * The parameters understudy reads, and the other OpenID Connect Core §3.1.2.1 ones: each at most
 * once (RFC 6749 §3.1). Any other parameter is ignored, repeated or not, long or not (§3.1: "The
 * authorization server MUST ignore unrecognized request parameters").
 */
const KNOWN_PARAMETERS: ReadonlySet<string> = new Set([
  'client_id', 'redirect_uri', 'response_type', 'response_mode', 'scope', 'state', 'nonce', 'prompt', 'max_age', 'login_hint',
  'code_challenge', 'code_challenge_method', 'request', 'request_uri', 'resource', 'id_token_hint', 'display', 'ui_locales', 'claims_locales', 'acr_values', 'claims',
]);

/**
 * Longest value understudy accepts for an authorization parameter it reads, form-encoded (as it
 * would be echoed: a state goes back in the Location). RFC 6749 sets no limit; a browser URL of a
 * few kilobytes is what every client sends, and a bigger one is a bug worth naming. Encoded, a
 * state at the limit keeps the answer's Location under the 16 KiB head Node clients accept.
 */
export const MAX_PARAMETER_LENGTH = 8192;

/** Is this value over MAX_PARAMETER_LENGTH once form-encoded? */
export function tooLong(value: string): boolean {
  // Cheap first: encoding never shortens a value.
  return value.length > MAX_PARAMETER_LENGTH || new URLSearchParams({ v: value }).toString().length - 2 > MAX_PARAMETER_LENGTH;
}

export interface ParseContext {
  clients: ClientRegistry;
  resources: readonly ResolvedResource[];
  profile: 'idcs' | 'rfc9068';
  /** The server's own origin and base path, against which registered paths ("/callback") resolve. */
  baseUrl: string;
}

/**
 * Checks an authorization request in the order that decides where its errors go (RFC 6749
 * §4.1.2.1, the order oidc-provider checks in): first what makes the redirect URI trustworthy
 * (errors are a page), then everything else (errors go back to the client with its state).
 * @param params every value of every parameter, as sent.
 */
export function parseAuthorizationRequest(params: Map<string, string[]>, context: ParseContext): AuthorizationRequest {
  const single = (name: string): string | undefined => {
    const values = params.get(name);
    // RFC 6749 §3.1: a parameter sent without a value is treated as omitted.
    return values?.[0] === '' && values.length === 1 ? undefined : values?.[0];
  };
  const repeated = [...params].filter(([name, values]) => values.length > 1 && KNOWN_PARAMETERS.has(name)).map(([name]) => name);

  // 1. The client and its redirect URI: nothing can be sent back until both are known good.
  for (const name of ['client_id', 'redirect_uri', 'response_mode']) {
    if (repeated.includes(name)) throw new AuthorizationPageError('invalid_request', `parameter ${name} must only be provided once`);
  }
  const clientId = single('client_id');
  if (clientId === undefined) throw new AuthorizationPageError('invalid_request', "missing required parameter 'client_id'", { hint: 'The application that sent you here built a broken sign-in link.' });
  const client = context.clients.get(clientId);
  if (!client) throw new AuthorizationPageError('invalid_client', 'client is invalid', { reason: `unknown client ${clientId.slice(0, 200)}` });
  const redirectUri = chooseRedirectUri(client, single('redirect_uri'), context.baseUrl);

  const stateValue = single('state');
  const modeValue = single('response_mode');
  // RFC 6749 §4.2.2.1, OAuth 2.0 Multiple Response Types §5: an answer with a token goes in the fragment.
  const typeValue = single('response_type') ?? '';
  const fragmentByDefault = /(^| )(token|id_token)( |$)/.test(typeValue);
  const target: RedirectTarget = {
    redirectUri,
    responseMode: modeValue === 'fragment' || (modeValue === undefined && fragmentByDefault) ? 'fragment' : 'query',
    // An oversized state is refused below and not echoed back.
    state: stateValue !== undefined && !tooLong(stateValue) && !repeated.includes('state') ? stateValue : undefined,
  };
  const refuse = (error: OAuthError): never => {
    throw new AuthorizationRedirectError(error, target);
  };
  const invalid = (description: string, reason?: string) => refuse(new OAuthError('invalid_request', description, { reason }));

  // 2. Everything else is answered at the redirect URI.
  const responseMode = single('response_mode');
  if (responseMode !== undefined && responseMode !== 'query' && responseMode !== 'fragment') {
    refuse(new OAuthError('unsupported_response_mode', `unsupported response_mode ${responseMode.slice(0, 50)} requested; use query or fragment`));
  }
  if (repeated.length > 0) invalid(`parameter ${repeated[0]} must only be provided once`);
  for (const [name, values] of params) {
    if (KNOWN_PARAMETERS.has(name) && tooLong(values[0] as string)) invalid(`parameter ${name} is longer than ${MAX_PARAMETER_LENGTH} characters (form-encoded)`);
  }
  if (!client.active) refuse(new OAuthError('unauthorized_client', 'The OAuth Client app is inactive.', { reason: `client ${client.id} is deactivated` }));
  if (single('request') !== undefined) refuse(new OAuthError('request_not_supported', 'request parameter (a request object) is not supported'));
  if (single('request_uri') !== undefined) refuse(new OAuthError('request_uri_not_supported', 'request_uri parameter is not supported'));

  const responseType = single('response_type');
  if (responseType === undefined) invalid("missing required parameter 'response_type'");
  if (responseType !== 'code') {
    refuse(new OAuthError('unsupported_response_type', `unsupported response_type ${String(responseType).slice(0, 50)}; this server issues codes only (response_type=code)`));
  }
  if (!client.grants.includes('authorization_code')) {
    refuse(new OAuthError('unauthorized_client', 'the client is not allowed to use the authorization_code grant', { reason: `client ${client.id} is allowed ${client.grants.join(', ')}` }));
  }

  const prompt = new Set<Prompt>();
  for (const value of (single('prompt') ?? '').split(' ').filter(Boolean)) {
    if (!PROMPTS.has(value)) invalid(`unsupported prompt value ${value.slice(0, 50)}; use none, login, consent or select_account`);
    prompt.add(value as Prompt);
  }
  // OpenID Connect Core §3.1.2.1: none with any other value is an error.
  if (prompt.has('none') && prompt.size > 1) invalid('prompt none must only be used alone');

  const maxAgeText = single('max_age');
  if (maxAgeText !== undefined && !/^\d{1,10}$/.test(maxAgeText)) invalid('max_age must be a whole number of seconds');

  const { codeChallenge, codeChallengeMethod } = checkPkce(client, single('code_challenge'), single('code_challenge_method'), invalid);

  const requested = (single('scope') ?? '').split(' ').filter(Boolean);
  const oidcScopes = [...new Set(requested.filter((s) => OIDC_SCOPES.has(s)))];
  // Without openid, profile or email are plain scopes of an OAuth request (no ID token), as oidc-provider takes them.
  if (single('nonce') !== undefined && !oidcScopes.includes('openid')) invalid('openid scope must be requested when using the nonce parameter');
  const resourceScope = requested.filter((s) => !OIDC_SCOPES.has(s)).join(' ');
  let decision;
  try {
    decision = decideScope(resourceScope || undefined, client, context.resources, context.profile, single('resource'));
  } catch (error) {
    if (error instanceof OAuthError) refuse(error);
    throw error;
  }
  // A request for openid alone still yields an access token; IDCS's would be for its own APIs,
  // understudy's is for the client's default resource (which the mock API serves).
  const ttl = decision.expiry ?? client.accessTokenTtl ?? decision.resource.accessTokenTtl;

  return {
    clientId: client.id,
    redirectUri,
    redirectUriSent: single('redirect_uri'),
    responseMode: target.responseMode,
    state: target.state,
    nonce: single('nonce'),
    prompt,
    maxAge: maxAgeText === undefined ? undefined : Number(maxAgeText),
    loginHint: single('login_hint'),
    audience: decision.audience,
    resourceScopes: decision.scopes,
    oidcScopes,
    defaultScope: decision.defaulted,
    offlineAccess: decision.offlineAccess,
    accessTokenTtl: ttl,
    codeChallenge,
    codeChallengeMethod,
  };
}

/**
 * RFC 6749 §3.1.2.3: exact match against the registered list; omitted only when there is one.
 * A registered path is on this server: the request may send it as is or as the absolute URL.
 * @returns the absolute URL to send the browser to.
 */
function chooseRedirectUri(client: RegisteredClient, given: string | undefined, baseUrl: string): string {
  if (given === undefined) {
    if (client.redirectUris.length === 1) return absoluteUri(client.redirectUris[0] as string, baseUrl);
    throw new AuthorizationPageError(
      'invalid_request',
      client.redirectUris.length === 0 ? 'the client has no redirect URI registered' : "missing required parameter 'redirect_uri'",
      { hint: client.redirectUris.length === 0 ? 'Register one in the client\'s "redirectUris".' : undefined },
    );
  }
  const registered = findRegisteredUri(client.redirectUris, given, baseUrl);
  if (registered === undefined) {
    throw new AuthorizationPageError('invalid_redirect_uri', `Client ${client.id} requested an invalid redirect URL: ${given.slice(0, 300)}`, {
      hint: `Registered: ${client.redirectUris.join(', ') || '(none)'}. understudy compares them exactly, as IDCS does.`,
      reason: `client ${client.id} sent redirect_uri ${given.slice(0, 300)}, not registered`,
    });
  }
  return registered;
}

/** RFC 7636 §4.3 and §4.4.1, with RFC 9700 §2.1.1's policy: S256 only unless configured, required for public clients. */
function checkPkce(
  client: RegisteredClient,
  challenge: string | undefined,
  method: string | undefined,
  invalid: (description: string) => never,
): Pick<AuthorizationRequest, 'codeChallenge' | 'codeChallengeMethod'> {
  if (challenge === undefined) {
    if (method !== undefined) invalid('code_challenge_method was sent without code_challenge');
    if (client.pkce.required) invalid('Authorization Server policy requires PKCE to be used for this request');
    return {};
  }
  // §4.3: the method defaults to plain when omitted; where plain is refused it must be named.
  if (method === undefined && !client.pkce.methods.includes('plain')) invalid('code_challenge_method must be provided');
  const chosen = method ?? 'plain';
  if (!(client.pkce.methods as string[]).includes(chosen)) {
    invalid(`not supported value of code_challenge_method ${chosen.slice(0, 20)}; use ${client.pkce.methods.join(' or ')}`);
  }
  // RFC 7636 §4.2: 43 to 128 characters of A-Z a-z 0-9 - . _ ~ (oidc-provider's wording).
  if (challenge.length < 43) invalid('code_challenge must be a string with a minimum length of 43 characters');
  if (challenge.length > 128) invalid('code_challenge must be a string with a maximum length of 128 characters');
  if (!isPkceValue(challenge)) invalid('code_challenge contains invalid characters');
  return { codeChallenge: challenge, codeChallengeMethod: chosen as 'S256' | 'plain' };
}
