import type { ProfileName } from '../config/types.ts';
import type { OAuthError } from './oauth-error.ts';
import type { SigningKey } from '../keys/key-ring.ts';

/** Paths of the authorization server's endpoints for a profile. */
export interface ProfilePaths {
  token: string;
  introspect: string;
  revoke: string;
  jwks: string;
  /** Paths the discovery documents are served at, one document each; the first is ServerUrls.discoveryUrl. */
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
  /**
   * Does a token answer say `scope` when the client asked for none and got the default? RFC 6749
   * §5.1 requires it (the granted scope differs from the requested one).
   */
  announcesDefaultScope: boolean;
  /** The error answer (status, headers, body) for an OAuth error; `requestId` feeds IDCS's ecid. */
  formatError(error: OAuthError, requestId: string): ErrorAnswer;
  /** Extra headers on every authorization-server answer (IDCS DMS headers). */
  responseHeaders(requestId: string): Record<string, string>;
  /** Discovery document for `path`. */
  discovery(path: string, urls: DiscoveryUrls): Record<string, unknown>;
  /** Introspection answer for an active token's claims. */
  introspection(claims: Record<string, unknown>): Record<string, unknown>;
}

/**
 * What a discovery document says: the server's URLs (a subset of ServerUrls, whose endpoint URLs
 * buildUrls makes from the profile's paths, so a document names exactly what the server serves)
 * and its capabilities.
 */
export interface DiscoveryUrls {
  issuer: string;
  baseUrl: string;
  tokenUrl: string;
  jwksUrl: string;
  introspectUrl: string;
  revokeUrl: string;
  grantTypes: string[];
  scopes: string[];
  signingAlgorithm: string;
}
