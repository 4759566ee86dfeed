/**
 * The dashboard's event stream as a unit, without HTTP: the snapshot and its bound, live events
 * (the end of a key's grace period included), heartbeats, and that closing it (or a reader too
 * slow to keep up) removes every listener and never disturbs the journal or the clock.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Revocations } from '../../server/tokens/revocations.ts';
import { createClock } from '../../server/base/clock.ts';
import { DashboardFeed } from '../../server/dashboard/dashboard-feed.ts';
import { openEventStream, type EventStreamOptions, type EventStreamSource } from '../../server/dashboard/event-stream.ts';
import { FaultEngine } from '../../server/faults/fault-engine.ts';
import { Journal } from '../../server/journal/journal.ts';
import type { JournalEntryInput } from '../../server/journal/types.ts';
import { KeyRing } from '../../server/keys/key-ring.ts';

function entry(path = '/oauth2/v1/token'): JournalEntryInput {
  return { time: 1000, realTime: new Date(0).toISOString(), endpoint: 'token', method: 'POST', path, status: 200, durationMs: 1, endTime: 1000.001, requestHeaders: [], decision: 'issued', reason: 'test' };
}

/** A server's parts, on a virtual clock frozen at 1000 unless `clock` says otherwise. */
function source(clock = createClock({ start: 1000, frozen: true })): EventStreamSource & { revocations: Revocations } {
  // ES256: a rotation generates its key at once, without the RSA certificate's await.
  const keys = KeyRing.create('rfc9068', 'ES256', [], () => clock.nowMs() / 1000);
  const journal = new Journal({ capacity: 1000 });
  const faults = new FaultEngine(clock);
  const revocations = new Revocations();
  const feed = new DashboardFeed({ revocations, journal, faults, keys });
  return { journal, clock, faults, keys, feed, revocations };
}

/** Opens a stream and collects what it writes, parsed into events. */
function open(src: EventStreamSource, options?: EventStreamOptions) {
  const stream = openEventStream(src, options);
  let text = '';
  stream.body.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const events = () =>
    text
      .split('\n\n')
      .filter(Boolean)
      .map((block) => {
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        return { event: event ?? (block.startsWith(':') ? ':' : 'other'), data: data === undefined ? undefined : JSON.parse(data) };
      });
  return { stream, events, named: (name: string) => events().filter((e) => e.event === name).map((e) => e.data) };
}

/** Lets the PassThrough deliver what was written. */
const flush = () => new Promise((resolve) => setImmediate(resolve));

afterEach(() => {
  vi.useRealTimers();
});

