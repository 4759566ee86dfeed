import { Listeners } from '../base/listeners.ts';

/** revoked: withdrawn by the server; expired: made to expire early (a fault). */
export type RevocationReason = 'revoked' | 'expired';

/** A revocation as it happened, for whoever shows it (the dashboard's token timeline). */
export type Revocation =
  /** One token, by jti. */
  | { jti: string; time: number; reason: RevocationReason }
  /** Every token of the client issued before `time`. */
  | { clientId: string; time: number; reason: 'revoked' };

/**
 * Revoked tokens, remembered until they would have expired anyway (virtual time), so memory is
 * bounded by the number of live revoked tokens, not by the number ever issued. Revoking every
 * token of a client is a cut-off: tokens issued in earlier seconds are revoked by their iat, and
 * those issued earlier in the same second (iat cannot tell them from later ones) by their jti.
 */
export class Revocations {
  #byJti = new Map<string, { exp: number; reason: RevocationReason }>();
  #clientCutoff = new Map<string, number>();
  /** Per client, the tokens issued in the latest second it was issued any. */
  #lastSecond = new Map<string, { second: number; tokens: { jti: string; exp: number }[] }>();
  #listeners = new Listeners<[Revocation]>();

  /** Called for every token issued, so a client-wide revocation can be exact within a second. */
  noteIssued(clientId: string, jti: string, iat: number, exp: number): void {
    const recent = this.#lastSecond.get(clientId);
    if (recent && recent.second === iat) recent.tokens.push({ jti, exp });
    else this.#lastSecond.set(clientId, { second: iat, tokens: [{ jti, exp }] });
  }

  /** Revokes one token; listeners hear of it unless it was already revoked for the same reason. */
  revokeJti(jti: string, exp: number, now: number, reason: RevocationReason = 'revoked'): void {
    // A fault rule revokes the token of every request it matches: the same token again and again.
    const unchanged = this.#byJti.get(jti)?.reason === reason;
    this.#storeJti(jti, exp, now, reason);
    if (!unchanged) this.#listeners.notify({ jti, time: now, reason });
  }

  /** Revokes every token issued to the client so far; tokens issued afterwards are valid. */
  revokeClient(clientId: string, now: number): void {
    this.#clientCutoff.set(clientId, now);
    const recent = this.#lastSecond.get(clientId);
    if (recent && recent.second >= now) for (const { jti, exp } of recent.tokens) this.#storeJti(jti, exp, now, 'revoked');
    this.#listeners.notify({ clientId, time: now, reason: 'revoked' });
  }

  /**
   * Calls the listener after every revocation, whoever made it (control API, in-process
   * `revoke()`, the RFC 7009 endpoint, a fault). Returns an unsubscribe function.
   */
  onRevoke(listener: (revocation: Revocation) => void): () => void {
    return this.#listeners.add(listener);
  }

  /** Why the token no longer counts, or undefined when it still does. */
  check(token: { jti?: unknown; client_id?: unknown; iat?: unknown }): RevocationReason | undefined {
    if (typeof token.jti === 'string') {
      const revoked = this.#byJti.get(token.jti);
      if (revoked) return revoked.reason;
    }
    const cutoff = typeof token.client_id === 'string' ? this.#clientCutoff.get(token.client_id) : undefined;
    return cutoff !== undefined && typeof token.iat === 'number' && token.iat < cutoff ? 'revoked' : undefined;
  }

  #storeJti(jti: string, exp: number, now: number, reason: RevocationReason): void {
    this.#prune(now);
    this.#byJti.set(jti, { exp, reason });
  }


  #prune(now: number): void {
    if (this.#byJti.size < 1024) return;
    for (const [jti, { exp }] of this.#byJti) if (exp < now) this.#byJti.delete(jti);
  }
}
