/**
 * The same rules and the same requests give the same decisions, run after run: seeded
 * probability and seeded jitter included (FaultEngine.plan is the only place rules are
 * evaluated).
 */
import { describe, expect, it } from 'vitest';
import { startFaultServer } from './support.ts';

const RULES = [
  { id: 'coin', action: { type: 'oauth_error', error: 'temporarily_unavailable', status: 503 }, match: { endpoint: 'token', probability: 0.5, seed: 42 } },
  { id: 'jitter', preset: 'token.delay', params: { ms: 0, jitterMs: 20 }, match: { probability: 0.4, seed: 9 } },
  { id: 'api-coin', preset: 'api.server_error', match: { probability: 0.3, seed: 5 } },
  { id: 'stringy', preset: 'token.expires_in_string', match: { from: 5, times: 10 } },
];

interface Observation {
  endpoint: string;
  status: number;
  rules: string[];
  decision: string;
  effects: string[];
}

async function run(rules: unknown[]): Promise<{ wire: number[]; journal: Observation[] }> {
  const s = await startFaultServer();
  // A token for the API calls, before any rule exists.
  const token = await s.accessToken();
  for (const rule of rules) await s.addFault(rule);
  const wire: number[] = [];
  for (let i = 0; i < 40; i += 1) {
    const reply = i % 4 === 3 ? await s.api(token) : await s.token();
    wire.push(reply.status);
  }
  const entries = (await s.journal()).slice(1);
  expect(entries).toHaveLength(40);
  return {
    wire,
    journal: entries.map((e) => ({
      endpoint: e.endpoint,
      status: e.status,
      rules: (e.faults ?? []).map((f) => f.rule),
      decision: e.decision,
      effects: (e.faults ?? []).map((f) => f.effect),
    })),
  };
}

describe('determinism', () => {
  it('two fresh servers, the same rules and 40 requests: the same statuses, rules and decisions', async () => {
    const first = await run(RULES);
    const second = await run(RULES);
    expect(second.journal.map(({ status, rules, decision }) => ({ status, rules, decision }))).toEqual(
      first.journal.map(({ status, rules, decision }) => ({ status, rules, decision })),
    );
    // Seeded jitter too: the same delays.
    expect(second.journal.map((o) => o.effects)).toEqual(first.journal.map((o) => o.effects));
    expect(second.wire).toEqual(first.wire);
    expect(first.journal.map((o) => o.status)).toEqual(first.wire);

    // The run is not trivially uniform: every rule fired on some requests and not on others.
    const tokenCalls = first.journal.filter((o) => o.endpoint === 'token');
    const apiCalls = first.journal.filter((o) => o.endpoint === 'api');
    expect(tokenCalls).toHaveLength(30);
    const coin = tokenCalls.filter((o) => o.rules.includes('coin')).length;
    expect(coin).toBeGreaterThan(5);
    expect(coin).toBeLessThan(25);
    expect(tokenCalls.filter((o) => o.status === 503).length).toBe(coin);
    const jitter = tokenCalls.filter((o) => o.rules.includes('jitter')).length;
    expect(jitter).toBeGreaterThan(0);
    expect(jitter).toBeLessThan(30);
    const apiFailures = apiCalls.filter((o) => o.rules.includes('api-coin'));
    expect(apiFailures.every((o) => o.status === 503)).toBe(true);
    expect(apiCalls.filter((o) => o.status === 200).length).toBe(apiCalls.length - apiFailures.length);
    // "from 5, times 10" counts the token requests that reached the rule's step (were issued a
    // token): the 5th to 14th of them; those "coin" answered with 503 never reached it.
    const issued = tokenCalls.filter((o) => o.status === 200);
    expect(tokenCalls.filter((o) => o.rules.includes('stringy'))).toEqual(issued.slice(4, 14));
    expect(issued.length).toBeGreaterThan(14);
    for (const o of first.journal) {
      for (const effect of o.effects.filter((e) => e.startsWith('delayed'))) {
        const ms = Number(/^delayed (\d+)ms$/.exec(effect)?.[1]);
        expect(ms).toBeGreaterThanOrEqual(0);
        expect(ms).toBeLessThanOrEqual(20);
      }
    }
  });

  it('another seed gives another sequence', async () => {
    const first = await run(RULES.slice(0, 1));
    const reseeded = await run([{ ...RULES[0], match: { endpoint: 'token', probability: 0.5, seed: 43 } }]);
    expect(reseeded.wire).not.toEqual(first.wire);
  });
});
