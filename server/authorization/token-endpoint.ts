import type { AuthorizationContext, AuthorizationHttpContext } from './authorization-context.ts';
import { assertionAudiences, authenticateRequest } from './authenticate-request.ts';
import type { AuthenticatedClient } from './client-authentication.ts';
import { readFormRequest } from './form-request.ts';
import { issueAccessToken } from './issue-access-token.ts';
import { OAuthError } from '../profiles/oauth-error.ts';
import { sendJson, withOAuthErrors } from './respond.ts';
import type { AnsweredToken, TokenDraft, TokenHooks, TokenRequestFacts } from './token-hooks.ts';
import type { GrantDecision, GrantHandler } from './grants/grant.ts';
import { GRANTS } from './grants/registry.ts';
import { signIdToken } from './oidc/id-token.ts';
import { credentialFacts } from './journal-facts.ts';
import { fingerprint } from '../journal/fingerprint.ts';

/**
 * POST token endpoint: a pipeline of named steps, each of which may end the request with an
 * OAuth error, so a stack trace (and the journal's reason) reads like the protocol.
 */
export function tokenEndpoint(server: AuthorizationContext) {
  return (ctx: AuthorizationHttpContext) =>
    withOAuthErrors(ctx, server, async () => {
      const params = await readFormRequest(ctx, server.config.server.maxBodyBytes);
      noteRequest(ctx, params);
      const grant = requireGrantType(params);
      const authenticated = await authenticateRequest(ctx, server, params);
      requireGrantAllowed(authenticated, params.get('grant_type') as string);
      const decision = await grant({ server, client: authenticated.client, params, audiences: () => assertionAudiences(server.urls, ctx.path), skew: ctx.state.verifySkew, noteGrant: (grant) => (ctx.state.entry.grant = grant) });
      await respondWithTokens(ctx, server, authenticated, decision);
    });
}

function noteRequest(ctx: AuthorizationHttpContext, params: Map<string, string>): void {
  const entry = ctx.state.entry;
  entry.grantType = params.get('grant_type');
  entry.scope = params.get('scope');
  entry.clientId = params.get('client_id');
  entry.credentials ??= credentialFacts((name) => params.get(name));
}

function requireGrantType(params: Map<string, string>): GrantHandler {
  const grantType = params.get('grant_type');
  if (!grantType) throw new OAuthError('invalid_request', 'missing required parameter grant_type');
  const grant = GRANTS.get(grantType);
  if (!grant) {
    throw new OAuthError('unsupported_grant_type', `unsupported grant_type ${grantType}; this server supports ${[...GRANTS.keys()].join(', ')}`);
  }
  return grant;
}

function requireGrantAllowed({ client }: AuthenticatedClient, grantType: string): void {
  if (!(client.grants as string[]).includes(grantType)) {
    throw new OAuthError('unauthorized_client', `the client is not allowed to use the ${grantType} grant`, {
      reason: `client ${client.id} is allowed ${client.grants.join(', ')}, not ${grantType}`,
    });
  }
}

async function respondWithTokens(ctx: AuthorizationHttpContext, server: AuthorizationContext, { client }: AuthenticatedClient, decision: GrantDecision): Promise<void> {
  const entry = ctx.state.entry;
  const hooks = ctx.state.tokenHooks ?? [];
  const now = server.clock.nowSeconds();
  const request: TokenRequestFacts = { clientId: client.id, subject: decision.subject, grantType: decision.grantType, audience: decision.audience, scopes: decision.scopes };

  const reused = firstReuse(server, hooks, request, now);
  const token = reused ?? (await signAccessToken(server, client, decision, hooks, request, now));
  entry.decision = 'issued';
  entry.grantedScope = token.scopes.join(' ');
  entry.issued = { jti: token.jti, clientId: client.id, iat: token.iat, exp: token.exp, kid: token.kid };
  entry.reason = reused
    ? `reissued cached token ${token.jti} to ${client.id} with ${token.exp - now}s left`
    : `issued a ${decision.ttl}s token for ${decision.audience} (${entry.grantedScope}) to ${client.id}`;
  // IDCS answers exactly these members, in this order; refresh_token only for user grants with
  // offline_access. A reused token is told the life it has left; a new one its full lifetime,
  // even when a hook made it expired (a server that lies about it).
  let body: Record<string, unknown> = { access_token: token.body.access_token, token_type: token.body.token_type, expires_in: reused ? token.exp - now : decision.ttl };
  // Whether to say the scope is this request's question, whichever request the token first answered.
  const scope = token.body.scope ?? (decision.defaultScope && server.profile.announcesDefaultScope ? token.scopes.join(' ') : undefined);
  if (scope !== undefined) body.scope = scope;
  for (const hook of hooks) if (hook.afterSign) body = hook.afterSign(token, body, token.exp - now);
  if (decision.subjectType === 'user') entry.user = decision.subject;
  if (decision.step) entry.interaction = decision.step;
  if (decision.idToken) {
    // OpenID Connect Core §3.1.3.3: id_token beside the access token (IDCS: before refresh_token).
    body.id_token = await signIdToken(server, client, decision.idToken, token.body.access_token as string, now, (draft) => {
      for (const hook of hooks) hook.idToken?.(draft, request);
    });
    entry.reason += ' with an ID token';
  }
  if (decision.refreshToken) {
    const refresh = issueRefreshToken(server, client.id, decision, decision.refreshToken, token, now);
    body.refresh_token = refresh.value;
    entry.grant = refresh.grantId;
    entry.credentials = { ...entry.credentials, issuedRefreshToken: { fingerprint: fingerprint(refresh.value), exp: refresh.exp } };
    entry.reason += decision.idToken ? ' and a refresh token' : ' with a refresh token';
  }
  // Last, with no await after it: whatever the grant does on hearing of the tokens holds for the answer sent.
  decision.onIssued?.({ jti: token.jti, exp: token.exp });
  sendTokenResponse(ctx, server, body);
}

