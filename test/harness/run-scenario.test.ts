/**
 * runScenario's timeline: checkpoints judge their own segment, `advance` moves the server's
 * clock, revocation, key rotation, fault steps, the scenario timeout and an invalid `server`
 * section. The client is a small scripted one in this process (real time, real HTTP), so every
 * request it makes is known.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { ClientEnvironment, ClientSession, Driver, WorkRequest, WorkResult } from '../../harness/drivers/driver.ts';
import type { ExpectationResult } from '../../harness/expectations/judge.ts';
import { runScenario, type ScenarioResult } from '../../harness/runner/run-scenario.ts';
import { runScenarios } from '../../harness/runner/run-scenarios.ts';
import { validateScenario } from '../../harness/scenario/load.ts';
import type { ScenarioInput } from '../../harness/scenario/schema.ts';
import type { UnderstudyServer } from '../../server/index.ts';

/**
 * What a unit's `body` may tell the scripted client:
 * - (nothing): use the cached token (fetch one if none); on 401 fetch a new one and replay once.
 * - `{ fresh: true }`: fetch a new token for this unit (and cache it), no replay.
 * - `{ use: 'first' | 'last' }`: present the first / last token ever fetched, no replay.
 * - `{ silent: true }`: never report (the unit runs into its timeout).
 */
interface Instructions {
  fresh?: boolean;
  use?: 'first' | 'last';
  silent?: boolean;
}

interface ScriptedDriver extends Driver {
  /** What happened, in order: "start", "work 3", "close", "work 4 after close"... */
  readonly events: string[];
}

function scriptedDriver(): ScriptedDriver {
  const events: string[] = [];
  return {
    kind: 'module',
    label: 'scripted client',
    events,
    async start(env: ClientEnvironment): Promise<ClientSession> {
      events.push('start');
      const tokens: string[] = [];
      const log: string[] = [];
      let cached: string | undefined;
      let closed = false;
      const fetchToken = async () => {
        const response = await fetch(env.tokenUrl, {
          method: 'POST',
          headers: { authorization: `Basic ${btoa(`${env.clientId}:${env.clientSecret}`)}`, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'client_credentials', scope: env.scope }),
        });
        const body = (await response.json()) as { access_token?: string; error?: string };
        if (!body.access_token) throw new Error(`token endpoint: ${response.status} ${body.error ?? ''}`);
        tokens.push(body.access_token);
        return body.access_token;
      };
      const call = (request: WorkRequest, token: string) =>
        fetch(new URL(request.path, env.apiUrl), { method: request.method, headers: { authorization: `Bearer ${token}` } }).then(async (response) => {
          await response.arrayBuffer();
          return response;
        });
      const work = async (request: WorkRequest): Promise<Omit<WorkResult, 'elapsedMs'>> => {
        const said = (request.body ?? {}) as Instructions;
        if (said.use) {
          const token = said.use === 'first' ? tokens[0] : tokens.at(-1);
          if (!token) return { id: request.id, ok: false, error: 'no token yet' };
          const response = await call(request, token);
          return { id: request.id, ok: response.ok, status: response.status };
        }
        if (said.fresh) {
          cached = await fetchToken();
          const response = await call(request, cached);
          return { id: request.id, ok: response.ok, status: response.status };
        }
        cached ??= await fetchToken();
        let response = await call(request, cached);
        if (response.status === 401) {
          log.push(`unit ${request.id}: 401, fetching a new token and replaying once`);
          cached = await fetchToken();
          response = await call(request, cached);
        }
        return { id: request.id, ok: response.ok, status: response.status };
      };
      return {
        log,
        async work(request, timeoutMs) {
          if (request.op !== 'work') return { id: request.id, ok: false, error: 'this test client signs nobody in', elapsedMs: 0 };
          events.push(closed ? `work ${request.id} after close` : `work ${request.id}`);
          const started = performance.now();
          const said = (request.body ?? {}) as Instructions;
          const report = said.silent ? new Promise<never>(() => {}) : work(request).catch((error: Error) => ({ id: request.id, ok: false, error: error.message }));
          const timeout = sleep(timeoutMs, { id: request.id, ok: false, error: `no report within ${timeoutMs / 1000} s` }, { ref: false });
          const result = await Promise.race([report, timeout]);
          return { ...result, elapsedMs: performance.now() - started };
        },
        async close() {
          if (!closed) events.push('close');
          closed = true;
          return { code: 0 };
        },
      };
    },
  };
}

