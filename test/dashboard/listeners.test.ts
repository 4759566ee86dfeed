/**
 * What an open dashboard listens to (the virtual clock, the dashboard feed) tells its listeners
 * through the one `Listeners` type, so they all skip a listener that throws the same way: a
 * broken page connection can neither fail the change (a clock advance from the control API) nor
 * keep the other pages from hearing of it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Revocations } from '../../server/tokens/revocations.ts';
import { createClock, type ClockState } from '../../server/base/clock.ts';
import { DashboardFeed, type FeedEvent } from '../../server/dashboard/dashboard-feed.ts';
import { FaultEngine } from '../../server/faults/fault-engine.ts';
import { Journal } from '../../server/journal/journal.ts';
import { Listeners } from '../../server/base/listeners.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

const broken = () => {
  throw new Error('broken connection');
};

function feedOf(clock = createClock({ start: 1000, frozen: true })) {
  const journal = new Journal({ capacity: 10 });
  return { journal, feed: new DashboardFeed({ revocations: new Revocations(), journal, faults: new FaultEngine(clock), keys: { onChange: () => () => undefined } }) };
}

describe('the clock and the dashboard feed notify through Listeners', () => {
  it('a clock listener that throws fails neither the change nor the listeners after it', () => {
    const clock = createClock({ start: 1000, frozen: true });
    const before: ClockState[] = [];
    const after: ClockState[] = [];
    clock.onChange((state) => before.push(state));
    clock.onChange(broken);
    clock.onChange((state) => after.push(state));
    expect(clock.advance(60)).toMatchObject({ now: 1060 });
    expect(() => clock.set(2000)).not.toThrow();
    expect(clock.nowSeconds()).toBe(2000);
    expect(before.map((state) => state.now)).toEqual([1060, 2000]);
    expect(after).toEqual(before);
  });

  it('the clock and the feed hand their changes to Listeners.notify (one implementation of "skip a throwing listener")', () => {
    const notify = vi.spyOn(Listeners.prototype, 'notify');
    const clock = createClock({ start: 1000, frozen: true });
    const { journal, feed } = feedOf(clock);
    const clockStates: ClockState[] = [];
    const events: FeedEvent[] = [];
    clock.onChange((state) => clockStates.push(state));
    feed.subscribe((event) => events.push(event));
    notify.mockClear();
    clock.advance(1);
    journal.clear();
    const notified = notify.mock.calls.map((args) => args[0]);
    expect(notified).toContainEqual(clockStates[0]);
    expect(notified).toContainEqual({ kind: 'cleared' });
    expect(events).toEqual([{ kind: 'cleared' }]);
  });

  it('feed subscriptions are counted and removed one by one, unsubscribing twice is harmless', () => {
    const { journal, feed } = feedOf();
    const calls: string[] = [];
    const offA = feed.subscribe(() => calls.push('a'));
    const offB = feed.subscribe(broken);
    feed.subscribe(() => calls.push('c'));
    expect(feed.subscribers).toBe(3);
    expect(() => journal.clear()).not.toThrow();
    expect(calls).toEqual(['a', 'c']);
    offA();
    offA();
    offB();
    expect(feed.subscribers).toBe(1);
    journal.clear();
    expect(calls).toEqual(['a', 'c', 'c']);
  });
});
