import type { Revocation, Revocations } from '../tokens/revocations.ts';
import type { FaultEngine } from '../faults/fault-engine.ts';
import type { KeyRing } from '../keys/key-ring.ts';
import type { Journal } from '../journal/journal.ts';
import { Listeners } from '../base/listeners.ts';

/** A server-side revocation the dashboard should draw on the token timeline. */
export interface RevocationNote {
  /** Virtual time of the revocation, epoch seconds. */
  time: number;
  /** The one token revoked, when revoked by jti. */
  jti?: string;
  /** Every token of this client issued at or before `time`, when revoked by client. */
  clientId?: string;
}

/** What the feed tells open dashboards. */
export type FeedEvent =
  /** A token or a client's tokens were revoked. */
  | { kind: 'revoked'; note: RevocationNote }
  /** The journal was emptied. */
  | { kind: 'cleared' }
  /** Something else may have changed (faults, keys, clients): re-read and send what differs. */
  | { kind: 'changed' };

/** The parts of a server whose changes the feed relays, each announcing its own. */
export interface DashboardFeedSources {
  revocations: Pick<Revocations, 'onRevoke'>;
  journal: Pick<Journal, 'onClear'>;
  faults: Pick<FaultEngine, 'onChange'>;
  keys: Pick<KeyRing, 'onChange'>;
}

/** Revocations kept for the snapshot a newly connected page receives. */
const REMEMBERED_REVOCATIONS = 200;

/**
 * Open dashboards' news of changes that leave no journal entry: revocations, journal clears,
 * fault rules added or removed and key changes (rotations, removals, grace periods ending), heard
 * from the parts that make them, so a change made in process (`server.revoke()`,
 * `journal.clear()`, `faults.add()`, `keys.rotate()`) shows as soon as one made over HTTP.
 * One per server, for the server's lifetime.
 */
export class DashboardFeed {
  // A broken dashboard connection must not fail the change that caused the event: Listeners skips a throwing one.
  #listeners = new Listeners<[FeedEvent]>();
  #subscribers = 0;
  #revocations: RevocationNote[] = [];

  constructor(sources: DashboardFeedSources) {
    sources.revocations.onRevoke((revocation) => this.#noteRevocation(revocation));
    sources.journal.onClear(() => this.#emit({ kind: 'cleared' }));
    sources.faults.onChange(() => this.noteChange());
    sources.keys.onChange(() => this.noteChange());
  }

  /** Calls the listener for every change from now on. Returns an unsubscribe function. */
  subscribe(listener: (event: FeedEvent) => void): () => void {
    // A closure of its own, so each subscription is counted and removed on its own.
    const remove = this.#listeners.add((event) => listener(event));
    this.#subscribers += 1;
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      this.#subscribers -= 1;
      remove();
    };
  }

  /** Open subscriptions (one per connected dashboard); for tests and diagnostics. */
  get subscribers(): number {
    return this.#subscribers;
  }

  /** The latest revocations, oldest first. */
  revocations(): readonly RevocationNote[] {
    return this.#revocations;
  }

  /**
   * Something changed that announces nothing itself (a client updated through the control API):
   * open dashboards re-read the state and send what differs.
   */
  noteChange(): void {
    this.#emit({ kind: 'changed' });
  }

  #noteRevocation(revocation: Revocation): void {
    // A token a fault made expire early is drawn as expired, from the journal's 401, not as revoked.
    if (revocation.reason !== 'revoked') return;
    const note: RevocationNote = 'jti' in revocation ? { time: revocation.time, jti: revocation.jti } : { time: revocation.time, clientId: revocation.clientId };
    this.#revocations.push(note);
    if (this.#revocations.length > REMEMBERED_REVOCATIONS) this.#revocations.shift();
    this.#emit({ kind: 'revoked', note });
  }

  #emit(event: FeedEvent): void {
    this.#listeners.notify(event);
  }
}
