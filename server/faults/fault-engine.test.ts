import { describe, expect, it, vi } from 'vitest';
import { createClock, type Clock } from '../base/clock.ts';
import { FaultEngine, FaultRuleError, type Firing } from './fault-engine.ts';
import { presetNames } from './presets.ts';
import type { RequestFacts } from './request-facts.ts';

/** A virtual clock over a fake real-time source the test moves by hand. */
function fakeClock(startMs = 1_900_000_000_000): { clock: Clock; tick(seconds: number): void } {
  let real = startMs;
  const clock = createClock({ realNow: () => real });
  return { clock, tick: (seconds) => (real += seconds * 1000) };
}

function tokenFacts(overrides: Partial<RequestFacts> = {}): RequestFacts {
  return { endpoint: 'token', method: 'POST', path: '/oauth2/v1/token', clientId: 'demo-client', grantType: 'client_credentials', header: () => undefined, ...overrides };
}

const apiFacts = (overrides: Partial<RequestFacts> = {}): RequestFacts => ({ endpoint: 'api', method: 'GET', path: '/hcm/emps', route: 'hcm', header: () => undefined, ...overrides });

function engine(): { engine: FaultEngine; tick(seconds: number): void; clock: Clock } {
  const { clock, tick } = fakeClock();
  return { engine: new FaultEngine(clock), tick, clock };
}

/**
 * Every rule that fires for the request, as if it reached every step and none answered (the
 * answering ones all tried in turn), each counted as applied.
 */
function decide(e: FaultEngine, facts: RequestFacts): Firing[] {
  const plan = e.plan(facts);
  const fired = [...plan.now, ...plan.later.map((deferred) => deferred.reach()).filter((firing) => firing !== undefined)];
  for (let next = plan.nextAnswer(); next; next = plan.nextAnswer()) fired.push(next);
  for (const firing of fired) firing.acted();
  return fired.sort((a, b) => order(e, a) - order(e, b));
}

const order = (e: FaultEngine, firing: Firing) => e.list().findIndex((rule) => rule.id === firing.rule.id);

/** Which of n requests (1-based) the rule fired on. */
function firedOn(e: FaultEngine, n: number, facts: () => RequestFacts = () => tokenFacts()): number[] {
  const fired: number[] = [];
  for (let i = 1; i <= n; i += 1) if (decide(e, facts()).length > 0) fired.push(i);
  return fired;
}

function ruleError(fn: () => unknown): FaultRuleError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(FaultRuleError);
    return error as FaultRuleError;
  }
  throw new Error('expected a FaultRuleError');
}

