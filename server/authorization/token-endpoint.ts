import type { ServerContext } from '../context.ts';
import type { HttpContext } from '../http/types.ts';
import { authenticateRequest } from './authenticate-request.ts';
import type { AuthenticatedClient } from './client-authentication.ts';
import { readFormRequest } from './form-request.ts';
import { issueAccessToken } from './issue-access-token.ts';
import { OAuthError } from './oauth-error.ts';
import { sendJson, withOAuthErrors } from './respond.ts';
import { mutateToken, reissueKey, tweakTokenResponse } from '../faults/token-tweaks.ts';
import { clientCredentialsGrant } from './grants/client-credentials-grant.ts';
import type { GrantDecision, GrantHandler } from './grants/grant.ts';
import { passwordGrant } from './grants/password-grant.ts';
import { refreshTokenGrant } from './grants/refresh-token-grant.ts';

const GRANTS = new Map<string, GrantHandler>([
  ['client_credentials', clientCredentialsGrant],
  ['password', passwordGrant],
  ['refresh_token', refreshTokenGrant],
]);

/**
 * POST token endpoint: a pipeline of named steps, each of which may end the request with an
 * OAuth error, so a stack trace (and the journal's reason) reads like the protocol.
 */
export function tokenEndpoint(server: ServerContext) {
  return (ctx: HttpContext) =>
    withOAuthErrors(ctx, server, async () => {
      const params = await readFormRequest(ctx, server.config.server.maxBodyBytes);
      noteRequest(ctx, params);
      const grant = requireGrantType(params);
      const authenticated = await authenticateRequest(ctx, server, params);
      requireGrantAllowed(authenticated, params.get('grant_type') as string);
      const decision = grant({ server, client: authenticated.client, params });
      await respondWithTokens(ctx, server, authenticated, decision);
    });
}

function noteRequest(ctx: HttpContext, params: Map<string, string>): void {
  const entry = ctx.state.entry;
  entry.grantType = params.get('grant_type');
  entry.scope = params.get('scope');
  entry.clientId = params.get('client_id');
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

async function respondWithTokens(ctx: HttpContext, server: ServerContext, { client }: AuthenticatedClient, decision: GrantDecision): Promise<void> {
  const { config, profile, clock, keys } = server;
  const entry = ctx.state.entry;
  const tweaks = ctx.state.tokenTweaks;
  const iat = clock.nowSeconds();

  const cacheKey = reissueKey(tweaks, client.id);
  const cached = cacheKey ? server.faults.reissued.get(cacheKey) : undefined;
  if (cached && cached.exp > iat) {
    // A server that hands out its cached token again, with whatever lifetime it has left.
    const body = { ...cached.body, expires_in: cached.exp - iat };
    entry.decision = 'issued';
    entry.issued = cached.summary;
    entry.grantedScope = decision.scopes.join(' ');
    entry.reason = `reissued cached token ${cached.summary.jti} to ${client.id} with ${cached.exp - iat}s left`;
    sendTokenResponse(ctx, server, tweakTokenResponse(tweaks?.filter((t) => !(t.action.type === 'token_response' && t.action.reissue)), body, cached.exp - iat));
    return;
  }

  const mutation = mutateToken(tweaks, server, { scopes: decision.scopes, iat, ttl: decision.ttl, profile: config.profile });
  const token = await issueAccessToken(
    {
      issuer: server.urls.issuer,
      clientId: client.id,
      clientName: client.name,
      tenant: config.tenant,
      audience: decision.audience,
      scopes: mutation.scopes,
      iat: mutation.iat,
      exp: mutation.exp,
      grantType: decision.grantType,
      subject: decision.subject,
      subjectType: decision.subjectType,
    },
    profile,
    keys,
    { key: mutation.key, claims: mutation.claims },
  );
  server.revocations.noteIssued(client.id, token.jti, token.iat, token.exp);
  entry.decision = 'issued';
  entry.grantedScope = mutation.scopes.join(' ');
  entry.issued = { jti: token.jti, clientId: client.id, iat: token.iat, exp: token.exp, kid: token.kid };
  entry.reason = `issued a ${decision.ttl}s token for ${decision.audience} (${entry.grantedScope}) to ${client.id}`;
  // IDCS answers exactly these members, in this order; refresh_token only for user grants with offline_access.
  const body: Record<string, unknown> = { access_token: token.value, token_type: 'Bearer', expires_in: decision.ttl };
  if (mutation.announceScope) body.scope = mutation.scopes.join(' ');
  if (decision.refreshToken) {
    body.refresh_token = server.refreshTokens.issue(
      {
        clientId: client.id,
        subject: decision.subject,
        subjectType: decision.subjectType,
        audience: decision.audience,
        scopes: decision.scopes,
        accessTokenTtl: decision.ttl,
        exp: iat + config.refreshTokenTtl,
      },
      iat,
    );
    entry.reason += ' with a refresh token';
  }
  if (cacheKey) server.faults.reissued.set(cacheKey, { body, exp: token.exp, summary: entry.issued });
  sendTokenResponse(ctx, server, tweakTokenResponse(tweaks, body, token.exp - iat));
}

/** Sends the token response and tells the journal what the client was told of the token's life. */
function sendTokenResponse(ctx: HttpContext, server: ServerContext, body: Record<string, unknown>): void {
  const issued = ctx.state.entry.issued;
  const told = body.expires_in;
  if (issued) {
    // A copy: a reissued summary is shared with the cache and earlier entries.
    const { expiresIn: _previous, ...summary } = issued;
    ctx.state.entry.issued = typeof told === 'number' || typeof told === 'string' ? { ...summary, expiresIn: told } : summary;
  }
  sendJson(ctx, server, body);
}
