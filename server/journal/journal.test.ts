import { describe, expect, it, vi } from 'vitest';
import { Journal, type JournalSink } from './journal.ts';
import { ENDPOINTS, type Endpoint, type JournalEntry, type JournalEntryInput } from './types.ts';

function input(overrides: Partial<JournalEntryInput> = {}): JournalEntryInput {
  return {
    time: 1_700_000_000,
    realTime: '2023-11-14T22:13:20.000Z',
    endpoint: 'token',
    method: 'POST',
    path: '/oauth2/v1/token',
    status: 200,
    durationMs: 3,
    endTime: 1_700_000_000.003,
    requestHeaders: ['authorization', 'content-type'],
    decision: 'issued',
    reason: 'client credentials accepted',
    ...overrides,
  };
}

/** Records `count` entries whose `path` is `/n/<i>` (1-based) so order is visible. */
function recordMany(journal: Journal, count: number, start = 1): JournalEntry[] {
  const out: JournalEntry[] = [];
  for (let i = start; i < start + count; i += 1) out.push(journal.record(input({ path: `/n/${i}`, time: 1_000 + i })));
  return out;
}

const paths = (entries: JournalEntry[]) => entries.map((e) => e.path);

describe('Journal', () => {
  describe('constructor', () => {
    it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects capacity %s with a RangeError', (capacity) => {
      expect(() => new Journal({ capacity })).toThrow(RangeError);
      expect(() => new Journal({ capacity })).toThrow(/capacity must be a positive integer/);
    });

    it('rejects a non-number capacity', () => {
      expect(() => new Journal({ capacity: '10' as unknown as number })).toThrow(RangeError);
    });

    it('accepts a positive integer capacity and starts empty', () => {
      const journal = new Journal({ capacity: 3 });
      expect(journal.capacity).toBe(3);
      expect(journal.size).toBe(0);
      expect(journal.dropped).toBe(0);
      expect(journal.recorded).toBe(0);
      expect(journal.entries()).toEqual([]);
      expect(journal.snapshot()).toEqual({ entries: [], dropped: 0 });
    });
  });

  describe('record', () => {
    it('returns the entry with the next sequence number and all given fields', () => {
      const journal = new Journal({ capacity: 10 });
      const given = input({ clientId: 'demo-client', scope: 'a b', issued: { jti: 'j1', exp: 5 } });
      const entry = journal.record(given);
      expect(entry).toEqual({ seq: 1, ...given });
      expect(journal.entries()).toEqual([entry]);
    });

    it('assigns strictly increasing sequence numbers starting at 1', () => {
      const journal = new Journal({ capacity: 10 });
      const entries = recordMany(journal, 5);
      expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(journal.recorded).toBe(5);
      expect(journal.size).toBe(5);
      expect(journal.dropped).toBe(0);
    });

    it('the journal assigns seq even when the input object carries one (e.g. re-recording an entry)', () => {
      const journal = new Journal({ capacity: 10 });
      const first = journal.record(input({ path: '/first' }));
      // A JournalEntry is assignable to JournalEntryInput, so this type-checks.
      const second = journal.record(first);
      expect(second.seq).toBe(2);
      expect(journal.entries().map((e) => e.seq)).toEqual([1, 2]);
      expect(journal.entries({ since: 1 })).toHaveLength(1);
    });
  });

  describe('ring buffer bound', () => {
    it('keeps exactly capacity entries when filled to capacity', () => {
      const journal = new Journal({ capacity: 4 });
      recordMany(journal, 4);
      expect(journal.size).toBe(4);
      expect(journal.dropped).toBe(0);
      expect(paths(journal.entries())).toEqual(['/n/1', '/n/2', '/n/3', '/n/4']);
    });

    it.each([1, 3, 4, 5, 11])('capacity 4, record 4 + %i: keeps the last 4 in order and counts the dropped', (k) => {
      const journal = new Journal({ capacity: 4 });
      recordMany(journal, 4 + k);
      const kept = journal.entries();
      expect(kept).toHaveLength(4);
      expect(kept.map((e) => e.seq)).toEqual([k + 1, k + 2, k + 3, k + 4]);
      expect(paths(kept)).toEqual([`/n/${k + 1}`, `/n/${k + 2}`, `/n/${k + 3}`, `/n/${k + 4}`]);
      expect(journal.size).toBe(4);
      expect(journal.dropped).toBe(k);
      expect(journal.recorded).toBe(4 + k);
      expect(journal.snapshot().dropped).toBe(k);
    });

    it('capacity 1 keeps only the latest entry', () => {
      const journal = new Journal({ capacity: 1 });
      recordMany(journal, 3);
      expect(paths(journal.entries())).toEqual(['/n/3']);
      expect(journal.dropped).toBe(2);
    });

    it('entries() returns a fresh array that callers cannot use to corrupt the journal', () => {
      const journal = new Journal({ capacity: 3 });
      recordMany(journal, 2);
      const first = journal.entries();
      first.pop();
      first.push(input() as JournalEntry);
      expect(paths(journal.entries())).toEqual(['/n/1', '/n/2']);
    });
  });

  describe('clear', () => {
    it('empties memory and resets dropped, but seq keeps increasing', () => {
      const journal = new Journal({ capacity: 2 });
      recordMany(journal, 5);
      expect(journal.dropped).toBe(3);
      journal.clear();
      expect(journal.size).toBe(0);
      expect(journal.entries()).toEqual([]);
      expect(journal.dropped).toBe(0);
      expect(journal.recorded).toBe(5);

      const next = journal.record(input({ path: '/after' }));
      expect(next.seq).toBe(6);
      expect(journal.entries()).toEqual([next]);
      expect(journal.recorded).toBe(6);
    });

    it('the ring works normally after clear (wraps again from a clean state)', () => {
      const journal = new Journal({ capacity: 3 });
      recordMany(journal, 4);
      journal.clear();
      recordMany(journal, 5, 100);
      expect(paths(journal.entries())).toEqual(['/n/102', '/n/103', '/n/104']);
      expect(journal.entries().map((e) => e.seq)).toEqual([7, 8, 9]);
      expect(journal.dropped).toBe(2);
    });

    it('a since-cursor taken before clear still works after it', () => {
      const journal = new Journal({ capacity: 10 });
      recordMany(journal, 3);
      const cursor = journal.recorded;
      journal.clear();
      recordMany(journal, 2, 50);
      expect(paths(journal.entries({ since: cursor }))).toEqual(['/n/50', '/n/51']);
    });
  });

  describe('filters', () => {
    function mixed(): Journal {
      const journal = new Journal({ capacity: 100 });
      journal.record(input({ time: 100, endpoint: 'token', clientId: 'a', path: '/1' }));
      journal.record(input({ time: 200, endpoint: 'api', clientId: 'b', path: '/2' }));
      journal.record(input({ time: 300, endpoint: 'jwks', path: '/3' }));
      journal.record(input({ time: 300.5, endpoint: 'token', clientId: 'b', path: '/4' }));
      journal.record(input({ time: 400, endpoint: 'api', clientId: 'a', path: '/5' }));
      return journal;
    }

    it('no query returns everything in recording order', () => {
      expect(paths(mixed().entries())).toEqual(['/1', '/2', '/3', '/4', '/5']);
      expect(paths(mixed().entries({}))).toEqual(['/1', '/2', '/3', '/4', '/5']);
    });

    it('since is an exclusive seq cursor', () => {
      const journal = mixed();
      expect(paths(journal.entries({ since: 0 }))).toEqual(['/1', '/2', '/3', '/4', '/5']);
      expect(paths(journal.entries({ since: 2 }))).toEqual(['/3', '/4', '/5']);
      expect(paths(journal.entries({ since: 5 }))).toEqual([]);
      expect(paths(journal.entries({ since: 1000 }))).toEqual([]);
    });

    it('since works on seq even after older entries were dropped', () => {
      const journal = new Journal({ capacity: 3 });
      recordMany(journal, 6); // keeps seq 4..6
      expect(journal.entries({ since: 1 }).map((e) => e.seq)).toEqual([4, 5, 6]);
      expect(journal.entries({ since: 5 }).map((e) => e.seq)).toEqual([6]);
    });

    it('after is an inclusive virtual-time bound', () => {
      const journal = mixed();
      expect(paths(journal.entries({ after: 300 }))).toEqual(['/3', '/4', '/5']);
      expect(paths(journal.entries({ after: 300.1 }))).toEqual(['/4', '/5']);
      expect(paths(journal.entries({ after: 0 }))).toEqual(['/1', '/2', '/3', '/4', '/5']);
      expect(paths(journal.entries({ after: 401 }))).toEqual([]);
    });

    it('after filters on virtual time, not on recording order', () => {
      const journal = new Journal({ capacity: 10 });
      journal.record(input({ time: 500, path: '/late' }));
      journal.record(input({ time: 100, path: '/early' })); // the clock was set back
      expect(paths(journal.entries({ after: 200 }))).toEqual(['/late']);
    });

    it('endpoint keeps entries whose endpoint is in the list', () => {
      const journal = mixed();
      expect(paths(journal.entries({ endpoint: ['token'] }))).toEqual(['/1', '/4']);
      expect(paths(journal.entries({ endpoint: ['api', 'jwks'] }))).toEqual(['/2', '/3', '/5']);
      expect(paths(journal.entries({ endpoint: ['revoke'] }))).toEqual([]);
      expect(paths(journal.entries({ endpoint: [] }))).toEqual([]);
      expect(paths(journal.entries({ endpoint: [...ENDPOINTS] }))).toHaveLength(5);
    });

    it('client matches clientId exactly; entries without a client never match', () => {
      const journal = mixed();
      expect(paths(journal.entries({ client: 'a' }))).toEqual(['/1', '/5']);
      expect(paths(journal.entries({ client: 'b' }))).toEqual(['/2', '/4']);
      expect(paths(journal.entries({ client: 'A' }))).toEqual([]);
      expect(paths(journal.entries({ client: '' }))).toEqual([]);
    });

    it('combined filters are ANDed', () => {
      const journal = mixed();
      expect(paths(journal.entries({ endpoint: ['token', 'api'], client: 'b' }))).toEqual(['/2', '/4']);
      expect(paths(journal.entries({ endpoint: ['token', 'api'], client: 'b', since: 2 }))).toEqual(['/4']);
      expect(paths(journal.entries({ endpoint: ['api'], after: 250 }))).toEqual(['/5']);
      expect(paths(journal.entries({ client: 'a', after: 100, since: 1 }))).toEqual(['/5']);
    });

    it('snapshot applies the query and reports dropped', () => {
      const journal = new Journal({ capacity: 2 });
      journal.record(input({ endpoint: 'token', path: '/1' }));
      journal.record(input({ endpoint: 'api', path: '/2' }));
      journal.record(input({ endpoint: 'token', path: '/3' }));
      const snap = journal.snapshot({ endpoint: ['token'] });
      expect(paths(snap.entries)).toEqual(['/3']);
      expect(snap.dropped).toBe(1);
    });
  });

  describe('subscribe', () => {
    it('calls subscribers with every entry recorded after subscribing', () => {
      const journal = new Journal({ capacity: 5 });
      journal.record(input({ path: '/before' }));
      const seen: JournalEntry[] = [];
      journal.subscribe((e) => seen.push(e));
      const a = journal.record(input({ path: '/a' }));
      const b = journal.record(input({ path: '/b' }));
      expect(seen).toEqual([a, b]);
    });

    it('the entry is already in the journal when subscribers are called', () => {
      const journal = new Journal({ capacity: 5 });
      let inJournal = false;
      journal.subscribe((e) => {
        inJournal = journal.entries().some((x) => x.seq === e.seq);
      });
      journal.record(input());
      expect(inJournal).toBe(true);
    });

    it('subscribers see entries even after the ring wraps', () => {
      const journal = new Journal({ capacity: 1 });
      const listener = vi.fn();
      journal.subscribe(listener);
      recordMany(journal, 3);
      expect(listener).toHaveBeenCalledTimes(3);
      expect(listener.mock.calls.map(([e]) => (e as JournalEntry).seq)).toEqual([1, 2, 3]);
    });

    it('unsubscribe stops only that subscriber', () => {
      const journal = new Journal({ capacity: 5 });
      const kept = vi.fn();
      const removed = vi.fn();
      journal.subscribe(kept);
      const unsubscribe = journal.subscribe(removed);
      journal.record(input());
      unsubscribe();
      journal.record(input());
      expect(removed).toHaveBeenCalledTimes(1);
      expect(kept).toHaveBeenCalledTimes(2);
      expect(() => unsubscribe()).not.toThrow();
    });

    it('a throwing subscriber does not lose the entry nor stop other subscribers', () => {
      const journal = new Journal({ capacity: 5 });
      const before = vi.fn();
      const after = vi.fn();
      journal.subscribe(before);
      journal.subscribe(() => {
        throw new Error('stream closed');
      });
      journal.subscribe(after);
      let returned: JournalEntry | undefined;
      expect(() => {
        returned = journal.record(input({ path: '/x' }));
      }).not.toThrow();
      expect(returned?.seq).toBe(1);
      expect(paths(journal.entries())).toEqual(['/x']);
      expect(before).toHaveBeenCalledTimes(1);
      expect(after).toHaveBeenCalledTimes(1);
      // and recording continues normally
      journal.record(input({ path: '/y' }));
      expect(paths(journal.entries())).toEqual(['/x', '/y']);
      expect(after).toHaveBeenCalledTimes(2);
    });
  });

  describe('sinks and close', () => {
    function memorySink() {
      const written: JournalEntry[] = [];
      let closed = 0;
      const sink: JournalSink = {
        write: (e) => {
          written.push(e);
        },
        close: async () => {
          closed += 1;
        },
      };
      return { sink, written, closed: () => closed };
    }

    it('writes every recorded entry to every sink, including ones later dropped from memory', () => {
      const one = memorySink();
      const two = memorySink();
      const journal = new Journal({ capacity: 2, sinks: [one.sink, two.sink] });
      const entries = recordMany(journal, 4);
      expect(one.written).toEqual(entries);
      expect(two.written).toEqual(entries);
      expect(journal.entries()).toHaveLength(2);
    });

    it('close closes every sink and removes subscribers', async () => {
      const one = memorySink();
      const two = memorySink();
      const journal = new Journal({ capacity: 2, sinks: [one.sink, two.sink] });
      const listener = vi.fn();
      journal.subscribe(listener);
      await journal.close();
      expect(one.closed()).toBe(1);
      expect(two.closed()).toBe(1);
      journal.record(input());
      expect(listener).not.toHaveBeenCalled();
    });

    it('close waits for slow sinks', async () => {
      let release!: () => void;
      const slow: JournalSink = {
        write: () => {},
        close: () =>
          new Promise<void>((resolve) => {
            release = resolve;
          }),
      };
      const journal = new Journal({ capacity: 2, sinks: [slow] });
      let done = false;
      const closing = journal.close().then(() => {
        done = true;
      });
      await Promise.resolve();
      await Promise.resolve();
      expect(done).toBe(false);
      release();
      await closing;
      expect(done).toBe(true);
    });

    it('close rejects when a sink fails to close', async () => {
      const bad: JournalSink = { write: () => {}, close: () => Promise.reject(new Error('disk full')) };
      const journal = new Journal({ capacity: 2, sinks: [bad] });
      await expect(journal.close()).rejects.toThrow('disk full');
    });

    it('close with no sinks resolves', async () => {
      await expect(new Journal({ capacity: 1 }).close()).resolves.toBeUndefined();
    });
  });

  it('ENDPOINTS lists every Endpoint once', () => {
    const expected: Endpoint[] = ['token', 'api', 'jwks', 'discovery', 'introspect', 'revoke', 'authorize', 'login', 'consent', 'userinfo', 'logout', 'other'];
    expect([...ENDPOINTS].sort()).toEqual([...expected].sort());
    expect(new Set(ENDPOINTS).size).toBe(ENDPOINTS.length);
  });
});

