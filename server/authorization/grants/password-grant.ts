import { checkUserPassword } from '../user-credentials.ts';
import { OAuthError } from '../../profiles/oauth-error.ts';
import { grantResource } from './resource-grant.ts';
import type { GrantDecision, GrantRequest } from './grant.ts';

/**
 * RFC 6749 §4.3 resource owner password grant, which IDCS supports; with `offline_access` and
 * the refresh_token grant enabled on the client, a refresh token comes with the access token.
 */
export function passwordGrant({ server, client, params }: GrantRequest): GrantDecision {
  const username = params.get('username');
  const password = params.get('password');
  if (!username || !password) throw new OAuthError('invalid_request', 'the password grant needs username and password');
  if (!checkUserPassword(server.config.users, username, password)) throw new OAuthError('invalid_grant', 'The user credentials are invalid.', { reason: `wrong username or password for ${username}` });
  const { decision, ttl } = grantResource(server, client, params);
  return {
    grantType: 'password',
    audience: decision.audience,
    scopes: decision.scopes,
    defaultScope: decision.defaulted,
    ttl,
    subject: username,
    subjectType: 'user',
    refreshToken: decision.offlineAccess && client.grants.includes('refresh_token') ? { scopes: decision.scopes } : undefined,
  };
}
