import { OAuthError } from '../../profiles/oauth-error.ts';
import { readUnverified, verifyUserAssertion } from '../../tokens/index.ts';
import { replayKey } from '../replay-cache.ts';
import type { GrantDecision, GrantRequest } from './grant.ts';
import { grantResource } from './resource-grant.ts';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * RFC 7523 §2.1 JWT bearer grant, as IDCS's "JWT user assertion": the client, authenticated as
 * usual, presents an assertion it signed with a key of its registered `jwks` (`kid` the
 * certificate alias, or `x5t`); `iss` is the client, `sub` the user it acts for, `aud` the
 * server. The token is the user's. Every refusal is invalid_grant (RFC 7521 §4.1.1) with the
 * reason in the journal.
 */
export async function jwtBearerGrant({ server, client, params, audiences, skew = 0 }: GrantRequest): Promise<GrantDecision> {
  const assertion = params.get('assertion');
  if (!assertion) throw new OAuthError('invalid_request', 'missing required parameter assertion');
  const refuse = (reason: string) => new OAuthError('invalid_grant', 'The user assertion is invalid.', { reason: `user assertion of ${client.id} rejected: ${reason}` });
  if (!client.assertionKeys) throw refuse(`client ${client.id} has no registered jwks to verify it with`);
  if (!readUnverified(assertion)) throw refuse('it is not a JWT');

  const now = server.clock.nowSeconds() + skew;
  const verified = await verifyUserAssertion(assertion, client.assertionKeys, { clientId: client.id, audience: audiences(), now });
  if (!verified.ok) throw refuse(verified.problem);
  const { sub, jti, exp } = verified.claims;
  const user = server.config.users.find((u) => u.username === sub);
  if (!user) throw refuse(`sub ${String(sub)} is not a configured user`);
  // RFC 7523 §3 item 7: a jti is used once while the assertion is valid.
  if (jti !== undefined && typeof jti !== 'string') throw refuse('jti is not a string');
  if (jti !== undefined && !server.replay.add(replayKey('user assertion', client.id, jti), exp ?? now, now)) {
    throw refuse(`jti ${jti} was already used`);
  }

  const { decision, ttl } = grantResource(server, client, params);
  return {
    grantType: JWT_BEARER_GRANT,
    audience: decision.audience,
    scopes: decision.scopes,
    defaultScope: decision.defaulted,
    ttl,
    subject: user.username,
    subjectType: 'user',
  };
}
