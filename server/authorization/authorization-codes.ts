import { randomBytes } from 'node:crypto';
import type { AuthorizationRequest } from './interaction/authorization-request.ts';

/** What an authorization code stands for: the request, who approved it, and when. */
export interface AuthorizationCode {
  request: AuthorizationRequest;
  username: string;
  /** Virtual time of the user's login (`auth_time`). */
  authTime: number;
  sid: string;
  /** When the login session ends (IDCS: the ID token's exp). */
  sessionExp: number;
  exp: number;
  /** The grant its tokens belong to: a reused code revokes them (RFC 6749 §4.1.2). */
  grantId: string;
  redeemedAt?: number;
  /** Virtual time it was presented again, and its grant revoked. */
  reusedAt?: number;
  /** Access tokens issued for it, revoked if it is presented again. */
  accessTokens: { jti: string; exp: number }[];
}

/** IDCS's codes are 128 characters: bytes 01..05, 64 encrypted bytes and a key label, base64url with its padding (idcs-wire.md §8c). */
const PREFIX = Buffer.from([1, 2, 3, 4, 5]);
const TRAILER = Buffer.from('11 ENCRYPTION_KEY14 {v1}4 ');

function idcsOpaqueValue(): string {
  // The "=" padding stays, so a client that does not form-encode the code breaks here as with IDCS.
  return Buffer.concat([PREFIX, randomBytes(64), TRAILER]).toString('base64').replaceAll('+', '-').replaceAll('/', '_');
}

export type CodeLookup = { status: 'valid' | 'redeemed' | 'expired'; code: AuthorizationCode } | { status: 'unknown' };

/**
 * Authorization codes: single use, short-lived on the virtual clock. A redeemed code is
 * remembered so its reuse is recognised, and answered by revoking its grant.
 */
export class AuthorizationCodeStore {
  #codes = new Map<string, AuthorizationCode>();
  readonly #max: number;

  constructor(max = 100_000) {
    this.#max = max;
  }

  issue(code: Omit<AuthorizationCode, 'redeemedAt' | 'accessTokens'>): string {
    if (this.#codes.size >= this.#max) this.#prune();
    const value = idcsOpaqueValue();
    this.#codes.set(value, { ...code, accessTokens: [] });
    return value;
  }

  lookup(value: string, now: number): CodeLookup {
    const code = this.#codes.get(value);
    if (!code) return { status: 'unknown' };
    if (code.redeemedAt !== undefined) return { status: 'redeemed', code };
    if (code.exp <= now) return { status: 'expired', code };
    return { status: 'valid', code };
  }

  /** Marks a code used: presented again, it is `redeemed`. */
  redeem(code: AuthorizationCode, now: number): void {
    code.redeemedAt = now;
  }

  /** Forgets the oldest codes down to 90 % of the limit (insertion order is age). */
  #prune(): void {
    for (const value of this.#codes.keys()) {
      if (this.#codes.size < this.#max * 0.9) break;
      this.#codes.delete(value);
    }
  }
}
