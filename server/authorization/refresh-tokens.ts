import { randomBytes, randomUUID } from 'node:crypto';
import type { SignInFacts } from './sign-in.ts';

export interface RefreshTokenRecord {
  clientId: string;
  subject: string;
  subjectType: 'client' | 'user';
  audience: string;
  scopes: string[];
  /** Lifetime of the access tokens it yields (the original request's, as IDCS keeps it). */
  accessTokenTtl: number;
  exp: number;
  /**
   * The authorization grant it belongs to: the first refresh token and every rotation of it
   * share one, and so do the access tokens issued with them (RFC 7009 §2.1 revokes them together).
   */
  grantId: string;
  /** The sign-in of the grant (authorization code grants): a refresh answers an ID token from it. */
  identity?: SignInFacts;
  /** Virtual time it was used, once it has been. */
  consumedAt?: number;
  /** Virtual time it (or its grant) was revoked. */
  revokedAt?: number;
}

export type RefreshLookup =
  | { status: 'valid' | 'consumed' | 'revoked' | 'expired'; record: RefreshTokenRecord }
  | { status: 'unknown' };

/** An access token issued under a grant, to be revoked with it. */
export interface GrantAccessToken {
  jti: string;
  exp: number;
}

interface GrantState {
  /** Its refresh tokens still remembered: the grant is forgotten with the last of them. */
  tokens: number;
  /** Access tokens issued under it that have not expired yet (expired ones are dropped as new ones come). */
  accessTokens: GrantAccessToken[];
}

/**
 * Refresh tokens are single-use, as IDCS's are: using one consumes it and yields a new one of
 * the same grant; a consumed or revoked token is remembered (until it would have expired) so its
 * reuse is answered as such.
 */
export class RefreshTokenStore {
  #tokens = new Map<string, RefreshTokenRecord>();
  #grants = new Map<string, GrantState>();
  readonly #max: number;

  constructor(max = 100_000) {
    this.#max = max;
  }

  /** A new grant id, for a refresh token that does not continue an earlier one. */
  newGrant(): string {
    return randomUUID();
  }

  issue(record: Omit<RefreshTokenRecord, 'consumedAt' | 'revokedAt'>, now: number): string {
    if (this.#tokens.size >= this.#max) this.#prune(now);
    // IDCS refresh tokens are opaque; theirs start with this prefix, so log parsers see a familiar shape.
    const value = `AQIDBAU${randomBytes(48).toString('base64url')}`;
    this.#tokens.set(value, { ...record });
    const grant = this.#grants.get(record.grantId);
    if (grant) grant.tokens += 1;
    else this.#grants.set(record.grantId, { tokens: 1, accessTokens: [] });
    return value;
  }

  /**
   * Remembers an access token issued under the grant, so that revoking the grant revokes it.
   * Expired ones are dropped on the way, so a grant refreshed for days holds only live ones.
   */
  noteAccessToken(grantId: string, token: GrantAccessToken, now: number): void {
    const grant = this.#grants.get(grantId);
    if (!grant) return;
    grant.accessTokens = grant.accessTokens.filter((t) => t.exp > now && t.jti !== token.jti);
    grant.accessTokens.push(token);
  }

  lookup(value: string, now: number): RefreshLookup {
    const record = this.#tokens.get(value);
    if (!record) return { status: 'unknown' };
    if (record.revokedAt !== undefined) return { status: 'revoked', record };
    if (record.consumedAt !== undefined) return { status: 'consumed', record };
    if (record.exp <= now) return { status: 'expired', record };
    return { status: 'valid', record };
  }

  consume(value: string, now: number): void {
    const record = this.#tokens.get(value);
    if (record) record.consumedAt = now;
  }

  /**
   * Revokes the grant of a refresh token: every refresh token of it, and returns the access
   * tokens issued under it for the caller to revoke (RFC 7009 §2.1: "SHOULD also invalidate all
   * access tokens based on the same authorization grant").
   */
  revokeGrant(grantId: string, now: number): GrantAccessToken[] {
    for (const record of this.#tokens.values()) if (record.grantId === grantId) record.revokedAt ??= now;
    return this.#grants.get(grantId)?.accessTokens ?? [];
  }

  /** Revokes every refresh token of a client (control API). */
  revokeClient(clientId: string, now: number): void {
    for (const record of this.#tokens.values()) if (record.clientId === clientId) record.revokedAt ??= now;
  }

  /** Forgets expired tokens, then the oldest, down to 90% of the limit: one scan per many issues. */
  #prune(now: number): void {
    for (const [value, record] of this.#tokens) if (record.exp <= now) this.#forget(value, record);
    const target = Math.floor(this.#max * 0.9);
    for (const [value, record] of this.#tokens) {
      if (this.#tokens.size <= target) break;
      this.#forget(value, record);
    }
  }

  #forget(value: string, record: RefreshTokenRecord): void {
    this.#tokens.delete(value);
    const grant = this.#grants.get(record.grantId);
    if (grant && --grant.tokens <= 0) this.#grants.delete(record.grantId);
  }

  /** Grants remembered; for tests of the store's bounds. */
  get grants(): number {
    return this.#grants.size;
  }
}
