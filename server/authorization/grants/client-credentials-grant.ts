import { decideScope } from '../scope-request.ts';
import type { GrantDecision, GrantRequest } from './grant.ts';

/** RFC 6749 §4.4: the client acts on its own behalf; no refresh token (§4.4.3). */
export function clientCredentialsGrant({ server, client, params }: GrantRequest): GrantDecision {
  const decision = decideScope(params.get('scope'), client, server.config.resources, server.config.profile, params.get('resource'));
  const baseTtl = client.accessTokenTtl ?? decision.resource.accessTokenTtl;
  return {
    grantType: 'client_credentials',
    audience: decision.audience,
    scopes: decision.scopes,
    // IDCS: urn:opc:resource:expiry=N sets the lifetime to N seconds (Oracle documents up to a year).
    ttl: decision.expiry ?? baseTtl,
    subject: client.id,
    subjectType: 'client',
    refreshToken: false,
  };
}
