import type { ProfileName } from '../config/types.ts';
import type { OAuthError } from '../authorization/oauth-error.ts';
import type { SigningKey } from '../keys/key-ring.ts';

/** Paths of the authorization server's endpoints for a profile. */
export interface ProfilePaths {
  token: string;
  introspect: string;
  revoke: string;
  jwks: string;
  /** Discovery documents served, path -> document kind. */
  discovery: string[];
}

/** What goes into an access token, before the profile shapes it. */
export interface AccessTokenFacts {
  issuer: string;
  clientId: string;
  clientName: string;
  tenant: string;
  audience: string;
  scopes: string[];
  iat: number;
  exp: number;
  jti: string;
  grantType: string;
  /** Subject: the client for client_credentials, the user for user grants. */
  subject: string;
  subjectType: 'client' | 'user';
}

export interface ErrorAnswer {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/**
 * A wire shape: IDCS or plain RFC. Everything profile-specific is here, so endpoints are
 * written once.
 */
export interface Profile {
  name: ProfileName;
  paths: ProfilePaths;
  /** JWT header for an access token signed with `key`. */
  tokenHeader(key: SigningKey): Record<string, unknown>;
  /** JWT claims for an access token. */
  tokenClaims(facts: AccessTokenFacts): Record<string, unknown>;
  /** The error answer (status, headers, body) for an OAuth error; `requestId` feeds IDCS's ecid. */
  formatError(error: OAuthError, requestId: string): ErrorAnswer;
  /** Extra headers on every authorization-server answer (IDCS DMS headers). */
  responseHeaders(requestId: string): Record<string, string>;
  /** Discovery document for `path`. */
  discovery(path: string, urls: DiscoveryUrls): Record<string, unknown>;
  /** Introspection answer for an active token's claims. */
  introspection(claims: Record<string, unknown>): Record<string, unknown>;
}

export interface DiscoveryUrls {
  issuer: string;
  baseUrl: string;
  grantTypes: string[];
  scopes: string[];
  signingAlgorithm: string;
}
