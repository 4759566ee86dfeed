import { sign, type KeyObject, type SignKeyObjectInput } from 'node:crypto';
import type { SigningKey } from './key-ring.ts';

/** Signing input per key, built once: ES256 needs R || S, not DER (RFC 7518 §3.4). */
const signingInputs = new WeakMap<SigningKey, KeyObject | SignKeyObjectInput>();

function signingInput(key: SigningKey): KeyObject | SignKeyObjectInput {
  let input = signingInputs.get(key);
  if (!input) {
    input = key.alg === 'RS256' ? key.privateKey : { key: key.privateKey, dsaEncoding: 'ieee-p1363' };
    signingInputs.set(key, input);
  }
  return input;
}

/**
 * Signs a compact JWS. The signature is computed on libuv's thread pool (crypto.sign with a
 * callback), so on a multi-core machine signing overlaps with the HTTP work of other requests:
 * measured here, signing on the main thread capped the token endpoint at one core.
 */
export function signJwt(header: Record<string, unknown>, payload: Record<string, unknown>, key: SigningKey): Promise<string> {
  const input = `${base64url(header)}.${base64url(payload)}`;
  return new Promise((resolve, reject) => {
    sign('sha256', Buffer.from(input), signingInput(key), (error, signature) => {
      if (error) reject(error);
      else resolve(`${input}.${signature.toString('base64url')}`);
    });
  });
}

function base64url(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