describe('FaultEngine.add: presets', () => {
  it('expands a preset into its match and action, keeping the preset name', () => {
    const { engine: e, clock } = engine();
    const rule = e.add({ preset: 'token.rate_limited' });
    expect(rule).toMatchObject({
      id: 'f1',
      preset: 'token.rate_limited',
      description: 'the token endpoint rate-limits the client',
      match: { endpoint: 'token' },
      action: { type: 'rate_limit', retryAfter: 30 },
      addedAt: clock.nowSeconds(),
    });
  });

  it('applies the preset params', () => {
    const { engine: e } = engine();
    const rule = e.add({ preset: 'token.rate_limited', params: { retryAfter: 5, format: 'http-date', limit: 3, window: 10 } });
    expect(rule.action).toMatchObject({ type: 'rate_limit', retryAfter: 5, format: 'http-date', limit: 3, window: 10 });
    expect(rule.description).toBe('at most 3 token requests per 10s per client');
  });

  it("the user's match is merged over the preset's, field by field", () => {
    const { engine: e } = engine();
    expect(e.add({ preset: 'token.server_error', match: { times: 1 } }).match).toEqual({ endpoint: 'token', times: 1 });
    expect(e.add({ preset: 'token.server_error', match: { endpoint: 'introspect' } }).match).toEqual({ endpoint: 'introspect' });
    // The preset's own nth (from params) loses to the user's match.
    expect(e.add({ preset: 'api.revoke_early', params: { nth: 4 }, match: { nth: 3 } }).match).toEqual({ endpoint: 'api', nth: 3 });
    expect(e.add({ preset: 'token.invalid_grant', match: { client: 'app' } }).match).toEqual({ endpoint: 'token', grantType: 'refresh_token', client: 'app' });
  });

  it('keeps a user description over the preset one', () => {
    const { engine: e } = engine();
    expect(e.add({ preset: 'token.hang', description: 'mine' }).description).toBe('mine');
  });

  it('an unknown preset is refused, suggesting the closest names', () => {
    const { engine: e } = engine();
    const error = ruleError(() => e.add({ preset: 'token.invalid_clinet' }));
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.path).toBe('preset');
    expect(error.issues[0]?.message).toMatch(/^unknown preset token\.invalid_clinet; did you mean token\.invalid_client, /);
    expect(error.issues[0]?.message).toContain('GET /_understudy/faults/presets');
    const api = ruleError(() => e.add({ preset: 'api.revoke_late' }));
    expect(api.issues[0]?.message).toMatch(/did you mean api\.revoke_early/);
    // At most three suggestions, not the whole list.
    const any = ruleError(() => e.add({ preset: 'nonsense' }));
    const suggested = /did you mean (.*)\?/.exec(any.issues[0]?.message ?? '')?.[1]?.split(', ') ?? [];
    expect(suggested).toHaveLength(3);
    for (const name of suggested) expect(presetNames()).toContain(name);
    expect(error.message).toMatch(/^Invalid fault rule: preset: unknown preset/);
    expect(e.size).toBe(0);
  });

  it('bad params are refused with the path params.<name>', () => {
    const { engine: e } = engine();
    const error = ruleError(() => e.add({ preset: 'token.rate_limited', params: { retryAfter: 'soon' } }));
    expect(error.issues.map((i) => i.path)).toEqual(['params.retryAfter']);
    const unknown = ruleError(() => e.add({ preset: 'token.rate_limited', params: { retryafter: 5 } }));
    expect(unknown.issues).toEqual([{ path: 'params', message: expect.stringContaining('retryafter') }]);
    const none = ruleError(() => e.add({ preset: 'token.hang', params: { ms: 5 } }));
    expect(none.issues[0]?.path).toBe('params');
    expect(e.size).toBe(0);
  });

  it('params on a full rule are refused', () => {
    const { engine: e } = engine();
    const error = ruleError(() => e.add({ action: { type: 'hang' }, params: { ms: 1 } }));
    expect(error.issues).toEqual([{ path: 'params', message: expect.stringContaining('params belong to a preset') }]);
  });

  it('a preset and an action together (or neither) are refused', () => {
    const { engine: e } = engine();
    const both = ruleError(() => e.add({ preset: 'token.hang', action: { type: 'hang' } }));
    expect(both.issues[0]?.message).toContain('give either "preset"');
    const neither = ruleError(() => e.add({ match: { endpoint: 'token' } }));
    expect(neither.issues[0]?.message).toContain('give either "preset"');
    expect(e.size).toBe(0);
  });

  it('unknown action types and match fields are refused with their path', () => {
    const { engine: e } = engine();
    expect(ruleError(() => e.add({ action: { type: 'explode' } })).issues[0]?.path).toBe('action.type');
    const match = ruleError(() => e.add({ preset: 'token.hang', match: { bogus: true } }));
    expect(match.issues).toEqual([{ path: 'match', message: expect.stringContaining('bogus') }]);
    expect(ruleError(() => e.add({ preset: 'token.hang', match: { nth: 0 } })).issues[0]?.path).toBe('match.nth');
    expect(ruleError(() => e.add({ preset: 'token.hang', match: { probability: 2 } })).issues[0]?.path).toBe('match.probability');
    expect(ruleError(() => e.add({ preset: 'token.hang', match: { after: 'tomorrow' } })).issues[0]?.path).toBe('match.after');
  });
});

describe('FaultEngine ids', () => {
  it('gives fresh ids f1, f2, ... and skips ids users took', () => {
    const { engine: e } = engine();
    expect(e.add({ preset: 'token.hang' }).id).toBe('f1');
    expect(e.add({ preset: 'token.hang', id: 'f2' }).id).toBe('f2');
    expect(e.add({ preset: 'token.hang' }).id).toBe('f3');
  });

  it('refuses a duplicate id, keeping the first rule', () => {
    const { engine: e } = engine();
    e.add({ id: 'boom', preset: 'token.server_error' });
    const error = ruleError(() => e.add({ id: 'boom', preset: 'token.hang' }));
    expect(error.issues[0]?.path).toBe('id');
    expect(error.issues[0]?.message).toContain('boom');
    expect(e.list().map((r) => r.preset)).toEqual(['token.server_error']);
  });

  it('an id can be used again after its rule was removed', () => {
    const { engine: e } = engine();
    e.add({ id: 'x', preset: 'token.hang' });
    expect(e.remove('x')).toBe(true);
    expect(e.add({ id: 'x', preset: 'token.reset' }).preset).toBe('token.reset');
  });

  it('compile validates without adding', () => {
    const { engine: e } = engine();
    const rule = e.compile({ id: 'c', preset: 'token.hang' });
    expect(rule.id).toBe('c');
    expect(e.size).toBe(0);
    expect(e.has('c')).toBe(false);
  });
});

