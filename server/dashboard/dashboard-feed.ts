import type { Clock } from '../clock.ts';

/** A server-side revocation the dashboard should draw on the token timeline. */
export interface RevocationNote {
  /** Virtual time of the revocation, epoch seconds. */
  time: number;
  /** The one token revoked, when revoked by jti. */
  jti?: string;
  /** Every token of this client issued at or before `time`, when revoked by client. */
  clientId?: string;
}

/** What the control API tells open dashboards about a change it made. */
export type FeedEvent =
  /** A token or a client's tokens were revoked (POST /_understudy/tokens/revoke). */
  | { kind: 'revoked'; note: RevocationNote }
  /** The journal was emptied (DELETE /_understudy/journal). */
  | { kind: 'cleared' }
  /** Something else may have changed (faults, keys, clients): re-read and send what differs. */
  | { kind: 'changed' };

/** Revocations kept for the snapshot a newly connected page receives. */
const REMEMBERED_REVOCATIONS = 200;

/**
 * The control API's side channel to open dashboards: changes that leave no journal entry
 * (control calls are not journaled) and that the engines do not announce themselves, such as a
 * revocation, which only `Revocations` knows and which it does not publish. One per server.
 */
export class DashboardFeed {
  #clock: Clock;
  #listeners = new Set<(event: FeedEvent) => void>();
  #revocations: RevocationNote[] = [];

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Calls the listener for every change from now on. Returns an unsubscribe function. */
  subscribe(listener: (event: FeedEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Open subscriptions (one per connected dashboard); for tests and diagnostics. */
  get subscribers(): number {
    return this.#listeners.size;
  }

  /** The latest revocations made through the control API, oldest first. */
  revocations(): readonly RevocationNote[] {
    return this.#revocations;
  }

  /**
   * Called by the control API after a state-changing call succeeded, with the route's path
   * (below /_understudy) and its answer.
   */
  noteControlChange(method: string, path: string, result: unknown): void {
    if (method === 'POST' && path === '/tokens/revoke') {
      const revoked = (result as { revoked?: { jti?: unknown; clientId?: unknown } } | undefined)?.revoked;
      const note: RevocationNote = { time: this.#clock.nowMs() / 1000 };
      if (typeof revoked?.jti === 'string') note.jti = revoked.jti;
      if (typeof revoked?.clientId === 'string') note.clientId = revoked.clientId;
      this.#revocations.push(note);
      if (this.#revocations.length > REMEMBERED_REVOCATIONS) this.#revocations.shift();
      this.#emit({ kind: 'revoked', note });
      return;
    }
    if (method === 'DELETE' && path === '/journal') {
      this.#emit({ kind: 'cleared' });
      return;
    }
    this.#emit({ kind: 'changed' });
  }

  #emit(event: FeedEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A broken dashboard connection must not fail the control call that changed the state.
      }
    }
  }
}
