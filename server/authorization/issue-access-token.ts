import { randomUUID } from 'node:crypto';
import type { KeyRing, SigningKey } from '../keys/key-ring.ts';
import type { AccessTokenFacts, Profile } from '../profiles/profile.ts';
import { signJwt } from '../tokens/index.ts';

export interface IssuedToken {
  value: string;
  jti: string;
  iat: number;
  exp: number;
  kid: string;
  claims: Record<string, unknown>;
}

export interface IssueOptions {
  /** Sign with this key instead of the ring's current one (fault: unknown key). */
  key?: SigningKey;
  /** Claims to set after the profile shaped them (faults: aud, iss, nbf). */
  claims?: Record<string, unknown>;
}

/** Signs an access token in the profile's shape with the ring's current key. */
export async function issueAccessToken(
  facts: Omit<AccessTokenFacts, 'jti'> & { jti?: string },
  profile: Profile,
  keys: KeyRing,
  options: IssueOptions = {},
): Promise<IssuedToken> {
  // 32 hex characters like IDCS's; randomUUID draws from a cached entropy pool (cheaper per token).
  const jti = facts.jti ?? randomUUID().replaceAll('-', '');
  const key = options.key ?? keys.current;
  const claims = { ...profile.tokenClaims({ ...facts, jti }), ...options.claims };
  return { value: await signJwt(profile.tokenHeader(key), claims, key), jti, iat: facts.iat, exp: facts.exp, kid: key.kid, claims };
}
