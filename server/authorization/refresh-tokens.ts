import { randomBytes } from 'node:crypto';

export interface RefreshTokenRecord {
  clientId: string;
  subject: string;
  subjectType: 'client' | 'user';
  audience: string;
  scopes: string[];
  /** Lifetime of the access tokens it yields (the original request's, as IDCS keeps it). */
  accessTokenTtl: number;
  exp: number;
  /** Virtual time it was used, once it has been. */
  consumedAt?: number;
}

export type RefreshLookup =
  | { status: 'valid'; record: RefreshTokenRecord }
  | { status: 'consumed'; record: RefreshTokenRecord }
  | { status: 'expired'; record: RefreshTokenRecord }
  | { status: 'unknown' };

/**
 * Refresh tokens are single-use, as IDCS's are: using one consumes it and yields a new one; a
 * consumed token is remembered (until it would have expired) so its reuse is answered as such.
 */
export class RefreshTokenStore {
  #tokens = new Map<string, RefreshTokenRecord>();
  readonly #max: number;

  constructor(max = 100_000) {
    this.#max = max;
  }

  issue(record: Omit<RefreshTokenRecord, 'consumedAt'>, now: number): string {
    if (this.#tokens.size >= this.#max) this.#prune(now);
    // IDCS refresh tokens are opaque; theirs start with this prefix, so log parsers see a familiar shape.
    const value = `AQIDBAU${randomBytes(48).toString('base64url')}`;
    this.#tokens.set(value, { ...record });
    return value;
  }

  lookup(value: string, now: number): RefreshLookup {
    const record = this.#tokens.get(value);
    if (!record) return { status: 'unknown' };
    if (record.consumedAt !== undefined) return { status: 'consumed', record };
    if (record.exp <= now) return { status: 'expired', record };
    return { status: 'valid', record };
  }

  consume(value: string, now: number): void {
    const record = this.#tokens.get(value);
    if (record) record.consumedAt = now;
  }

  /** Revokes every refresh token of a client (control API), by consuming them. */
  revokeClient(clientId: string, now: number): void {
    for (const record of this.#tokens.values()) if (record.clientId === clientId) record.consumedAt ??= now;
  }

  #prune(now: number): void {
    for (const [value, record] of this.#tokens) if (record.exp <= now) this.#tokens.delete(value);
    while (this.#tokens.size >= this.#max) {
      const oldest = this.#tokens.keys().next().value;
      if (oldest === undefined) break;
      this.#tokens.delete(oldest);
    }
  }
}