/**
 * An earlier answer a hook hands out again, if the server would still accept its token: one
 * revoked since, or signed by a key no longer in the ring, is never handed out again.
 */
function firstReuse(server: AuthorizationContext, hooks: readonly TokenHooks[], request: TokenRequestFacts, now: number): AnsweredToken | undefined {
  for (const hook of hooks) {
    const reused = hook.reuse?.(request, now);
    if (!reused) continue;
    const revoked = server.revocations.check({ jti: reused.jti, client_id: request.clientId, iat: reused.iat });
    if (revoked === undefined && server.keys.find(reused.kid) !== undefined) return reused;
  }
  return undefined;
}

async function signAccessToken(
  server: AuthorizationContext,
  client: AuthenticatedClient['client'],
  decision: GrantDecision,
  hooks: readonly TokenHooks[],
  request: TokenRequestFacts,
  iat: number,
): Promise<AnsweredToken> {
  const { config, profile, keys } = server;
  const draft: TokenDraft = {
    scopes: decision.scopes,
    iat,
    exp: iat + decision.ttl,
    claims: {},
    announceScope: false,
  };
  for (const hook of hooks) hook.beforeSign?.(draft, request);
  const token = await issueAccessToken(
    {
      issuer: server.urls.issuer,
      clientId: client.id,
      clientName: client.name,
      tenant: config.tenant,
      audience: decision.audience,
      scopes: draft.scopes,
      iat: draft.iat,
      exp: draft.exp,
      grantType: decision.grantType,
      subject: decision.subject,
      subjectType: decision.subjectType,
    },
    profile,
    keys,
    { key: draft.key, claims: draft.claims },
  );
  server.revocations.noteIssued(client.id, token.jti, token.iat, token.exp);
  // A scope a hook made the answer say belongs to the token (a narrowed grant), answered with it again.
  const body: Record<string, unknown> = { access_token: token.value, token_type: 'Bearer' };
  if (draft.announceScope) body.scope = draft.scopes.join(' ');
  return { jti: token.jti, iat: token.iat, exp: token.exp, kid: token.kid, body, scopes: draft.scopes, request };
}

/** A new refresh token of the decision's grant; the access token answered with it belongs to that grant. */
function issueRefreshToken(
  server: AuthorizationContext,
  clientId: string,
  decision: GrantDecision,
  refresh: NonNullable<GrantDecision['refreshToken']>,
  accessToken: AnsweredToken,
  now: number,
): { value: string; grantId: string; exp: number } {
  const grantId = refresh.grantId ?? decision.grantId ?? server.refreshTokens.newGrant();
  const exp = now + server.config.refreshTokenTtl;
  const value = server.refreshTokens.issue(
    {
      clientId,
      subject: decision.subject,
      subjectType: decision.subjectType,
      audience: decision.audience,
      scopes: refresh.scopes,
      accessTokenTtl: decision.ttl,
      exp,
      grantId,
      identity: refresh.identity,
    },
    now,
  );
  server.refreshTokens.noteAccessToken(grantId, { jti: accessToken.jti, exp: accessToken.exp }, now);
  return { value, grantId, exp };
}

/** Sends the token response and tells the journal what the client was told of the token's life. */
function sendTokenResponse(ctx: AuthorizationHttpContext, server: AuthorizationContext, body: Record<string, unknown>): void {
  const issued = ctx.state.entry.issued;
  const told = body.expires_in;
  if (issued) ctx.state.entry.issued = typeof told === 'number' || typeof told === 'string' ? { ...issued, expiresIn: told } : issued;
  sendJson(ctx, server, body);
}
