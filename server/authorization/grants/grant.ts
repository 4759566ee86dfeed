import type { AuthorizationContext } from '../authorization-context.ts';
import type { RegisteredClient } from '../client-registry.ts';

/** What a grant decided to issue; the token endpoint signs it and answers. */
export interface GrantDecision {
  grantType: string;
  audience: string;
  /** Scopes of the access token. */
  scopes: string[];
  /**
   * The client asked for no scope and got the server's default (RFC 6749 §3.3), so the granted
   * scope differs from the requested one (§5.1); the profile decides whether to say it.
   */
  defaultScope: boolean;
  ttl: number;
  subject: string;
  subjectType: 'client' | 'user';
  /** Also issue a (single-use) refresh token. */
  refreshToken?: {
    /** Its scope: on a refresh, the presented token's, whatever the request narrowed (RFC 6749 §6). */
    scopes: string[];
    /** The grant it continues (a refresh), or undefined for a new grant. */
    grantId?: string;
  };
}

export interface GrantRequest {
  server: AuthorizationContext;
  client: RegisteredClient;
  params: Map<string, string>;
  /** What an assertion presented with the grant may name as its `aud` (worked out when asked: most grants never ask). */
  audiences: () => string[];
  /** Seconds the server's clock runs ahead when judging assertions (clock_skew faults). */
  skew?: number;
}

/** A grant type's own checks; throws OAuthError to refuse. */
export type GrantHandler = (request: GrantRequest) => GrantDecision | Promise<GrantDecision>;
