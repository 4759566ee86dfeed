import { OAuthError, type OAuthErrorCode } from '../../profiles/oauth-error.ts';

/**
 * An authorization request the browser cannot be sent back from (RFC 6749 §4.1.2.1: an unknown
 * client, or a redirect URI missing, unregistered or repeated): the person is shown a page.
 */
export class AuthorizationPageError extends Error {
  readonly error: OAuthErrorCode;
  readonly description: string;
  readonly hint: string | undefined;
  readonly status: number;
  readonly reason: string;

  constructor(error: OAuthErrorCode, description: string, options: { hint?: string; status?: number; reason?: string } = {}) {
    super(`${error}: ${description}`);
    this.name = 'AuthorizationPageError';
    this.error = error;
    this.description = description;
    this.hint = options.hint;
    this.status = options.status ?? 400;
    this.reason = options.reason ?? description;
  }
}

/** Where, and how, an authorization answer goes back to the client. */
export interface RedirectTarget {
  redirectUri: string;
  responseMode: 'query' | 'fragment';
  state?: string;
}

/** An error the client hears about through its redirect URI (RFC 6749 §4.1.2.1). */
export class AuthorizationRedirectError extends Error {
  readonly oauth: OAuthError;
  readonly target: RedirectTarget;

  constructor(oauth: OAuthError, target: RedirectTarget) {
    super(oauth.message);
    this.name = 'AuthorizationRedirectError';
    this.oauth = oauth;
    this.target = target;
  }
}

/**
 * The client's redirect URI with the answer's parameters in its query (or fragment, as asked).
 * The registered URI is kept exactly as written, its own query included (RFC 6749 §3.1.2: "MUST
 * retain the query component"): the answer is appended to it, never re-encoded with it.
 */
export function redirectUrl(target: RedirectTarget, params: Record<string, string | undefined>): string {
  const answer = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) answer.set(key, value);
  if (target.state !== undefined) answer.set('state', target.state);
  return appendParameters(target.redirectUri, answer, target.responseMode);
}

/** `uri` with `params` added to its query (or as its fragment), the rest of it untouched. */
export function appendParameters(uri: string, params: URLSearchParams, mode: 'query' | 'fragment' = 'query'): string {
  const encoded = params.toString();
  if (encoded === '') return uri;
  if (mode === 'fragment') return `${uri}#${encoded}`;
  const separator = !uri.includes('?') ? '?' : uri.endsWith('?') || uri.endsWith('&') ? '' : '&';
  return `${uri}${separator}${encoded}`;
}
