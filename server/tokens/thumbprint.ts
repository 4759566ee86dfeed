import { calculateJwkThumbprint, type JWK } from 'jose';

/** RFC 7638 JWK thumbprint (SHA-256, base64url) of a public key (jose's calculateJwkThumbprint). */
export function jwkThumbprint(jwk: JWK): Promise<string> {
  return calculateJwkThumbprint(jwk, 'sha256');
}
