import type { AuthorizationContext } from '../authorization-context.ts';
import type { RegisteredClient } from '../client-registry.ts';
import type { SignInFacts } from '../sign-in.ts';

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
  /**
   * The authorization grant the tokens belong to, when the grant has one before any refresh token
   * (a code's): its access tokens are remembered under it, to be revoked with it.
   */
  grantId?: string;
  /** Also issue a (single-use) refresh token. */
  refreshToken?: {
    /** Its scope: on a refresh, the presented token's, whatever the request narrowed (RFC 6749 §6). */
    scopes: string[];
    /** The grant it continues (a refresh), or undefined for a new grant (or the decision's grantId). */
    grantId?: string;
    /** The sign-in it carries on, so a refresh can answer an ID token too. */
    identity?: SignInFacts;
  };
  /** Also issue an ID token (OpenID Connect: the openid scope was granted). */
  idToken?: SignInFacts & { nonce?: string };
  /** The journal's sign-in step for this request (a code redeemed). */
  step?: 'code_redeemed';
  /** Told of the access token issued (a code remembers its tokens, to revoke them if it is reused). */
  onIssued?: (token: { jti: string; exp: number }) => void;
}


export interface GrantRequest {
  server: AuthorizationContext;
  client: RegisteredClient;
  params: Map<string, string>;
  /** What an assertion presented with the grant may name as its `aud` (worked out when asked: most grants never ask). */
  audiences: () => string[];
  /** Seconds the server's clock runs ahead when judging assertions (clock_skew faults). */
  skew?: number;
  /** Tells the journal which grant the presented code or refresh token belongs to, refused or not. */
  noteGrant?: (grantId: string) => void;
}

/** A grant type's own checks; throws OAuthError to refuse. */
export type GrantHandler = (request: GrantRequest) => GrantDecision | Promise<GrantDecision>;
