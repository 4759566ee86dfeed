import type { SigningKey } from '../keys/key-ring.ts';
import type { OAuthError } from '../profiles/oauth-error.ts';
import type { AuthorizationRequest } from './interaction/authorization-request.ts';

/** The access token about to be signed, as hooks may change it. */
export interface TokenDraft {
  scopes: string[];
  iat: number;
  exp: number;
  /** Claims to overwrite or add after the profile shaped them. */
  claims: Record<string, unknown>;
  /** Sign with this key instead of the ring's current one. */
  key?: SigningKey;
  /** Say the granted scope in the answer (RFC 6749 §5.1: required when it differs from the request's). */
  announceScope: boolean;
}

/** What an ID token is about to say, as hooks (id_token faults) may change it before it is signed. */
export interface IdTokenDraft {
  claims: Record<string, unknown>;
  /** Send it with a signature that does not verify. */
  breakSignature: boolean;
}

/** What was asked for, as the token endpoint decided it: what a cached token must match. */
export interface TokenRequestFacts {
  clientId: string;
  subject: string;
  grantType: string;
  audience: string;
  scopes: string[];
}

/** An access token answered once, which a hook may hand out again while it lives. */
export interface AnsweredToken {
  jti: string;
  iat: number;
  exp: number;
  kid: string;
  /** The answer's members about the access token (access_token, token_type, scope...). */
  body: Record<string, unknown>;
  scopes: string[];
  /** The request it answered: a token handed out again goes only to the same request. */
  request: TokenRequestFacts;
}

/**
 * The token endpoint's extension points: whoever wants to change what it issues (the fault
 * layer) registers hooks on the request, and the endpoint calls them at fixed steps. The
 * endpoint owns these types and knows nothing of who implements them.
 */
export interface TokenHooks {
  /** Before signing: an earlier answer to hand out again instead of signing a new token. */
  reuse?(request: TokenRequestFacts, now: number): AnsweredToken | undefined;
  /** Before signing: change the draft. */
  beforeSign?(draft: TokenDraft, request: TokenRequestFacts): void;
  /** After signing (or reusing): the token as answered, and the body about to be sent; returns the body to send. */
  afterSign?(token: AnsweredToken, body: Record<string, unknown>, lifetime: number): Record<string, unknown>;
  /** Before an ID token is signed: change its claims, or have its signature broken. */
  idToken?(draft: IdTokenDraft, request: TokenRequestFacts): void;
}

/** A step of the browser flow where a hook may end the authorization. */
export type AuthorizationStep = 'login' | 'consent' | 'code';

/**
 * The authorization endpoint's extension point (and its login and consent pages'): before the
 * flow shows the login or consent page, or issues the code, a hook may answer an OAuth error at
 * the client's redirect URI instead (RFC 6749 §4.1.2.1): the user refused, the session is gone.
 */
export interface AuthorizationHooks {
  refuse?(request: AuthorizationRequest, step: AuthorizationStep): OAuthError | undefined;
}
