import { fingerprint } from '../journal/fingerprint.ts';
import type { AuthorizationFacts, CredentialFacts } from '../journal/types.ts';
import { readUnverified } from '../tokens/index.ts';
import { JWT_BEARER_GRANT } from './grants/jwt-bearer-grant.ts';

/** A request's parameters, first value of each: a token form's, or an authorization request's. */
type Parameter = (name: string) => string | undefined;

/**
 * What the contract rules look at in an authorization request, fresh values as fingerprints.
 * Journaled by the endpoint, or by the fault layer when a fault answers before it.
 */
export function authorizationFacts(get: Parameter): AuthorizationFacts {
  const first = (name: string) => get(name) || undefined;
  const state = first('state');
  const challenge = first('code_challenge');
  const method = first('code_challenge_method');
  const nonce = first('nonce');
  const prompt = first('prompt');
  return {
    ...(state ? { state: fingerprint(state) } : {}),
    ...(challenge ? { codeChallenge: fingerprint(challenge) } : {}),
    ...(method ? { codeChallengeMethod: method.slice(0, 20) } : {}),
    ...(nonce ? { nonce: fingerprint(nonce) } : {}),
    ...(prompt ? { prompt: prompt.slice(0, 60) } : {}),
  };
}

/**
 * Fingerprints of the code, refresh token or user assertion a token request presents, so a judge
 * can tell one presented again; journaled before any fault or check can refuse the request.
 */
export function credentialFacts(get: Parameter): CredentialFacts | undefined {
  const code = get('code');
  const refreshToken = get('refresh_token');
  const assertion = get('grant_type') === JWT_BEARER_GRANT ? get('assertion') : undefined;
  if (!code && !refreshToken && !assertion) return undefined;
  const facts: CredentialFacts = {};
  if (code) facts.code = fingerprint(code);
  if (refreshToken) facts.refreshToken = fingerprint(refreshToken);
  if (assertion) {
    const claims = readUnverified(assertion);
    facts.assertion = {
      fingerprint: fingerprint(assertion),
      ...(typeof claims?.jti === 'string' ? { jti: claims.jti.slice(0, 200) } : {}),
      ...(typeof claims?.iat === 'number' ? { iat: claims.iat } : {}),
      ...(typeof claims?.exp === 'number' ? { exp: claims.exp } : {}),
    };
  }
  return facts;
}
