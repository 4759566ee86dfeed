import { hash, randomUUID } from 'node:crypto';
import type { AuthorizationContext } from '../authorization-context.ts';
import type { RegisteredClient } from '../client-registry.ts';
import type { SignInFacts } from '../sign-in.ts';
import type { IdTokenDraft } from '../token-hooks.ts';
import { signJwt } from '../../tokens/index.ts';


/** OpenID Connect Core §3.1.3.6: base64url of the left half of the SHA-256 of the access token (RS256 and ES256 alike). */
export function atHash(accessToken: string): string {
  return hash('sha256', accessToken, 'buffer').subarray(0, 16).toString('base64url');
}

/**
 * Signs an ID token for a sign-in: the profile's claims, with the ring's current key. It lives
 * until the login session ends (IDCS: exp = session_exp), or a session's length from now when
 * that end has passed (a refresh days later).
 */
export async function signIdToken(
  server: Pick<AuthorizationContext, 'config' | 'profile' | 'keys' | 'urls'>,
  client: RegisteredClient,
  signIn: SignInFacts & { nonce?: string },
  accessToken: string | undefined,
  iat: number,
  change?: (draft: IdTokenDraft) => void,
): Promise<string> {
  const user = server.config.users.find((u) => u.username === signIn.username) ?? { username: signIn.username, password: '', displayName: signIn.username, groups: [] };
  const key = server.keys.current;
  const exp = signIn.sessionExp > iat ? signIn.sessionExp : iat + server.config.sessionTtl;
  const draft: IdTokenDraft = {
    claims: server.profile.idTokenClaims({
      issuer: server.urls.issuer,
      clientId: client.id,
      clientName: client.name,
      tenant: server.config.tenant,
      user,
      authTime: signIn.authTime,
      sessionExp: signIn.sessionExp,
      sid: signIn.sid,
      nonce: signIn.nonce,
      atHash: accessToken === undefined ? undefined : atHash(accessToken),
      iat,
      exp,
      jti: randomUUID().replaceAll('-', ''),
    }),
    breakSignature: false,
  };
  change?.(draft);
  const token = await signJwt(server.profile.idTokenHeader(key), draft.claims, key);
  if (!draft.breakSignature) return token;
  // Flip the signature's first character: same length and alphabet, no longer the key's signature.
  const dot = token.lastIndexOf('.') + 1;
  return `${token.slice(0, dot)}${token[dot] === 'A' ? 'B' : 'A'}${token.slice(dot + 1)}`;
}
