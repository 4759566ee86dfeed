import type { ProfileName, ResolvedUser } from '../config/types.ts';
import type { OAuthError } from './oauth-error.ts';
import type { ProfilePaths, ServerUrls } from './urls.ts';
import type { SigningKey } from '../keys/key-ring.ts';

/** The profile's paths are the URLs' source: declared with them (urls.ts), named here too. */
export type { ProfilePaths } from './urls.ts';

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

/** What goes into an ID token (OpenID Connect Core §2), before the profile shapes it. */
export interface IdTokenFacts {
  issuer: string;
  clientId: string;
  clientName: string;
  tenant: string;
  user: ResolvedUser;
  authTime: number;
  /** When the login session ends. */
  sessionExp: number;
  sid: string;
  nonce?: string;
  /** Core §3.1.3.6: left half of the SHA-256 of the access token issued with it. */
  atHash?: string;
  iat: number;
  exp: number;
  jti: string;
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
  /** JWT header for an ID token signed with `key`. */
  idTokenHeader(key: SigningKey): Record<string, unknown>;
  /** JWT claims for an ID token. */
  idTokenClaims(facts: IdTokenFacts): Record<string, unknown>;
  /** The UserInfo answer for a user, given the scopes of the access token presented. */
  userinfo(user: ResolvedUser, scopes: readonly string[]): Record<string, unknown>;
  /**
   * Must a code's redemption repeat the authorization request's redirect_uri? RFC 6749 §4.1.3
   * says yes; IDCS's documented confidential-client examples never send it.
   */
  redemptionRepeatsRedirectUri: boolean;
  /**
   * The body of an authorization error the browser is shown instead of being redirected (unknown
   * client, unregistered redirect URI): JSON as IDCS answers, or undefined for understudy's page.
   */
  authorizationErrorBody(error: string, description: string, requestId: string): Record<string, unknown> | undefined;
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
 * What a discovery document says: the server's URLs (ServerUrls, whose endpoint URLs buildUrls
 * makes from the profile's paths, so a document names exactly what the server serves) and its
 * capabilities.
 */
export type DiscoveryUrls = Omit<ServerUrls, 'discoveryUrl' | 'controlUrl'> & {
  grantTypes: string[];
  scopes: string[];
  signingAlgorithm: string;
};