describe('openEventStream', () => {
  it('starts with a retry hint and a snapshot of the last 200 entries, counting what it left out', async () => {
    const src = source();
    for (let i = 0; i < 250; i += 1) src.journal.record(entry(`/p${i}`));
    const { stream, events, named } = open(src);
    await flush();
    expect(events()[0]).toEqual({ event: 'other', data: undefined }); // "retry: 2000"
    const [snapshot] = named('snapshot');
    expect(snapshot.entries).toHaveLength(200);
    expect(snapshot.entries[0].seq).toBe(51);
    expect(snapshot.entries.at(-1).seq).toBe(250);
    expect(snapshot.omitted).toBe(50);
    expect(snapshot.clock).toMatchObject({ now: 1000, frozen: true });
    expect(snapshot.signing).toBe('understudy-1');
    expect(snapshot.keys).toEqual([{ kid: 'understudy-1' }]);
    expect(snapshot.faults).toEqual([]);
    expect(snapshot.revocations).toEqual([]);
    stream.close();
  });

  it('sends each new entry, clock change, fault change, key rotation and revocation as it happens', async () => {
    const src = source();
    const { stream, named } = open(src);
    src.journal.record(entry());
    src.clock.advance(60);
    src.faults.add({ preset: 'token.temporarily_unavailable' });
    await src.keys.rotate();
    src.revocations.revokeJti('abc', Number.POSITIVE_INFINITY, src.clock.nowSeconds());
    src.journal.clear();
    await flush();
    expect(named('entry').map((e) => e.seq)).toEqual([1]);
    expect(named('clock')).toEqual([{ now: 1060, offset: expect.any(Number), frozen: true }]);
    expect(named('faults').map((f) => f.faults.map((rule: { preset: string }) => rule.preset))).toEqual([['token.temporarily_unavailable']]);
    expect(named('keys')).toEqual([{ signing: 'understudy-2', keys: [{ kid: 'understudy-2' }, { kid: 'understudy-1', retiredAt: 1060 }] }]);
    expect(named('revoked')).toEqual([{ time: 1060, jti: 'abc' }]);
    expect(named('cleared')).toHaveLength(1);
    stream.close();
  });

  describe('the end of a grace period (the old key leaves the JWKS, so the page\'s key list)', () => {
    const onlyNewKey = { signing: 'understudy-2', keys: [{ kid: 'understudy-2' }] };

    it('is sent when advancing the clock ends it, to every open page, once', async () => {
      const src = source();
      await src.keys.rotate({ grace: 60 });
      const pages = [open(src), open(src)];
      src.clock.advance(59);
      await flush();
      for (const page of pages) expect(page.named('keys')).toEqual([]);
      src.clock.advance(1);
      await flush();
      for (const page of pages) {
        expect(page.named('keys')).toEqual([onlyNewKey]);
        page.stream.close();
      }
      expect(src.keys.jwks().keys.map((key) => key.kid)).toEqual(['understudy-2']);
    });

    it('is sent when setting or resuming the clock takes it past the end', async () => {
      const src = source();
      await src.keys.rotate({ grace: 60 });
      const { stream, named } = open(src);
      src.clock.set(1060);
      await flush();
      expect(named('keys')).toEqual([onlyNewKey]);
      stream.close();
    });

    it('is sent when a running clock gets there by itself, on a timer that close() clears', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
      const src = source(createClock({ start: 1000 }));
      await src.keys.rotate({ grace: 30 });
      const { stream, named } = open(src);
      vi.advanceTimersByTime(29_000);
      await flush();
      expect(named('keys')).toEqual([]);
      vi.advanceTimersByTime(1_001);
      await flush();
      expect(named('keys')).toEqual([onlyNewKey]);
      // A rotation while the page is open arms the timer for its own grace period.
      await src.keys.rotate({ grace: 10 });
      vi.advanceTimersByTime(10_001);
      await flush();
      expect(named('keys').at(-1)).toEqual({ signing: 'understudy-3', keys: [{ kid: 'understudy-3' }] });
      await src.keys.rotate({ grace: 10 });
      stream.close();
      expect(vi.getTimerCount()).toBe(0);
    });

    it('is sent when a request reading the keys notices it first (no clock event, no timer yet)', async () => {
      let real = 1_000_000;
      const src = source(createClock({ start: 1000, realNow: () => real }));
      await src.keys.rotate({ grace: 30 });
      const { stream, named } = open(src);
      real += 31_000;
      expect(src.keys.find('understudy-1')).toBeUndefined(); // as a verification does
      await flush();
      expect(named('keys')).toEqual([onlyNewKey]);
      stream.close();
    });

    it('a frozen clock ends no grace period, and arms no timer for one', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
      const src = source();
      await src.keys.rotate({ grace: 30 });
      const { stream, named } = open(src);
      expect(vi.getTimerCount()).toBe(0);
      vi.advanceTimersByTime(60_000);
      await flush();
      expect(named('keys')).toEqual([]);
      expect(src.keys.all().map((key) => key.kid)).toEqual(['understudy-2', 'understudy-1']);
      stream.close();
    });
  });

  it('repeats the fault list only when it changed (a rule applied), not on every entry', async () => {
    const src = source();
    src.faults.add({ preset: 'token.temporarily_unavailable' });
    const { stream, named } = open(src);
    src.journal.record(entry());
    src.feed.noteChange();
    src.faults.plan({ endpoint: 'token' } as never).nextAnswer()?.acted();
    src.journal.record(entry());
    await flush();
    expect(named('faults')).toHaveLength(1);
    expect(named('faults')[0].faults[0]).toMatchObject({ applied: 1 });
    stream.close();
  });

  it('sends a heartbeat comment every heartbeatMs', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const src = source();
    const { stream, events } = open(src, { heartbeatMs: 15_000 });
    const heartbeats = async () => {
      await flush();
      return events().filter((e) => e.event === ':').length;
    };
    vi.advanceTimersByTime(14_999);
    expect(await heartbeats()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(await heartbeats()).toBe(1);
    vi.advanceTimersByTime(15_000);
    expect(await heartbeats()).toBe(2);
    stream.close();
    vi.advanceTimersByTime(60_000);
    expect(await heartbeats()).toBe(2);
  });

  it('close() removes its journal, clock, key and feed listeners and ends the body', async () => {
    const src = source();
    const unsubscribed: string[] = [];
    const spy = <T extends object>(label: string, target: T, method: keyof T & string) => {
      const original = (target[method] as (...args: unknown[]) => () => void).bind(target);
      vi.spyOn(target, method as never).mockImplementation(((...args: unknown[]) => {
        const off = original(...args);
        return () => {
          unsubscribed.push(`${label}.${method}`);
          off();
        };
      }) as never);
    };
    spy('journal', src.journal, 'subscribe');
    spy('clock', src.clock, 'onChange');
    spy('keys', src.keys, 'onChange');
    spy('feed', src.feed, 'subscribe');
    const { stream, named } = open(src);
    expect(src.feed.subscribers).toBe(1);
    stream.close();
    stream.close();
    // The clock and the keys twice: the stream's clock events, and its watch on grace periods.
    expect(unsubscribed.sort()).toEqual(['clock.onChange', 'clock.onChange', 'feed.subscribe', 'journal.subscribe', 'keys.onChange']);
    expect(src.feed.subscribers).toBe(0);
    expect(stream.closed).toBe(true);
    src.journal.record(entry());
    src.clock.advance(1);
    await flush();
    expect(named('entry')).toEqual([]);
    expect(named('clock')).toEqual([]);
    expect(stream.body.writableEnded).toBe(true);
  });

  it('closes itself when the body is destroyed (the client went away)', async () => {
    const src = source();
    const { stream } = open(src);
    stream.body.destroy();
    await flush();
    expect(stream.closed).toBe(true);
    expect(src.feed.subscribers).toBe(0);
    expect(() => src.journal.record(entry())).not.toThrow();
  });

  it('drops a reader that falls too far behind, without costing the journal or the clock anything', async () => {
    const src = source();
    // Nobody reads this body, so what is written piles up.
    const stream = openEventStream(src, { maxBufferedBytes: 4096 });
    for (let i = 0; i < 200 && !stream.closed; i += 1) src.journal.record(entry(`/${'x'.repeat(200)}/${i}`));
    expect(stream.closed).toBe(true);
    expect(src.feed.subscribers).toBe(0);
    const recorded = src.journal.record(entry());
    expect(recorded.seq).toBe(src.journal.recorded);
    expect(() => src.clock.advance(5)).not.toThrow();
  });
});
