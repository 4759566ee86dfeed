import { OAuthError } from '../../profiles/oauth-error.ts';
import { verifierMatches } from '../pkce.ts';
import type { AuthorizationCode } from '../authorization-codes.ts';
import type { GrantDecision, GrantRequest } from './grant.ts';

/**
 * RFC 6749 §4.1.3 code redemption, checked in oidc-provider's order (its grant_source.js): the
 * code is the client's and not expired, the PKCE verifier proves it (RFC 7636 §4.6), redirect_uri
 * matches (§4.1.3), and only then: not used before. A reuse revokes what the code yielded
 * (§4.1.2); coming last, it takes the verifier, so a leaked used code alone revokes nothing.
 */
export function authorizationCodeGrant({ server, client, params, noteGrant }: GrantRequest): GrantDecision {
  const value = params.get('code');
  if (!value) throw new OAuthError('invalid_request', "missing required parameter 'code'");
  const now = server.clock.nowSeconds();
  const found = server.codes.lookup(value, now);
  if (found.status === 'unknown') throw new OAuthError('invalid_grant', 'The authorization code is invalid.', { reason: 'unknown authorization code' });
  const { code } = found;
  const { request } = code;
  if (request.clientId !== client.id) {
    throw new OAuthError('invalid_grant', 'The authorization code was issued to another client.', { reason: `client ${client.id} presented a code of ${request.clientId}` });
  }
  noteGrant?.(code.grantId);
  // Expired whether or not it was used: a used code past its life is only that (oidc-provider alike).
  if (code.exp <= now) throw new OAuthError('invalid_grant', 'The authorization code has expired.', { reason: `code expired at ${code.exp}` });

  const verifier = params.get('code_verifier');
  if (request.codeChallenge === undefined) {
    // RFC 9700 §2.1.1: a verifier for a code that had no challenge is refused (PKCE downgrade).
    if (verifier !== undefined) throw new OAuthError('invalid_grant', 'code_verifier was sent but the authorization request had no code_challenge');
  } else if (verifier === undefined) {
    throw new OAuthError('invalid_grant', 'PKCE verification failed', { reason: 'code_verifier missing; the authorization request sent a code_challenge' });
  } else if (!verifierMatches(verifier, request.codeChallenge, request.codeChallengeMethod ?? 'plain')) {
    throw new OAuthError('invalid_grant', 'PKCE verification failed', { reason: `code_verifier does not match the ${request.codeChallengeMethod} code_challenge` });
  }

  const redirectUri = params.get('redirect_uri');
  const sent = request.redirectUriSent;
  if (redirectUri === undefined && sent !== undefined && server.profile.redemptionRepeatsRedirectUri) {
    throw new OAuthError('invalid_request', "missing required parameter 'redirect_uri'", { reason: 'redirect_uri missing; the authorization request named one (RFC 6749 §4.1.3)' });
  }
  if (redirectUri !== undefined && redirectUri !== request.redirectUri && redirectUri !== sent) {
    throw new OAuthError('invalid_grant', 'redirect_uri does not match the authorization request', { reason: `redirect_uri ${redirectUri.slice(0, 300)} is not ${request.redirectUri}` });
  }
  if (found.status === 'redeemed') {
    // §4.1.2: "the authorization server SHOULD revoke (when possible) all tokens previously issued based on that authorization code".
    code.reusedAt = now;
    const revoked = revokeCodeGrant(server, code, now);
    throw new OAuthError('invalid_grant', 'The authorization code has already been used.', {
      reason: `code reused (redeemed at ${code.redeemedAt}); revoked its grant: its refresh tokens and ${new Set(revoked.map((t) => t.jti)).size} access token(s)`,
    });
  }
  server.codes.redeem(code, now);
  const signIn = { username: code.username, authTime: code.authTime, sid: code.sid, sessionExp: code.sessionExp };
  const scopes = [...request.resourceScopes, ...request.oidcScopes];
  return {
    grantType: 'authorization_code',
    audience: request.audience,
    scopes,
    defaultScope: request.defaultScope,
    ttl: request.accessTokenTtl,
    subject: code.username,
    subjectType: 'user',
    grantId: code.grantId,
    // IDCS: a refresh token with offline_access, when the client has the refresh_token grant (idcs-wire.md §7).
    refreshToken: request.offlineAccess && client.grants.includes('refresh_token') ? { scopes, grantId: code.grantId, identity: signIn } : undefined,
    idToken: request.oidcScopes.includes('openid') ? { ...signIn, nonce: request.nonce } : undefined,
    step: 'code_redeemed',
    // Told once the answer is complete (no await left before it is sent): a reuse that raced this
    // redemption and found nothing yet to revoke is caught up with here.
    onIssued: (token) => {
      code.accessTokens.push(token);
      if (code.reusedAt !== undefined) revokeCodeGrant(server, code, server.clock.nowSeconds());
    },
  };
}

/** Revokes every token a code gave: its access tokens, and its grant's refresh tokens and their access tokens. */
function revokeCodeGrant(server: GrantRequest['server'], code: AuthorizationCode, now: number): { jti: string; exp: number }[] {
  const revoked = [...code.accessTokens, ...server.refreshTokens.revokeGrant(code.grantId, now)];
  for (const { jti, exp } of revoked) server.revocations.revokeJti(jti, exp, now);
  return revoked;
}
