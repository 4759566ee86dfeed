import type { PkceMethod } from '../../config/types.ts';

/** The prompt values of OpenID Connect Core §3.1.2.1 that understudy acts on. */
export type Prompt = 'none' | 'login' | 'consent' | 'select_account';

/**
 * An authorization request that passed every check (RFC 6749 §4.1.1, OIDC Core §3.1.2.1): what
 * the login and consent steps carry along and the code remembers.
 */
export interface AuthorizationRequest {
  clientId: string;
  /** Where the answer goes, absolute: the request's redirect_uri, or the client's only one. */
  redirectUri: string;
  /** redirect_uri as the request sent it, if it did: the token request must send the same (RFC 6749 §4.1.3). */
  redirectUriSent?: string;
  responseMode: 'query' | 'fragment';
  state?: string;
  nonce?: string;
  prompt: ReadonlySet<Prompt>;
  /** Seconds since the login after which the user must log in again (max_age). */
  maxAge?: number;
  loginHint?: string;
  /** The access token's audience and scopes (the resource's), and its lifetime. */
  audience: string;
  resourceScopes: string[];
  /** OpenID Connect scopes granted besides (openid, profile, email...). */
  oidcScopes: string[];
  /** No resource scope was asked for: the resource scopes are the client's default. */
  defaultScope: boolean;
  offlineAccess: boolean;
  accessTokenTtl: number;
  codeChallenge?: string;
  codeChallengeMethod?: PkceMethod;
}

/** Every scope the user is asked to consent to, in the order the consent page lists them. */
export function consentScopes(request: AuthorizationRequest): string[] {
  return [...request.oidcScopes, ...request.resourceScopes.map((s) => `${request.audience}${s}`), ...(request.offlineAccess ? ['offline_access'] : [])];
}