async function run(input: ScenarioInput, driver = scriptedDriver()): Promise<{ result: ScenarioResult; server: UnderstudyServer; driver: ScriptedDriver }> {
  let server: UnderstudyServer | undefined;
  const result = await runScenario(validateScenario(input, input.name ?? 'inline'), { driver, onServer: (s) => (server = s) });
  if (!server) throw new Error(`the server never started: ${result.error}`);
  return { result, server, driver };
}

const byName = (result: ScenarioResult) => Object.fromEntries(result.expectations.map((e) => [e.name, e]));
const seqs = (expectation: ExpectationResult | undefined) => (expectation?.evidence ?? []).map((line) => Number(/^#(\d+) /.exec(line)?.[1]));
const verdicts = (result: ScenarioResult) => result.expectations.map((e) => `${e.name}: ${e.verdict}`);

describe('checkpoints', () => {
  it('judge only the journal and the units since the previous checkpoint; the final expect judges everything', async () => {
    const { result } = await run({
      name: 'segments',
      intent: 'Checkpoints cut the run into segments judged on their own.',
      timeline: [
        { work: { count: 2 } },
        { expect: [{ tokenRequests: { exactly: 1 }, name: 'first: one token' }, { apiCalls: { exactly: 2 }, name: 'first: two calls' }, { outcomes: { ok: 2 }, name: 'first: two ok' }] },
        { work: { count: 3 } },
        { expect: [{ tokenRequests: { exactly: 0 }, name: 'second: reused' }, { apiCalls: { exactly: 3 }, name: 'second: three calls' }, { outcomes: { ok: 3 }, name: 'second: three ok' }] },
        { expect: [{ tokenRequests: { exactly: 0 }, name: 'empty: no token' }, { apiCalls: { exactly: 0 }, name: 'empty: no call' }, { outcomes: { ok: 0, failed: 0 }, name: 'empty: no unit' }] },
      ],
      expect: [{ tokenRequests: { exactly: 1 }, name: 'all: one token' }, { apiCalls: { exactly: 5 }, name: 'all: five calls' }, { outcomes: { ok: 5 }, name: 'all: five ok' }],
    });
    // A checkpoint with nothing in its segment judges nothing: its counts are not exercised, and so is the scenario.
    expect(result.verdict, result.error).toBe('not-exercised');
    expect(result.expectations.filter((e) => e.verdict !== 'pass').map((e) => `${e.name}: ${e.verdict}`)).toEqual(['empty: no token: not-exercised', 'empty: no call: not-exercised', 'empty: no unit: not-exercised']);
    expect(result.reason).toContain('nothing to count');
    expect(result.expectations.map((e) => e.name)).toEqual([
      'first: one token',
      'first: two calls',
      'first: two ok',
      'second: reused',
      'second: three calls',
      'second: three ok',
      'empty: no token',
      'empty: no call',
      'empty: no unit',
      'all: one token',
      'all: five calls',
      'all: five ok',
    ]);
    const e = byName(result);
    expect(e['first: two calls']?.explanation).toContain('2 API calls for 2 units');
    expect(seqs(e['first: two calls'])).toEqual([2, 3]);
    expect(e['second: three calls']?.explanation).toContain('3 API calls for 3 units');
    expect(seqs(e['second: three calls'])).toEqual([4, 5, 6]);
    expect(e['empty: no call']?.explanation).toContain('No unit of work was handed to the client and no request reached the server');
    expect(seqs(e['all: five calls'])).toEqual([2, 3, 4, 5, 6]);
    expect(result.journal).toHaveLength(6);
  });

  it('quote an entry with the same relative time in the evidence and in the journal', async () => {
    const { result } = await run({
      name: 'same-times',
      intent: 'Evidence lines are the journal lines.',
      timeline: [{ work: { count: 2 } }],
      expect: [{ apiCalls: { exactly: 2 } }],
    });
    const evidence = result.expectations[0]?.evidence ?? [];
    expect(evidence).toHaveLength(2);
    for (const line of evidence) expect(result.journal).toContain(line);
  });

  it('a failing checkpoint fails the scenario though the final expectations pass', async () => {
    const { result } = await run({
      name: 'bad-checkpoint',
      intent: 'A failing checkpoint is a failing scenario.',
      timeline: [{ work: { count: 1 } }, { expect: [{ tokenRequests: { exactly: 2 }, name: 'wrong on purpose' }] }, { work: { count: 1 } }],
      expect: [{ outcomes: { ok: 'all' } }],
    });
    expect(result.verdict).toBe('fail');
    expect(verdicts(result)).toEqual(['wrong on purpose: fail', 'outcome reported by the client: pass']);
  });
});

describe('advance', () => {
  it("moves the server's virtual clock: the cached token expires on the server and the client recovers", async () => {
    const { result, server } = await run({
      name: 'an-hour-later',
      intent: 'An hour of virtual time passes between two units.',
      timeline: [
        { work: { count: 1 } },
        // Past the hour and the API's 2 s leeway.
        { advance: 3610 },
        { work: { count: 1 } },
        { expect: [{ noExpiredTokenUse: {}, name: 'after the advance' }, { replayOnceAfterInvalidToken: {} }, { tokenRequests: { exactly: 2 } }] },
      ],
      expect: [{ outcomes: { ok: 'all' } }, { tokenRequests: { exactly: 2 } }],
    });
    // The server's clock is an hour ahead of the real one.
    const ahead = server.clock.nowMs() - Date.now();
    expect(ahead).toBeGreaterThan(3610_000 - 1000);
    expect(ahead).toBeLessThan(3610_000 + 1000);
    const e = byName(result);
    // The unit after the advance presented the token the server now calls expired, then a new one.
    expect(result.journal[2]).toMatch(/^#3 \+3610\.\d{3}s api GET .* -> 401 invalid_token/);
    expect(result.journal[2]).toContain('expired');
    expect(e['exactly one replay after invalid_token']?.verdict).toBe('pass');
    // The client lives on real time: by its own clock the token was a moment old, not late. The
    // judge takes the advance step out, so "refresh before expiry" was not put to the test.
    expect(e['after the advance']?.verdict, e['after the advance']?.explanation).toBe('not-exercised');
    expect(result.verdict).toBe('not-exercised');
  });
});

describe('revoke', () => {
  it('{jti: last} revokes only the last token issued; {} revokes every token of the scenario client', async () => {
    const first = { body: { use: 'first' } };
    const last = { body: { use: 'last' } };
    const { result } = await run({
      name: 'revocations',
      intent: 'Revoking the last token leaves older ones alone; revoking the client revokes them all.',
      timeline: [
        { work: { body: { fresh: true } } },
        { work: { body: { fresh: true } } },
        { revoke: { jti: 'last' } },
        { work: first },
        { work: last },
        // Two units with fresh tokens, then the first token works and the last is refused.
        { expect: [{ outcomes: { ok: 3, failed: 1 }, name: 'only the last token was revoked' }] },
        { revoke: {} },
        { work: first },
        { expect: [{ outcomes: { failed: 'all' }, name: 'the first token is revoked too' }] },
        { work: {} },
        { expect: [{ outcomes: { ok: 'all' }, name: 'a new token works' }, { replayOnceAfterInvalidToken: {} }, { tokenRequests: { exactly: 1 } }] },
      ],
    });
    expect(result.verdict, `${result.error} ${verdicts(result).join('; ')}`).toBe('pass');
    expect(result.journal.filter((line) => line.includes('has been revoked'))).toHaveLength(3);
  });

  it('{jti: last} before any token was issued is an error that says so', async () => {
    const { result } = await run({
      name: 'revoke-nothing',
      intent: 'Revoking the last token when there is none is a scenario error.',
      timeline: [{ revoke: { jti: 'last' } }, { work: {} }],
      expect: [{ outcomes: { ok: 'all' } }],
    });
    expect(result.verdict).toBe('error');
    expect(result.error).toBe('revoke: {jti: "last"} but no token was issued yet');
  });
});

describe('rotate-keys', () => {
  it('with grace 0 the tokens signed with the old key stop verifying at once', async () => {
    const { result } = await run({
      name: 'rotate-now',
      intent: 'After a key rotation without grace, the client needs a new token.',
      timeline: [{ work: {} }, { 'rotate-keys': { grace: 0 } }, { work: {} }],
      expect: [{ tokenRequests: { exactly: 2 } }, { replayOnceAfterInvalidToken: {} }, { outcomes: { ok: 'all' } }],
    });
    expect(result.verdict, `${result.error} ${verdicts(result).join('; ')}`).toBe('pass');
    expect(result.journal[2]).toMatch(/api GET .* -> 401 invalid_token/);
  });

  it('with a grace period the old tokens keep verifying', async () => {
    const { result } = await run({
      name: 'rotate-gently',
      intent: 'After a key rotation with grace, the cached token still works.',
      timeline: [{ work: {} }, { 'rotate-keys': { grace: 60 } }, { work: {} }],
      expect: [{ tokenRequests: { exactly: 1 } }, { apiCalls: { exactly: 2 } }, { outcomes: { ok: 'all' } }],
    });
    expect(result.verdict, `${result.error} ${verdicts(result).join('; ')}`).toBe('pass');
  });
});

describe('fault steps', () => {
  it('add, remove and clear fault rules between units', async () => {
    const down = { id: 'api-down', match: { endpoint: 'api' }, action: { type: 'respond', status: 503, body: { error: 'down' } } };
    const { result } = await run({
      name: 'faults',
      intent: 'Fault rules come and go with the timeline.',
      timeline: [
        { fault: down },
        { work: {} },
        { expect: [{ outcomes: { failed: 'all' }, name: 'down' }] },
        { fault: { remove: 'api-down' } },
        { work: {} },
        { expect: [{ outcomes: { ok: 'all' }, name: 'removed' }] },
        { fault: { preset: 'api.server_error' } },
        { fault: { id: 'slow-token', match: { endpoint: 'token' }, action: { type: 'delay', ms: 1 } } },
        { work: {} },
        { expect: [{ outcomes: { failed: 'all' }, name: 'preset' }] },
        { fault: { clear: true } },
        { work: { count: 2 } },
        { expect: [{ outcomes: { ok: 'all' }, name: 'cleared' }] },
      ],
    });
    expect(result.verdict, `${result.error} ${verdicts(result).join('; ')}`).toBe('pass');
    expect(result.journal[1]).toMatch(/-> 503 .*\[fault api-down\]/);
    expect(result.journal[3]).toContain('[fault api.server_error]');
  });

  it('an invalid fault rule is a scenario error naming the field', async () => {
    const { result } = await run({
      name: 'bad-fault',
      intent: 'A fault rule the server refuses is a scenario error.',
      timeline: [{ fault: { match: { endpoint: 'api' }, action: { type: 'respond', status: 999 } } }, { work: {} }],
      expect: [{ outcomes: { ok: 'all' } }],
    });
    expect(result.verdict).toBe('error');
    expect(result.error).toMatch(/^Invalid fault rule: action\.status: /);
  });

  it('an unknown preset is a scenario error suggesting the closest names', async () => {
    const { result } = await run({
      name: 'typo-preset',
      intent: 'A misspelt preset is a scenario error.',
      timeline: [{ fault: { preset: 'api.sever_error' } }, { work: {} }],
      expect: [{ outcomes: { ok: 'all' } }],
    });
    expect(result.verdict).toBe('error');
    expect(result.error).toContain('unknown preset api.sever_error; did you mean');
    expect(result.error).toContain('api.server_error');
  });
});

describe('the scenario timeout', () => {
  it('ends a scenario that takes too long with verdict error and a clear message; the run goes on', async () => {
    const driver = scriptedDriver();
    const run = await runScenarios({
      driver,
      parallel: 1,
      scenarios: [
        {
          name: 'too-slow',
          intent: 'A unit that never reports outlives the scenario timeout.',
          timeout: 0.5,
          timeline: [{ work: { body: { silent: true }, timeout: 3 } }],
          expect: [{ outcomes: { ok: 'all' } }],
        },
        { name: 'quick', intent: 'The next scenario still runs.', timeline: [{ work: {} }], expect: [{ outcomes: { ok: 'all' } }] },
      ],
    });
    const [slow, quick] = run.scenarios;
    expect(slow?.verdict).toBe('error');
    expect(slow?.error).toBe('the scenario did not finish within its 0.5 s timeout');
    expect(slow?.durationMs).toBeGreaterThanOrEqual(450);
    expect(quick?.verdict, quick?.error).toBe('pass');
    expect(run.summary).toMatchObject({ passed: 1, failed: 0, errored: 1 });
  });

  it('stops the timeline: no unit is handed to the client after the scenario timed out', async () => {
    const { result, driver } = await run({
      name: 'too-slow-then-more',
      intent: 'Steps after a scenario timeout never run.',
      timeout: 0.3,
      timeline: [{ work: { body: { silent: true }, timeout: 1 } }, { work: {} }],
      expect: [{ outcomes: { ok: 'all' } }],
    });
    expect(result.verdict).toBe('error');
    await sleep(1200);
    expect(driver.events).toEqual(['start', 'work 1', 'close']);
  });
});

describe('an invalid server section', () => {
  it('is a verdict error naming the field, and the client is never started', async () => {
    const driver = scriptedDriver();
    const result = await runScenario(
      validateScenario(
        {
          name: 'bad-server',
          intent: 'A server section the configuration schema refuses.',
          server: { accessTokenTtl: 'an hour', journal: { capacity: -1 } },
          timeline: [{ work: {} }],
          expect: [{ outcomes: { ok: 'all' } }],
        },
        'bad-server',
      ),
      { driver },
    );
    expect(result.verdict).toBe('error');
    expect(result.error).toContain('accessTokenTtl');
    expect(result.error).toContain('journal.capacity');
    expect(result.expectations).toEqual([]);
    expect(driver.events).toEqual([]);
  });

  it('a valid server section is used: a short token lifetime makes the client fetch again', async () => {
    const { result } = await run({
      name: 'short-lived',
      intent: 'A one-second token lifetime from the server section.',
      server: { accessTokenTtl: 1 },
      // Past the second and the API's 2 s leeway.
      timeline: [{ work: {} }, { advance: 4 }, { work: {} }],
      expect: [{ tokenRequests: { exactly: 2 } }, { outcomes: { ok: 'all' } }],
    });
    expect(result.verdict, `${result.error} ${verdicts(result).join('; ')}`).toBe('pass');
  });
});

describe('levels, rules and verdicts', () => {
  it('the rule comes from the rule: tag, else the scenario name; the level from the scenario', async () => {
    const tagged = await run({
      name: 'tagged',
      intent: 'Expectations inherit the rule tag and the level.',
      tags: ['caching', 'rule:reuse'],
      level: 'should',
      timeline: [{ work: {} }],
      expect: [{ tokenRequests: { exactly: 5 } }, { outcomes: { ok: 'all' }, level: 'must' }],
    });
    expect(tagged.result.expectations.map((e) => [e.rule, e.level, e.verdict])).toEqual([
      ['reuse', 'should', 'fail'],
      ['reuse', 'must', 'pass'],
    ]);
    // A failing "should" does not fail the scenario.
    expect(tagged.result.verdict).toBe('pass');
    expect(tagged.result.tags).toEqual(['caching', 'rule:reuse']);

    const untagged = await run({ name: 'untagged', intent: 'No rule tag: the rule is the name.', timeline: [{ work: {} }], expect: [{ outcomes: { ok: 'all' } }] });
    expect(untagged.result.expectations[0]).toMatchObject({ rule: 'untagged', level: 'must' });
  });

  it('a scenario with no expectations at all is an error', async () => {
    const { result } = await run({ name: 'nothing', intent: 'Nothing is checked here at all.', timeline: [{ work: {} }] });
    expect(result.verdict).toBe('error');
    expect(result.error).toBe('the scenario has no expectations to judge');
  });
});