describe('FaultEngine.addAll', () => {
  it('adds every rule in order', () => {
    const { engine: e } = engine();
    const rules = e.addAll([{ preset: 'token.hang' }, { id: 'two', preset: 'token.reset' }]);
    expect(rules.map((r) => r.id)).toEqual(['f1', 'two']);
    expect(e.list().map((r) => r.id)).toEqual(['f1', 'two']);
  });

  it('is all or nothing; the error path starts with the index', () => {
    const { engine: e } = engine();
    const error = ruleError(() => e.addAll([{ preset: 'token.hang' }, { preset: 'token.reset' }, { preset: 'token.rate_limited', params: { retryAfter: -1 } }]));
    expect(error.issues.map((i) => i.path)).toEqual(['[2].params.retryAfter']);
    expect(error.message).toContain('[2].params.retryAfter');
    expect(e.size).toBe(0);
    expect(ruleError(() => e.addAll([{ preset: 'nope' }])).issues[0]?.path).toBe('[0].preset');
    // A rule-level refusal (no path) is named by its index alone.
    expect(ruleError(() => e.addAll([{ preset: 'token.hang' }, {}])).issues[0]?.path).toBe('[1]');
    expect(e.size).toBe(0);
  });

  it('refuses ids repeated within the batch or already present', () => {
    const { engine: e } = engine();
    expect(ruleError(() => e.addAll([{ id: 'a', preset: 'token.hang' }, { id: 'a', preset: 'token.reset' }])).issues[0]?.path).toBe('[1].id');
    expect(e.size).toBe(0);
    e.add({ id: 'b', preset: 'token.hang' });
    expect(ruleError(() => e.addAll([{ preset: 'token.reset' }, { id: 'b', preset: 'token.reset' }])).issues[0]?.path).toBe('[1].id');
    expect(e.size).toBe(1);
  });
});

describe('FaultEngine.decide: counting', () => {
  it('nth fires on exactly that matching request', () => {
    const { engine: e } = engine();
    e.add({ preset: 'token.server_error', match: { nth: 3 } });
    expect(firedOn(e, 6)).toEqual([3]);
  });

  it('from fires from that request on; times caps it', () => {
    const a = engine().engine;
    a.add({ preset: 'token.server_error', match: { from: 4 } });
    expect(firedOn(a, 6)).toEqual([4, 5, 6]);
    const b = engine().engine;
    b.add({ preset: 'token.server_error', match: { times: 2 } });
    expect(firedOn(b, 6)).toEqual([1, 2]);
    const c = engine().engine;
    c.add({ preset: 'token.server_error', match: { from: 2, times: 2 } });
    expect(firedOn(c, 6)).toEqual([2, 3]);
  });

  it('only requests that meet the static conditions count', () => {
    const { engine: e } = engine();
    e.add({ preset: 'token.server_error', match: { nth: 2, client: 'a' } });
    const sequence = ['b', 'a', 'b', 'a', 'a'];
    const fired = sequence.map((clientId) => decide(e, tokenFacts({ clientId })).length > 0);
    expect(fired).toEqual([false, false, false, true, false]);
    expect(decide(e, apiFacts()).length).toBe(0);
  });

  it('list() reports matched and applied counters', () => {
    const { engine: e } = engine();
    e.add({ id: 'r', preset: 'token.server_error', match: { from: 2, times: 2 } });
    firedOn(e, 5);
    decide(e, apiFacts());
    expect(e.list()).toEqual([expect.objectContaining({ id: 'r', matched: 5, applied: 2 })]);
  });

  it('returns every rule that fires, in the order they were added, with their action', () => {
    const { engine: e } = engine();
    e.add({ id: 'late', preset: 'token.delay', params: { ms: 5 } });
    e.add({ id: 'err', preset: 'token.server_error' });
    e.add({ id: 'api', preset: 'api.server_error' });
    const fired = decide(e, tokenFacts());
    expect(fired.map((f) => f.rule.id)).toEqual(['late', 'err']);
    expect(fired[0]?.action).toEqual({ type: 'delay', ms: 5, jitterMs: undefined });
    for (const f of fired) {
      expect(f.draw).toBeGreaterThanOrEqual(0);
      expect(f.draw).toBeLessThan(1);
    }
  });

  it('no rules, no decision', () => {
    expect(decide(engine().engine, tokenFacts())).toEqual([]);
  });
});

