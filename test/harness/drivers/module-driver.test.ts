import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { moduleDriver, type CreateClient, type ModuleDriverOptions } from '../../../harness/drivers/module-driver.ts';
import type { ClientEnvironment } from '../../../harness/drivers/driver.ts';
import { HarnessError } from '../../../harness/errors.ts';
import { runScenario } from '../../../harness/runner/run-scenario.ts';
import { runScenarios } from '../../../harness/runner/run-scenarios.ts';
import { defineScenario } from '../../../harness/scenario/define.ts';
import { validateScenario } from '../../../harness/scenario/load.ts';
import type { ScenarioInput } from '../../../harness/scenario/schema.ts';

const example = (name: string) => fileURLToPath(new URL(`../../../examples/clients/${name}.ts`, import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}.ts`, import.meta.url));

const reuse = defineScenario({
  name: 'reuse',
  intent: 'Five calls in a row share one token.',
  timeline: [{ work: { count: 5 } }],
  expect: [{ tokenRequests: { exactly: 1 } }, { outcomes: { ok: 'all' } }],
});

const refreshAfterAnHour = defineScenario({
  name: 'refresh-after-an-hour',
  intent: 'An hour after its first call, the client presents a new token, not the expired one.',
  // Ten seconds past the hour: the old token is dead on the server too (past exp and the API's leeway).
  timeline: [{ work: { count: 2 } }, { advance: 3610 }, { work: { count: 2 } }],
  expect: [{ tokenRequests: { exactly: 2 } }, { noExpiredTokenUse: {} }, { outcomes: { ok: 'all' } }],
});

const coldStart = defineScenario({
  name: 'cold-start',
  intent: 'Eight concurrent calls at a cold start share one token request.',
  timeline: [{ work: { count: 8, concurrent: true } }],
  expect: [{ tokenRequests: { exactly: 1 } }, { outcomes: { ok: 'all' } }],
});

async function run(file: string, scenario: ScenarioInput, options: { fakeTime?: boolean } = {}) {
  const result = await runScenarios({ driver: moduleDriver({ file, ...options }), scenarios: [scenario] });
  const only = result.scenarios[0];
  if (!only) throw new Error('no scenario result');
  return only;
}

const failing = (result: Awaited<ReturnType<typeof run>>) => result.expectations.filter((e) => e.verdict === 'fail').map((e) => e.name);

describe('moduleDriver: verdicts on the example clients', () => {
  it('passes the reference client and fails the token-per-call client on reuse', async () => {
    const good = await run(example('well-behaved'), reuse);
    expect(good.verdict, good.error).toBe('pass');
    const bad = await run(example('token-per-call'), reuse);
    expect(bad.verdict).toBe('fail');
    expect(bad.expectations.find((e) => e.verdict === 'fail')?.explanation).toMatch(/5 token requests|token requests/);
  });

  it('judges single flight on concurrent units', async () => {
    expect((await run(example('well-behaved'), coldStart)).verdict).toBe('pass');
    expect((await run(example('no-single-flight'), coldStart)).verdict).toBe('fail');
  });

  // How fast fake time runs the suite is bench/contract-suite.ts's to measure, not a test's to bound.
  it('lives through an hour of fake time: the reference client refreshes, caches-forever presents the expired token', async () => {
    const good = await run(example('well-behaved'), refreshAfterAnHour);
    expect(good.verdict, JSON.stringify(good.expectations, null, 1)).toBe('pass');
    expect(good.journal.filter((line) => /token/i.test(line) && /POST/.test(line))).toHaveLength(2);

    const bad = await run(example('caches-forever'), refreshAfterAnHour);
    expect(bad.verdict).toBe('fail');
    expect(bad.expectations.find((e) => e.name === 'no API call with an expired token')?.explanation).toMatch(/presented a token after the expiry the client was told \(#\d+ 10(\.\d+)? s after token #1 expired/);
  });

  it('lets a background refresh timer finish its token request during an advance', async () => {
    const result = await run(fixture('background-refresh'), refreshAfterAnHour);
    expect(result.verdict, JSON.stringify(result, null, 1)).toBe('pass');
  });

  it('without fake time an advance moves only the server clock: the client is judged on its own clock, not as late', async () => {
    const driver = moduleDriver({ file: example('well-behaved'), fakeTime: false });
    expect(driver.time).toBeUndefined();
    const result = await run(example('well-behaved'), refreshAfterAnHour, { fakeTime: false });
    // The API rejects the cached token (expired on the server's clock); the client replays once.
    expect(result.journal.some((line) => /-> 401 invalid_token/.test(line))).toBe(true);
    expect(failing(result)).toEqual([]);
    // By its own clock the token was seconds old: nothing put "refresh before expiry" to the test.
    const expiry = result.expectations.find((e) => e.name === 'no API call with an expired token');
    expect(expiry?.verdict).toBe('not-exercised');
    expect(result.verdict).toBe('not-exercised');
  });
});

describe('moduleDriver: fake time inside a unit of work', () => {
  it('passes a Retry-After wait in fake time: the unit reports its wait', async () => {
    const scenario = defineScenario({
      name: 'retry-after',
      intent: 'The client waits out a 429 with Retry-After before asking again.',
      timeline: [{ fault: { preset: 'token.rate_limited', params: { retryAfter: 5 }, match: { times: 1 } } }, { work: { count: 1, timeout: 15 } }],
      expect: [{ retryAfterRespected: {} }, { outcomes: { ok: 'all' } }],
    });
    const driver = moduleDriver({ file: example('well-behaved') });
    const result = await runScenario(validateScenario(scenario, 'retry-after'), { driver });
    expect(result.verdict, JSON.stringify(result.expectations, null, 1)).toBe('pass');
  });

  it('reports elapsed time on the shared clock: a 10 s sleep takes 10 s for the client, not for the run', async () => {
    const scenario = defineScenario({
      name: 'sleeps',
      intent: 'A unit that sleeps ten seconds of client time.',
      client: { env: { SLEEP_MS: '10000' } },
      timeline: [{ work: { count: 2, timeout: 30 } }],
      expect: [{ outcomes: { ok: 'all', reportedWithin: 9 } }],
    });
    // Twenty seconds of sleeps in all: in real time they would outlast the test's timeout.
    const result = await run(fixture('sleepy-client'), scenario);
    // Each unit took 10 s of the client's time: more than reportedWithin allows.
    expect(result.verdict).toBe('fail');
    expect(result.expectations[0]?.explanation).toMatch(/longer than 9 s/);
  });

  it('fails a unit that sleeps past its timeout at the timeout, in fake time', async () => {
    const scenario = defineScenario({
      name: 'sleeps-an-hour',
      intent: 'A unit that sleeps an hour of client time.',
      client: { env: { SLEEP_MS: '3600000' } },
      timeline: [{ work: { count: 1, timeout: 30 } }],
      expect: [{ outcomes: { failed: 'all' } }],
    });
    const driver = moduleDriver({ file: fixture('sleepy-client') });
    const units: unknown[] = [];
    const started = performance.now();
    const result = await runScenario(validateScenario(scenario, 'sleeps-an-hour'), {
      driver: { ...driver, start: async (env, hooks) => spy(await driver.start(env, hooks), units) },
    });
    const real = performance.now() - started;
    expect(result.verdict).toBe('pass');
    expect(units).toEqual([expect.objectContaining({ ok: false, error: 'no report within 30 s' })]);
    const elapsed = (units[0] as { elapsedMs: number }).elapsedMs;
    expect(elapsed).toBeGreaterThanOrEqual(30_000);
    // Failed at the timeout, not later: past it the shared clock only flowed with real time (one tick at most ahead).
    expect(elapsed).toBeLessThanOrEqual(30_000 + real + 10);
  });

  it('fails a unit whose work() never resolves with the timeout, and the run goes on', async () => {
    const scenario = defineScenario({
      name: 'never-reports',
      intent: 'A client that never reports on its units.',
      timeline: [{ work: { count: 2, timeout: 0.2 } }],
      expect: [{ outcomes: { failed: 'all' } }],
    });
    const driver = moduleDriver({ file: fixture('never-reports') });
    const units: unknown[] = [];
    const result = await runScenario(validateScenario(scenario, 'never-reports'), {
      driver: { ...driver, start: async (env, hooks) => spy(await driver.start(env, hooks), units) },
    });
    expect(result.verdict, result.error).toBe('pass');
    expect(units).toEqual([
      expect.objectContaining({ id: 1, ok: false, error: 'no report within 0.2 s' }),
      expect.objectContaining({ id: 2, ok: false, error: 'no report within 0.2 s' }),
    ]);
  });

  it('logs a timer callback that throws instead of failing the run', async () => {
    const scenario = defineScenario({
      name: 'throwing-timer',
      intent: 'A client timer throws while the unit waits.',
      timeline: [{ work: { count: 1 } }],
      expect: [{ outcomes: { ok: 'all' } }],
    });
    const result = await run(fixture('throwing-timer'), scenario);
    expect(result.verdict, result.error).toBe('pass');
    expect(result.clientLog).toContain('[uncaught] a timer callback threw: boom in a timer');
  });

  it('restores the real timers after the run, and calls close()', async () => {
    const scenario = defineScenario({ name: 'one', intent: 'One unit of work, then close.', timeline: [{ work: {} }], expect: [{ outcomes: { ok: 'all' } }] });
    const before = (globalThis as { sleepyClientClosed?: number }).sleepyClientClosed ?? 0;
    expect((await run(fixture('sleepy-client'), scenario)).verdict).toBe('pass');
    expect((globalThis as { sleepyClientClosed?: number }).sleepyClientClosed).toBe(before + 1);
    expect((Date as { isFake?: boolean }).isFake).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 5));
  });
});

describe('moduleDriver: modules that cannot start', () => {
  const env: ClientEnvironment = {
    tokenUrl: 'http://127.0.0.1:1/token',
    issuer: 'http://127.0.0.1:1',
    jwksUrl: 'http://127.0.0.1:1/jwks',
    discoveryUrl: 'http://127.0.0.1:1/.well-known/openid-configuration',
    clientId: 'id',
    clientSecret: 'secret',
    scope: '',
    apiUrl: 'http://127.0.0.1:1',
    tokenHeaders: {},
    apiHeaders: {},
    variables: {},
  };
  const startError = async (file: string, exportName?: string) => {
    const error = await moduleDriver({ file, exportName, fakeTime: false })
      .start(env, { now: Date.now })
      .then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
    expect(error).toBeInstanceOf(HarnessError);
    expect((error as HarnessError).code).toBe('CLIENT_START_FAILED');
    return (error as HarnessError).message;
  };

  it('names a file that does not exist, relative to the working directory', async () => {
    expect(await startError('test/harness/drivers/fixtures/nope.ts')).toMatch(/cannot load the client module "test\/harness\/drivers\/fixtures\/nope.ts": there is no file at \/.*nope\.ts/);
  });

  it('lists what a module exports when createClient is missing', async () => {
    expect(await startError(fixture('wrong-export'))).toMatch(/has no createClient\(\) export; it exports makeClient, version\. .*exportName/);
  });

  it('uses exportName', async () => {
    const session = await moduleDriver({ file: fixture('wrong-export'), exportName: 'makeClient', fakeTime: false }).start(env, { now: Date.now });
    expect(await session.work({ id: 1, op: 'work', method: 'GET', path: '/' }, 1000)).toMatchObject({ id: 1, ok: true });
    expect(await session.close(1000)).toEqual({ code: 0 });
  });

  it('reports what createClient threw', async () => {
    expect(await startError(fixture('throws-on-create'))).toMatch(/createClient\(\) threw: UNDERSTUDY_WIDGET is not set/);
  });

  it('makes the scenario an error with that message', async () => {
    const result = await run(fixture('wrong-export'), reuse);
    expect(result.verdict).toBe('error');
    expect(result.error).toMatch(/has no createClient\(\) export/);
    expect((Date as { isFake?: boolean }).isFake).toBeUndefined();
  });
});

describe('moduleDriver: a factory instead of a file', () => {
  const factoryOf = async (name: string) => ((await import(example(name))) as { createClient: CreateClient }).createClient;

  it('runs the factory it is handed: the reference client passes, token-per-call fails', async () => {
    const good = await runScenarios({ driver: moduleDriver({ createClient: await factoryOf('well-behaved') }), scenarios: [reuse] });
    expect(good.scenarios[0]?.verdict, good.scenarios[0]?.error).toBe('pass');
    const bad = await runScenarios({ driver: moduleDriver({ createClient: await factoryOf('token-per-call') }), scenarios: [reuse] });
    expect(bad.scenarios[0]?.verdict).toBe('fail');
  });

  it("is labelled by the factory's name, and its errors name it too", async () => {
    const makePayrollClient: CreateClient = () => {
      throw new Error('PAYROLL_URL is not set');
    };
    const driver = moduleDriver({ createClient: makePayrollClient, fakeTime: false });
    expect(driver.label).toBe('makePayrollClient()');
    const error = await driver.start({ ...unreachable }, { now: Date.now }).then(
      () => undefined,
      (thrown: unknown) => thrown as HarnessError,
    );
    expect(error).toMatchObject({ code: 'CLIENT_START_FAILED', message: 'cannot start the client factory makePayrollClient(): makePayrollClient() threw: PAYROLL_URL is not set' });
  });

  const usage = (options: unknown): HarnessError => {
    try {
      moduleDriver(options as ModuleDriverOptions);
    } catch (error) {
      expect(error).toBeInstanceOf(HarnessError);
      expect((error as HarnessError).code).toBe('USAGE');
      return error as HarnessError;
    }
    throw new Error('expected moduleDriver to refuse the options');
  };

  it('wants exactly one of file and createClient, and says what each is', () => {
    expect(usage({ file: example('well-behaved'), createClient: () => ({ work: () => ({ ok: true }) }) }).message).toBe(
      'moduleDriver: give either file (a module to import) or createClient (the factory itself), not both',
    );
    expect(usage({}).message).toBe('moduleDriver: give file (a path to a module exporting createClient(env)) or createClient (a function (env) => ({ work(unit), close?() }))');
    expect(usage({ fakeTime: false }).message).toMatch(/^moduleDriver: give file .* or createClient/);
  });

  it('refuses a createClient that is not a function, a file that is not a path, and exportName with a factory', () => {
    expect(usage({ createClient: 'well-behaved' }).message).toBe('moduleDriver: createClient must be a function (env) => ({ work(unit), close?() }), got "well-behaved"');
    expect(usage({ file: 42 }).message).toBe('moduleDriver: file must be a non-empty path to a client module, got 42');
    expect(usage({ createClient: () => ({ work: () => ({ ok: true }) }), exportName: 'makeClient' }).message).toMatch(/exportName names an export of file; with createClient there is no module/);
  });
});

const unreachable: ClientEnvironment = {
  tokenUrl: 'http://127.0.0.1:1/token',
  issuer: 'http://127.0.0.1:1',
  jwksUrl: 'http://127.0.0.1:1/jwks',
  discoveryUrl: 'http://127.0.0.1:1/.well-known/openid-configuration',
  clientId: 'id',
  clientSecret: 'secret',
  scope: '',
  apiUrl: 'http://127.0.0.1:1',
  tokenHeaders: {},
  apiHeaders: {},
  variables: {},
};

/** Wraps a session to record the unit reports. */
function spy<T extends { work: (...args: never[]) => Promise<unknown> }>(session: T, into: unknown[]): T {
  const work = session.work.bind(session);
  return Object.assign(session, {
    work: async (...args: Parameters<T['work']>) => {
      const result = await work(...args);
      into.push(result);
      return result;
    },
  });
}