describe('Journal.close with requests in flight', () => {
  const entry = input();

  function memorySink() {
    const written: number[] = [];
    let closed = false;
    return {
      written,
      isClosed: () => closed,
      sink: {
        write: (e: JournalEntry) => {
          if (closed) throw new Error('write after close');
          written.push(e.seq);
        },
        close: async () => {
          closed = true;
        },
      },
    };
  }

  it('waits for a begun request to be recorded before closing the sinks', async () => {
    const memory = memorySink();
    const journal = new Journal({ capacity: 10, sinks: [memory.sink] });
    const done = journal.begin();
    expect(journal.inFlight).toBe(1);
    const closing = journal.close();
    await Promise.resolve();
    expect(memory.isClosed()).toBe(false);
    journal.record(entry);
    done();
    await closing;
    expect(memory.written).toEqual([1]);
    expect(memory.isClosed()).toBe(true);
  });

  it('a second close() while draining returns the same promise, and both end when the entry is recorded', async () => {
    const memory = memorySink();
    const journal = new Journal({ capacity: 10, sinks: [memory.sink] });
    const done = journal.begin();
    const first = journal.close();
    const second = journal.close();
    expect(second).toBe(first);
    journal.record(entry);
    done();
    await Promise.all([first, second]);
    expect(memory.written).toEqual([1]);
  });

  it('gives up waiting after drainMs; a late entry stays in memory and never reaches a closed sink', async () => {
    const memory = memorySink();
    const journal = new Journal({ capacity: 10, sinks: [memory.sink] });
    const done = journal.begin();
    await journal.close(5);
    expect(memory.isClosed()).toBe(true);
    journal.record(entry);
    done();
    done();
    expect(journal.inFlight).toBe(0);
    expect(memory.written).toEqual([]);
    expect(journal.size).toBe(1);
  });
});
