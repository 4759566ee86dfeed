/**
 * Builds tokens the server did not issue: re-signed with the embedded development key (whose
 * private half ships with understudy, so tests may mint tokens with chosen claims), signed
 * with another key, or with a forbidden algorithm.
 */
import { createHmac, createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { DEFAULT_SIGNING_KEY_PEM } from '../../../server/keys/default-signing-key.ts';
import { b64url, decodeHeader, decodePayload } from './harness.ts';

export const DEV_KEY: KeyObject = createPrivateKey(DEFAULT_SIGNING_KEY_PEM);

/** Compact JWS signed RS256 with `key`. */
export function signRs256(header: Record<string, unknown>, payload: Record<string, unknown>, key: KeyObject = DEV_KEY): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

/**
 * A copy of a server-issued token with claims changed (a value of `undefined` removes the
 * claim), re-signed with the development key under the same header.
 */
export function reissue(token: string, changes: Record<string, unknown> = {}, headerChanges: Record<string, unknown> = {}, key: KeyObject = DEV_KEY): string {
  const payload: Record<string, unknown> = { ...decodePayload(token) };
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) delete payload[name];
    else payload[name] = value;
  }
  const header: Record<string, unknown> = { ...decodeHeader(token), ...headerChanges };
  return signRs256(header, payload, key);
}

/** A fresh RSA key the server has never seen. */
export function strangerKey(): KeyObject {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
}

/** The token with `alg: none` and an empty signature (RFC 7519 §6 Unsecured JWT). */
export function unsecured(token: string): string {
  const header = { ...decodeHeader(token), alg: 'none' };
  return `${b64url(header)}.${token.split('.')[1]}.`;
}

/** The token's claims HMAC-signed (HS256) with `secret`. */
export function hs256(token: string, secret: string | Buffer): string {
  const header = { ...decodeHeader(token), alg: 'HS256' };
  const input = `${b64url(header)}.${token.split('.')[1]}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** Changes one character in the middle of the signature so its bytes surely differ. */
export function flipSignature(token: string): string {
  const [h, p, s = ''] = token.split('.');
  const i = Math.floor(s.length / 2);
  const replacement = s[i] === 'A' ? 'B' : 'A';
  return `${h}.${p}.${s.slice(0, i)}${replacement}${s.slice(i + 1)}`;
}

/** Replaces the payload (unsigned change) while keeping the original signature. */
export function tamperPayload(token: string, changes: Record<string, unknown>): string {
  const [h, , s] = token.split('.');
  return `${h}.${b64url({ ...decodePayload(token), ...changes })}.${s}`;
}