describe('FaultEngine.decide: time windows (virtual clock)', () => {
  it('after "+30s": only from 30 virtual seconds after the rule was added', () => {
    const { engine: e, tick } = engine();
    e.add({ preset: 'token.server_error', match: { after: '+30s' } });
    expect(decide(e, tokenFacts())).toHaveLength(0);
    tick(29.9);
    expect(decide(e, tokenFacts())).toHaveLength(0);
    tick(0.1);
    expect(decide(e, tokenFacts())).toHaveLength(1);
    tick(1000);
    expect(decide(e, tokenFacts())).toHaveLength(1);
  });

  it('until "+60": only before 60 virtual seconds after the rule was added', () => {
    const { engine: e, tick } = engine();
    e.add({ preset: 'token.server_error', match: { until: '+60' } });
    expect(decide(e, tokenFacts())).toHaveLength(1);
    tick(59.999);
    expect(decide(e, tokenFacts())).toHaveLength(1);
    tick(0.001);
    expect(decide(e, tokenFacts())).toHaveLength(0);
  });

  it('after and until as epoch seconds and ISO date-times, moved with clock.advance', () => {
    const { engine: e, clock } = engine();
    const start = clock.nowSeconds();
    e.add({ id: 'epoch', preset: 'token.server_error', match: { after: start + 10, until: start + 20 } });
    e.add({ id: 'iso', preset: 'token.reset', match: { after: new Date((start + 15) * 1000).toISOString() } });
    const at = (offset: number) => {
      clock.set(start + offset);
      return decide(e, tokenFacts()).map((f) => f.rule.id);
    };
    expect(at(5)).toEqual([]);
    expect(at(10)).toEqual(['epoch']);
    expect(at(15)).toEqual(['epoch', 'iso']);
    expect(at(20)).toEqual(['iso']);
    clock.advance(-15);
    expect(decide(e, tokenFacts()).map((f) => f.rule.id)).toEqual([]);
  });

  it('requests outside the window do not count toward nth', () => {
    const { engine: e, tick } = engine();
    e.add({ id: 'r', preset: 'token.server_error', match: { after: '+10', nth: 2 } });
    expect(firedOn(e, 3)).toEqual([]);
    tick(10);
    expect(firedOn(e, 3)).toEqual([2]);
    expect(e.list()[0]).toMatchObject({ matched: 3, applied: 1 });
  });

  it('"+30s" counts from the exact instant the rule was added, not from the whole second before it', () => {
    const { clock, tick } = fakeClock(1_900_000_000_900);
    const e = new FaultEngine(clock);
    e.add({ preset: 'token.server_error', match: { after: '+30s' } });
    tick(29.5);
    // Expected: 29.5 s after the rule was added it does not fire yet. Actual: it fires.
    expect(decide(e, tokenFacts())).toHaveLength(0);
  });
});

