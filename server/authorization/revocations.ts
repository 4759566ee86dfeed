/** revoked: withdrawn by the server; expired: made to expire early (a fault). */
export type RevocationReason = 'revoked' | 'expired';

/**
 * Revoked tokens, remembered until they would have expired anyway (virtual time), so memory is
 * bounded by the number of live revoked tokens, not by the number ever issued. Revoking every
 * token of a client is a cut-off instant: tokens it was issued up to then are revoked.
 */
export class Revocations {
  #byJti = new Map<string, { exp: number; reason: RevocationReason }>();
  #clientCutoff = new Map<string, number>();

  revokeJti(jti: string, exp: number, now: number, reason: RevocationReason = 'revoked'): void {
    this.#prune(now);
    this.#byJti.set(jti, { exp, reason });
  }

  /** Revokes every token issued to the client at or before `now`. */
  revokeClient(clientId: string, now: number): void {
    this.#clientCutoff.set(clientId, now);
  }

  /** Why the token no longer counts, or undefined when it still does. */
  check(token: { jti?: unknown; client_id?: unknown; iat?: unknown }): RevocationReason | undefined {
    if (typeof token.jti === 'string') {
      const revoked = this.#byJti.get(token.jti);
      if (revoked) return revoked.reason;
    }
    const cutoff = typeof token.client_id === 'string' ? this.#clientCutoff.get(token.client_id) : undefined;
    return cutoff !== undefined && typeof token.iat === 'number' && token.iat <= cutoff ? 'revoked' : undefined;
  }

  #prune(now: number): void {
    if (this.#byJti.size < 1024) return;
    for (const [jti, { exp }] of this.#byJti) if (exp < now) this.#byJti.delete(jti);
  }
}
