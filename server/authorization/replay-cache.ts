/**
 * Remembers values until they expire (virtual epoch seconds), to refuse a replayed client
 * assertion. Bounded: expired values are swept as new ones arrive.
 */
export class ReplayCache {
  #seen = new Map<string, number>();
  readonly #max: number;

  constructor(max = 100_000) {
    this.#max = max;
  }

  /** Returns false when `value` was already added and has not expired. */
  add(value: string, expiresAt: number, now: number): boolean {
    const known = this.#seen.get(value);
    if (known !== undefined && known >= now) return false;
    if (this.#seen.size >= this.#max) this.#sweep(now);
    this.#seen.set(value, expiresAt);
    return true;
  }

  #sweep(now: number): void {
    for (const [value, expiresAt] of this.#seen) {
      if (expiresAt < now) this.#seen.delete(value);
    }
    // Still full of live values: forget the oldest rather than grow without bound.
    while (this.#seen.size >= this.#max) {
      const oldest = this.#seen.keys().next().value;
      if (oldest === undefined) break;
      this.#seen.delete(oldest);
    }
  }
}

/**
 * The replay cache's key of an assertion's jti: structured, so that no client id or jti, whatever
 * its characters, makes the key of another kind of assertion or another client.
 */
export function replayKey(kind: 'client assertion' | 'user assertion', clientId: string, jti: string): string {
  return JSON.stringify([kind, clientId, jti]);
}
