import { sign } from 'node:crypto';
import type { SigningKey } from './key-ring.ts';

/**
 * Signs a compact JWS with node:crypto synchronously: RS256 and ES256 signatures take well under
 * a millisecond, less than a round trip through WebCrypto's promise machinery.
 */
export function signJwt(header: Record<string, unknown>, payload: Record<string, unknown>, key: SigningKey): string {
  const input = `${base64url(header)}.${base64url(payload)}`;
  const signature =
    key.alg === 'RS256'
      ? sign('sha256', Buffer.from(input), key.privateKey)
      : // RFC 7518 §3.4: ES256 signatures are R || S, not DER.
        sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

function base64url(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
