import { createHash } from 'node:crypto';

/**
 * What the journal keeps of a value that identifies a request but must not be written down (a
 * code, a refresh token, an assertion) or is only compared (state, code_challenge, nonce): 12
 * base64url characters of its SHA-256, enough to tell two values apart and useless to replay.
 */
export function fingerprint(value: string): string {
  return createHash('sha256').update(value).digest('base64url').slice(0, 12);
}
