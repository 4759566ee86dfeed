import type { ServerContext } from '../../context.ts';
import type { RegisteredClient } from '../client-registry.ts';

/** What a grant decided to issue; the token endpoint signs it and answers. */
export interface GrantDecision {
  grantType: string;
  audience: string;
  scopes: string[];
  ttl: number;
  subject: string;
  subjectType: 'client' | 'user';
  /** Also issue a (single-use) refresh token. */
  refreshToken: boolean;
}

export interface GrantRequest {
  server: ServerContext;
  client: RegisteredClient;
  params: Map<string, string>;
}

/** A grant type's own checks; throws OAuthError to refuse. */
export type GrantHandler = (request: GrantRequest) => GrantDecision;