describe('FaultEngine.decide: probability', () => {
  const rule = { id: 'coin', preset: 'token.server_error', match: { probability: 0.5, seed: 42 } };

  it('with a seed, two engines decide the same, request after request', () => {
    const a = engine().engine;
    const b = engine().engine;
    a.add(rule);
    b.add(rule);
    const seqA = Array.from({ length: 200 }, () => decide(a, tokenFacts()).map((f) => f.draw));
    const seqB = Array.from({ length: 200 }, () => decide(b, tokenFacts()).map((f) => f.draw));
    expect(seqA).toEqual(seqB);
    const fired = seqA.filter((d) => d.length > 0).length;
    expect(fired).toBeGreaterThan(70);
    expect(fired).toBeLessThan(130);
    expect(a.list()[0]).toMatchObject({ matched: 200, applied: fired });
  });

  it('another seed gives another sequence', () => {
    const a = engine().engine;
    const b = engine().engine;
    a.add(rule);
    b.add({ ...rule, match: { probability: 0.5, seed: 43 } });
    expect(firedOn(a, 60)).not.toEqual(firedOn(b, 60));
  });

  it('the default seed is 1, so an unseeded rule is deterministic too', () => {
    const a = engine().engine;
    const b = engine().engine;
    a.add({ preset: 'token.server_error', match: { probability: 0.3 } });
    b.add({ preset: 'token.server_error', match: { probability: 0.3, seed: 1 } });
    expect(firedOn(a, 100)).toEqual(firedOn(b, 100));
  });

  it('probability 0 never fires, 1 always does', () => {
    const never = engine().engine;
    never.add({ preset: 'token.server_error', match: { probability: 0 } });
    expect(firedOn(never, 50)).toEqual([]);
    const always = engine().engine;
    always.add({ preset: 'token.server_error', match: { probability: 1 } });
    expect(firedOn(always, 50)).toHaveLength(50);
  });

  it('rules draw from their own sequences: adding a rule does not change another rule\'s decisions', () => {
    const alone = engine().engine;
    alone.add(rule);
    const withOther = engine().engine;
    withOther.add({ preset: 'token.delay', params: { ms: 1 }, match: { probability: 0.5, seed: 42 } });
    withOther.add(rule);
    const decisions = (e: FaultEngine) => Array.from({ length: 100 }, () => decide(e, tokenFacts()).some((f) => f.rule.id === 'coin'));
    expect(decisions(withOther)).toEqual(decisions(alone));
  });
});

describe('FaultEngine.remove / clear / onRemove', () => {
  it('remove() calls the onRemove listeners with the id', () => {
    const { engine: e } = engine();
    const listener = vi.fn();
    e.onRemove(listener);
    e.add({ id: 'a', preset: 'token.hang' });
    expect(e.remove('a')).toBe(true);
    expect(listener).toHaveBeenCalledExactlyOnceWith('a');
    expect(e.has('a')).toBe(false);
  });

  it('removing an unknown id returns false and calls no listener', () => {
    const { engine: e } = engine();
    const listener = vi.fn();
    e.onRemove(listener);
    expect(e.remove('nope')).toBe(false);
    expect(listener).not.toHaveBeenCalled();
  });

  it('an unsubscribed listener is not called', () => {
    const { engine: e } = engine();
    const listener = vi.fn();
    const off = e.onRemove(listener);
    off();
    e.add({ id: 'a', preset: 'token.hang' });
    e.remove('a');
    expect(listener).not.toHaveBeenCalled();
  });

  it('clear() removes every rule, telling the listeners each id, and returns the count', () => {
    const { engine: e } = engine();
    const listener = vi.fn();
    e.onRemove(listener);
    e.addAll([{ id: 'a', preset: 'token.hang' }, { id: 'b', preset: 'api.hang' }]);
    expect(e.clear()).toBe(2);
    expect(listener.mock.calls).toEqual([['a'], ['b']]);
    expect(e.size).toBe(0);
    expect(e.clear()).toBe(0);
  });

  it('a removed rule stops firing at once', () => {
    const { engine: e } = engine();
    e.add({ id: 'a', preset: 'token.server_error' });
    expect(decide(e, tokenFacts())).toHaveLength(1);
    e.remove('a');
    expect(decide(e, tokenFacts())).toHaveLength(0);
  });
});

describe('FaultEngine.mayMatch', () => {
  it('tells which endpoints some rule can touch, and follows adds and removes', () => {
    const e = new FaultEngine(createClock());
    expect(e.mayMatch('token')).toBe(false);
    const api = e.add({ preset: 'api.delay', match: { route: 'nope' } });
    expect(e.mayMatch('api')).toBe(true);
    expect(e.mayMatch('token')).toBe(false);
    const any = e.add({ action: { type: 'delay', ms: 1 } });
    expect(e.mayMatch('token')).toBe(true);
    e.remove(any.id);
    expect(e.mayMatch('token')).toBe(false);
    e.add({ action: { type: 'hang' }, match: { endpoint: ['jwks', 'discovery'] } });
    expect(e.mayMatch('discovery')).toBe(true);
    e.remove(api.id);
    expect(e.mayMatch('api')).toBe(false);
    e.clear();
    expect(e.mayMatch('jwks')).toBe(false);
  });
});
