import type { GrantDecision, GrantRequest } from './grant.ts';
import { grantResource } from './resource-grant.ts';

/** RFC 6749 §4.4: the client acts on its own behalf; no refresh token (§4.4.3). */
export function clientCredentialsGrant({ server, client, params }: GrantRequest): GrantDecision {
  const { decision, ttl } = grantResource(server, client, params);
  return {
    grantType: 'client_credentials',
    audience: decision.audience,
    scopes: decision.scopes,
    defaultScope: decision.defaulted,
    ttl,
    subject: client.id,
    subjectType: 'client',
  };
}
