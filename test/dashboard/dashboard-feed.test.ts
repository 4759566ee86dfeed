/**
 * The dashboard feed hears changes from the parts that make them (revocations, the journal, the
 * fault engine), so a change made in process reaches open pages like one made over HTTP.
 */
import { describe, expect, it } from 'vitest';
import { Revocations } from '../../server/tokens/revocations.ts';
import { createClock } from '../../server/base/clock.ts';
import { DashboardFeed, type FeedEvent } from '../../server/dashboard/dashboard-feed.ts';
import { FaultEngine } from '../../server/faults/fault-engine.ts';
import { Journal } from '../../server/journal/journal.ts';

function feed() {
  const clock = createClock({ start: 1000, frozen: true });
  const revocations = new Revocations();
  const journal = new Journal({ capacity: 10 });
  const faults = new FaultEngine(clock);
  const dashboardFeed = new DashboardFeed({ revocations, journal, faults, keys: { onChange: () => () => true } });
  const events: FeedEvent[] = [];
  dashboardFeed.subscribe((event) => events.push(event));
  return { revocations, journal, faults, feed: dashboardFeed, events };
}

describe('DashboardFeed', () => {
  it('relays a revocation by jti and by client, and remembers them for the next snapshot', () => {
    const { revocations, feed: dashboardFeed, events } = feed();
    revocations.revokeJti('abc', 2000, 1000);
    revocations.revokeClient('app', 1005);
    expect(events).toEqual([
      { kind: 'revoked', note: { time: 1000, jti: 'abc' } },
      { kind: 'revoked', note: { time: 1005, clientId: 'app' } },
    ]);
    expect(dashboardFeed.revocations()).toEqual([{ time: 1000, jti: 'abc' }, { time: 1005, clientId: 'app' }]);
  });

  it('relays a revocation once, not again each time a fault revokes the same token', () => {
    const { revocations, events } = feed();
    for (let i = 0; i < 3; i += 1) revocations.revokeJti('abc', 2000, 1000 + i);
    expect(events).toHaveLength(1);
  });

  it('leaves out tokens a fault made expire early: the page draws those as expired, not revoked', () => {
    const { revocations, feed: dashboardFeed, events } = feed();
    revocations.revokeJti('abc', 2000, 1000, 'expired');
    expect(events).toEqual([]);
    expect(dashboardFeed.revocations()).toEqual([]);
  });

  it('relays a journal clear and each fault rule added or removed', () => {
    const { journal, faults, events } = feed();
    journal.clear();
    const rule = faults.add({ preset: 'token.temporarily_unavailable' });
    faults.remove(rule.id);
    faults.remove(rule.id);
    expect(events).toEqual([{ kind: 'cleared' }, { kind: 'changed' }, { kind: 'changed' }]);
  });

  it('a listener that throws does not fail the change, nor stop the other listeners', () => {
    const { revocations, journal, feed: dashboardFeed, events } = feed();
    dashboardFeed.subscribe(() => {
      throw new Error('broken connection');
    });
    const after: FeedEvent[] = [];
    dashboardFeed.subscribe((event) => after.push(event));
    expect(() => revocations.revokeClient('app', 1000)).not.toThrow();
    expect(() => journal.clear()).not.toThrow();
    expect(events).toHaveLength(2);
    expect(after).toHaveLength(2);
  });
});
