import { quote } from '../profiles/shared.ts';

/** RFC 6750 §3 error codes of a resource server. */
export type BearerError = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

/**
 * The WWW-Authenticate value of an RFC 6750 §3 challenge. With no error (no token was sent),
 * §3.1 says the challenge carries no error code: just the realm.
 */
export function bearerChallenge(realm: string, error?: BearerError, description?: string, scope?: string): string {
  const parts = [`realm="${quote(realm)}"`];
  if (error) parts.push(`error="${error}"`);
  if (description) parts.push(`error_description="${quote(description)}"`);
  if (scope) parts.push(`scope="${quote(scope)}"`);
  return `Bearer ${parts.join(', ')}`;
}
