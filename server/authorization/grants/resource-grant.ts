import type { AuthorizationContext } from '../authorization-context.ts';
import type { RegisteredClient } from '../client-registry.ts';
import { decideScope, type ScopeDecision } from '../scope-request.ts';

export interface ResourceGrant {
  decision: ScopeDecision;
  /** Access token lifetime: urn:opc:resource:expiry=N when asked, else the client's, else the resource's. */
  ttl: number;
}

/** The audience, scopes and lifetime a client_credentials or password request gets. */
export function grantResource(server: AuthorizationContext, client: RegisteredClient, params: Map<string, string>): ResourceGrant {
  const decision = decideScope(params.get('scope'), client, server.config.resources, server.config.profile, params.get('resource'));
  // IDCS: urn:opc:resource:expiry=N sets the lifetime to N seconds (Oracle documents up to a year).
  const ttl = decision.expiry ?? client.accessTokenTtl ?? decision.resource.accessTokenTtl;
  return { decision, ttl };
}
