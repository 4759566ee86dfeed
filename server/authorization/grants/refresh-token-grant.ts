import { OAuthError } from '../../profiles/oauth-error.ts';
import { requestedScopeValues } from '../scope-request.ts';
import type { GrantDecision, GrantRequest } from './grant.ts';

/** The error a refresh token that cannot be used gets, by why it cannot. */
const REFUSALS = {
  consumed: 'The token has already been consumed.',
  revoked: 'The refresh token has been revoked.',
  expired: 'The refresh token has expired.',
} as const;

/**
 * RFC 6749 §6 refresh. IDCS refresh tokens are single-use: this one is consumed and a new one
 * issued; presenting a consumed one again is invalid_grant "The token has already been consumed."
 */
export function refreshTokenGrant({ server, client, params, noteGrant }: GrantRequest): GrantDecision {
  const value = params.get('refresh_token');
  if (!value) throw new OAuthError('invalid_request', 'missing required parameter refresh_token');
  const now = server.clock.nowSeconds();
  const found = server.refreshTokens.lookup(value, now);
  if (found.status === 'unknown') throw new OAuthError('invalid_grant', 'The refresh token is invalid.', { reason: 'unknown refresh token' });
  const { record } = found;
  if (record.clientId !== client.id) {
    throw new OAuthError('invalid_grant', 'The refresh token was issued to another client.', { reason: `client ${client.id} presented a refresh token of ${record.clientId}` });
  }
  noteGrant?.(record.grantId);
  if (found.status !== 'valid') {
    const when = { consumed: record.consumedAt, revoked: record.revokedAt, expired: record.exp }[found.status];
    throw new OAuthError('invalid_grant', REFUSALS[found.status], { reason: `refresh token ${found.status === 'consumed' ? 'reused; it was consumed' : found.status} at ${when}` });
  }

  // RFC 8707 §2.2: a refresh may name the resource; one the grant does not cover is invalid_target.
  const resource = params.get('resource');
  if (resource !== undefined && resource !== record.audience) {
    throw new OAuthError('invalid_target', `the refresh token is for ${record.audience}, not for resource ${resource}`);
  }
  const requested = params.get('scope');
  const asked = requested === undefined ? [] : requestedScopeValues(requested).map((s) => (s.startsWith(record.audience) ? s.slice(record.audience.length) : s));
  // §6: the scope may narrow, never widen, what the refresh token carries.
  const extra = asked.filter((s) => !record.scopes.includes(s));
  if (extra.length > 0) throw new OAuthError('invalid_scope', `the refresh token does not carry ${extra.join(' ')}`);
  server.refreshTokens.consume(value, now);
  return {
    grantType: 'refresh_token',
    audience: record.audience,
    scopes: asked.length > 0 ? [...new Set(asked)] : record.scopes,
    // §6: an omitted scope is "treated as equal to the scope originally granted".
    defaultScope: false,
    ttl: record.accessTokenTtl,
    subject: record.subject,
    subjectType: record.subjectType,
    // §6: "the new refresh token scope MUST be identical to that of the refresh token included by the client".
    refreshToken: { scopes: record.scopes, grantId: record.grantId, identity: record.identity },
    // OpenID Connect Core §12.2: an ID token again, of the same sign-in (no nonce: none was sent).
    idToken: record.identity && record.scopes.includes('openid') ? record.identity : undefined,
  };
}
