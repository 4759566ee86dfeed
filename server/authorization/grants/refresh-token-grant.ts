import { OAuthError } from '../oauth-error.ts';
import type { GrantDecision, GrantRequest } from './grant.ts';

/**
 * RFC 6749 §6 refresh. IDCS refresh tokens are single-use: this one is consumed and a new one
 * issued; presenting a consumed one again is invalid_grant "The token has already been consumed."
 */
export function refreshTokenGrant({ server, client, params }: GrantRequest): GrantDecision {
  const value = params.get('refresh_token');
  if (!value) throw new OAuthError('invalid_request', 'missing required parameter refresh_token');
  const now = server.clock.nowSeconds();
  const found = server.refreshTokens.lookup(value, now);
  if (found.status === 'unknown') throw new OAuthError('invalid_grant', 'The refresh token is invalid.', { reason: 'unknown refresh token' });
  if (found.record.clientId !== client.id) {
    throw new OAuthError('invalid_grant', 'The refresh token was issued to another client.', { reason: `client ${client.id} presented a refresh token of ${found.record.clientId}` });
  }
  if (found.status === 'consumed') {
    throw new OAuthError('invalid_grant', 'The token has already been consumed.', { reason: `refresh token reused; it was consumed at ${found.record.consumedAt}` });
  }
  if (found.status === 'expired') throw new OAuthError('invalid_grant', 'The refresh token has expired.', { reason: `refresh token expired at ${found.record.exp}` });

  const { record } = found;
  let scopes = record.scopes;
  const requested = params.get('scope');
  if (requested !== undefined) {
    // §6: the scope may narrow, never widen, what the refresh token carries.
    const asked = requested.split(' ').filter((s) => s && s !== 'offline_access').map((s) => (s.startsWith(record.audience) ? s.slice(record.audience.length) : s));
    const extra = asked.filter((s) => !record.scopes.includes(s));
    if (extra.length > 0) throw new OAuthError('invalid_scope', `the refresh token does not carry ${extra.join(' ')}`);
    if (asked.length > 0) scopes = asked;
  }
  server.refreshTokens.consume(value, now);
  return {
    grantType: 'refresh_token',
    audience: record.audience,
    scopes,
    ttl: record.accessTokenTtl,
    subject: record.subject,
    subjectType: record.subjectType,
    refreshToken: true,
  };
}
