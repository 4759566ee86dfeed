import { setTimeout as sleep } from 'node:timers/promises';
import type { JournalEntry, JournalEntryInput, JournalQuery } from './types.ts';
import { Listeners } from '../base/listeners.ts';

/** Real milliseconds between looks at the requests in flight while draining. */
const DRAIN_POLL_MS = 5;

/** A sink receives every entry as it is recorded (e.g. a JSON Lines file). */
export interface JournalSink {
  write(entry: JournalEntry): void;
  close(): Promise<void>;
}

/** How a `Journal` is bounded in memory and where else its entries go. */
export interface JournalOptions {
  /** Most entries kept in memory; older ones are dropped and counted in `dropped`. */
  capacity: number;
  /** Receive every entry as it is recorded, e.g. the JSON Lines file of `journal.file`. */
  sinks?: JournalSink[];
}

/**
 * The journal at one moment, as `journal.snapshot()` and GET /_understudy/journal return it; a
 * non-zero `dropped` warns that older entries an assertion may need are gone.
 */
export interface JournalSnapshot {
  entries: JournalEntry[];
  /** Entries dropped from memory since the last clear because the bound was reached. */
  dropped: number;
}

/**
 * The record of every request the server answered: the single source of truth for
 * assertions, the dashboard and reports. Bounded in memory as a ring buffer, so recording is
 * O(1) and memory is flat however long the server runs.
 */
export class Journal {
  readonly capacity: number;
  #ring: (JournalEntry | undefined)[];
  #start = 0;
  #size = 0;
  #dropped = 0;
  #seq = 0;
  #sinks: JournalSink[];
  #listeners = new Listeners<[JournalEntry]>();
  #clearListeners = new Listeners();
  #inFlight = 0;
  /** Waiters of `drained()`, woken whenever a request in flight ends. */
  #drainWaiters = new Set<() => void>();
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(options: JournalOptions) {
    if (!Number.isInteger(options.capacity) || options.capacity < 1) {
      throw new RangeError(`journal capacity must be a positive integer, got ${String(options.capacity)}`);
    }
    this.capacity = options.capacity;
    this.#ring = new Array(options.capacity);
    this.#sinks = options.sinks ?? [];
  }

  /** Records an entry, giving it the next sequence number, and returns it. */
  record(input: JournalEntryInput): JournalEntry {
    // The journal numbers entries; a seq in the input (a re-recorded entry) must not win.
    const seq = ++this.#seq;
    const entry: JournalEntry = Object.assign({ seq }, input, { seq });
    if (this.#size < this.capacity) {
      this.#ring[(this.#start + this.#size) % this.capacity] = entry;
      this.#size += 1;
    } else {
      this.#ring[this.#start] = entry;
      this.#start = (this.#start + 1) % this.capacity;
      this.#dropped += 1;
    }
    if (!this.#closed) for (const sink of this.#sinks) sink.write(entry);
    // A faulty subscriber (e.g. a closed SSE stream) must never cost the journal an entry.
    this.#listeners.notify(entry);
    return entry;
  }

  get size(): number {
    return this.#size;
  }

  get dropped(): number {
    return this.#dropped;
  }

  /** Total entries ever recorded, including dropped ones. */
  get recorded(): number {
    return this.#seq;
  }

  /** Entries in recording order, filtered by the query. */
  entries(query: JournalQuery = {}): JournalEntry[] {
    const result: JournalEntry[] = [];
    for (let i = 0; i < this.#size; i += 1) {
      const entry = this.#ring[(this.#start + i) % this.capacity] as JournalEntry;
      if (matches(entry, query)) result.push(entry);
    }
    return result;
  }

  snapshot(query: JournalQuery = {}): JournalSnapshot {
    return { entries: this.entries(query), dropped: this.#dropped };
  }

  /** Empties the in-memory journal. Sequence numbers keep increasing so cursors stay valid. */
  clear(): void {
    this.#ring = new Array(this.capacity);
    this.#start = 0;
    this.#size = 0;
    this.#dropped = 0;
    this.#clearListeners.notify();
  }

  /** Calls the listener every time the journal is cleared. Returns an unsubscribe function. */
  onClear(listener: () => void): () => void {
    return this.#clearListeners.add(listener);
  }

  /** Calls the listener for every entry recorded from now on. Returns an unsubscribe function. */
  subscribe(listener: (entry: JournalEntry) => void): () => void {
    return this.#listeners.add(listener);
  }

  /**
   * Marks a request whose entry is still to come; call the returned function once it is
   * recorded (or will not be). `close()` waits for these, so a request still being answered when
   * the server stops keeps its line in the journal file.
   */
  begin(): () => void {
    this.#inFlight += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.#inFlight -= 1;
      for (const wake of this.#drainWaiters) wake();
    };
  }

  /** Requests begun and not yet recorded. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Waits until no request is in flight but the `excused` ones (e.g. those a hang rule holds), or
   * until `done()` says so, at most `timeoutMs` real milliseconds. Resolves true when that
   * happened in time.
   */
  async drained(timeoutMs: number, excused: () => number = () => 0, done: () => boolean = () => false): Promise<boolean> {
    // node:timers, not the globals: a harness may have faked the global timers for its client.
    const deadline = performance.now() + timeoutMs;
    while (this.#inFlight - excused() > 0 && !done()) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      // Woken at once when a request ends (so close() resolves as soon as the last one is
      // journaled); the poll catches what changes outside the journal (a hold beginning or ending).
      let wake: () => void = () => {};
      const woken = new Promise<void>((resolve) => (wake = resolve));
      this.#drainWaiters.add(wake);
      const poll = new AbortController();
      try {
        await Promise.race([woken, sleep(Math.min(DRAIN_POLL_MS, left), undefined, { signal: poll.signal }).catch(() => undefined)]);
      } finally {
        this.#drainWaiters.delete(wake);
        poll.abort();
      }
    }
    return true;
  }

  /**
   * Waits for the requests in flight to be recorded (at most `drainMs`), then flushes and closes
   * the sinks. Entries recorded later stay in memory only. Calling it again returns the same
   * promise.
   */
  close(drainMs = 5_000): Promise<void> {
    this.#closing ??= (async () => {
      await this.drained(drainMs);
      this.#closed = true;
      await Promise.all(this.#sinks.map((sink) => sink.close()));
      this.#listeners.clear();
    })();
    return this.#closing;
  }
}

function matches(entry: JournalEntry, query: JournalQuery): boolean {
  if (query.since !== undefined && entry.seq <= query.since) return false;
  if (query.after !== undefined && entry.time < query.after) return false;
  if (query.endpoint !== undefined && !query.endpoint.includes(entry.endpoint)) return false;
  if (query.client !== undefined && entry.clientId !== query.client) return false;
  return true;
}
