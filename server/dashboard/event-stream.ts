import { PassThrough } from 'node:stream';
import type { Clock, ClockState } from '../base/clock.ts';
import type { FaultEngine, FaultRuleView } from '../faults/fault-engine.ts';
import type { Journal } from '../journal/journal.ts';
import type { JournalEntry } from '../journal/types.ts';
import type { KeyRing } from '../keys/key-ring.ts';
import { watchGraceEnds } from '../keys/rotation-schedule.ts';
import type { DashboardFeed, RevocationNote } from './dashboard-feed.ts';

/** What an event stream reads and listens to: parts of one server. */
export interface EventStreamSource {
  journal: Journal;
  clock: Clock;
  faults: FaultEngine;
  keys: KeyRing;
  feed: DashboardFeed;
}

/** Tuning of an event stream; every field has a default. */
export interface EventStreamOptions {
  /** Most recent journal entries sent on connect. Default: 200. */
  snapshotSize?: number;
  /** Interval of the keep-alive comment, ms; proxies drop idle connections. Default: 15000. */
  heartbeatMs?: number;
  /**
   * Bytes a slow reader may leave unread before the stream is closed. The page's EventSource
   * then reconnects and starts again from a fresh snapshot, so a stalled tab costs bounded memory.
   * Default: 1 MiB.
   */
  maxBufferedBytes?: number;
}

/** A key that verifies, as the page lists it (the control API's GET /keys says the same). */
export interface KeyView {
  kid: string;
  /** Virtual time it stopped signing (epoch seconds), for a retired key. */
  retiredAt?: number;
  /** Virtual time it stops verifying, when its rotation had a grace period. */
  removeAt?: number;
}

/** What the page shows of the keys: the signing kid and every key that verifies, newest first. */
export interface KeysState {
  signing: string;
  keys: KeyView[];
}

/** The first event of every stream: what the page needs to draw itself from scratch. */
export interface DashboardSnapshot {
  entries: JournalEntry[];
  /** Journal entries older than `entries` that the snapshot left out (bounded), or dropped from memory. */
  omitted: number;
  clock: ClockState;
  faults: FaultRuleView[];
  /** kid of the signing key. */
  signing: string;
  /** Every key that verifies, newest first (the signing key first). */
  keys: KeyView[];
  revocations: readonly RevocationNote[];
}

/** Event names on the wire (the SSE `event:` field) and their data. */
export interface DashboardEvents {
  snapshot: DashboardSnapshot;
  entry: JournalEntry;
  clock: ClockState;
  faults: { faults: FaultRuleView[] };
  keys: KeysState;
  revoked: RevocationNote;
  cleared: Record<string, never>;
}

/** An open text/event-stream: the body to send, and how to end it. */
export interface EventStream {
  readonly body: PassThrough;
  /** Ends the stream and removes every listener it added (idempotent). */
  close(): void;
  readonly closed: boolean;
}

const DEFAULTS = { snapshotSize: 200, heartbeatMs: 15_000, maxBufferedBytes: 1024 * 1024 } as const;

/**
 * A server-sent event stream (WHATWG HTML §9.2) of what the dashboard shows: a snapshot of the
 * recent journal and state, then every journal entry as it is recorded, and clock, fault, key
 * (a grace period's end included) and revocation changes. Listeners are removed when the stream
 * closes, whoever closes it (the client going away, the server closing, a slow reader), and a
 * failure to write never reaches the journal, the clock or the control call that caused the event.
 */
export function openEventStream(source: EventStreamSource, options: EventStreamOptions = {}): EventStream {
  const snapshotSize = options.snapshotSize ?? DEFAULTS.snapshotSize;
  const heartbeatMs = options.heartbeatMs ?? DEFAULTS.heartbeatMs;
  const maxBufferedBytes = options.maxBufferedBytes ?? DEFAULTS.maxBufferedBytes;
  const body = new PassThrough();
  const cleanups: (() => void)[] = [];
  let closed = false;

  const close = () => {
    if (closed) return;
    closed = true;
    for (const cleanup of cleanups.splice(0)) cleanup();
    body.end();
  };

  const write = (chunk: string) => {
    if (closed) return;
    try {
      body.write(chunk);
      if (body.writableLength > maxBufferedBytes) close();
    } catch {
      close();
    }
  };

  const send = <K extends keyof DashboardEvents>(event: K, data: DashboardEvents[K]) => {
    // JSON.stringify escapes line breaks inside strings, so the data is one `data:` line.
    write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };

  const faultsState = () => source.faults.list();
  // Sent again only when something differs, so a burst of requests does not repeat the list.
  let lastFaults = JSON.stringify(faultsState());
  let lastKeys = JSON.stringify(keysState(source.keys));
  const sendChangedState = () => {
    const faults = faultsState();
    const faultsJson = JSON.stringify(faults);
    if (faultsJson !== lastFaults) {
      lastFaults = faultsJson;
      send('faults', { faults });
    }
    const keys = keysState(source.keys);
    const keysJson = JSON.stringify(keys);
    if (keysJson !== lastKeys) {
      lastKeys = keysJson;
      send('keys', keys);
    }
  };

  /** Wraps a listener so that nothing it does can throw into the emitter that calls it. */
  const guarded =
    <A extends unknown[]>(listener: (...args: A) => void) =>
    (...args: A) => {
      try {
        listener(...args);
      } catch {
        close();
      }
    };

  const all = source.journal.entries();
  const entries = all.slice(-snapshotSize);
  write(`retry: 2000\n\n`);
  send('snapshot', {
    entries,
    omitted: all.length - entries.length + source.journal.dropped,
    clock: source.clock.state(),
    faults: JSON.parse(lastFaults) as FaultRuleView[],
    ...(JSON.parse(lastKeys) as KeysState),
    revocations: source.feed.revocations(),
  });

  cleanups.push(
    source.journal.subscribe(
      guarded((entry: JournalEntry) => {
        send('entry', entry);
        // Counters of the rules that acted, or a key rotated on schedule inside this request.
        sendChangedState();
      }),
    ),
  );
  cleanups.push(source.clock.onChange(guarded((state: ClockState) => send('clock', state))));
  // After the clock listener, so a page hears of the clock move before the keys it ended.
  cleanups.push(watchGraceEnds(source.keys, source.clock));
  cleanups.push(
    source.feed.subscribe(
      guarded((event) => {
        if (event.kind === 'revoked') send('revoked', event.note);
        else if (event.kind === 'cleared') send('cleared', {});
        else sendChangedState();
      }),
    ),
  );
  const heartbeat = setInterval(() => write(`: heartbeat\n\n`), heartbeatMs);
  heartbeat.unref();
  cleanups.push(() => clearInterval(heartbeat));

  body.on('close', close);
  body.on('error', close);
  return {
    body,
    close,
    get closed() {
      return closed;
    },
  };
}

function keysState(keys: KeyRing): KeysState {
  return {
    signing: keys.current.kid,
    keys: keys.all().map(({ kid, retiredAt, removeAt }) => ({ kid, retiredAt, removeAt })),
  };
}
