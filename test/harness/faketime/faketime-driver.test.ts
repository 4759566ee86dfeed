import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientEnvironment, ClientSession } from '../../../harness/drivers/driver.ts';
import { faketimeCommandDriver, type FaketimeCommandDriver } from '../../../harness/drivers/faketime-driver.ts';
import { hasLibfaketime } from '../../../harness/drivers/faketime-clock.ts';
import { HarnessError } from '../../../harness/errors.ts';
import { runScenarios } from '../../../harness/runner/run-scenarios.ts';
import { defineScenario } from '../../../harness/scenario/define.ts';
import type { ScenarioInput } from '../../../harness/scenario/schema.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const clients = fileURLToPath(new URL('./clients/', import.meta.url));
const probe = `node ${clients}clock-probe.mjs`;

const available = (command: string, args: string[]) => {
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
};
const haveFaketime = hasLibfaketime();
const havePython = haveFaketime && available('python3', ['--version']);
const haveJava = haveFaketime && available('java', ['-version']);

/** Two virtual hours of work against one-hour tokens: 2 units, then every ten minutes 2 more. */
const twoHours = (): ScenarioInput => {
  const timeline: ScenarioInput['timeline'] = [{ work: { count: 2 } }];
  for (let i = 0; i < 12; i += 1) timeline.push({ advance: 540 }, { wait: 60 }, { work: { count: 2, interval: 30 } });
  return defineScenario({
    name: 'two-virtual-hours',
    intent: 'Over two virtual hours of work with one-hour tokens, the client refreshes and never presents an expired token.',
    server: { accessTokenTtl: 3600 } as never,
    timeline,
    expect: [{ tokenRequests: { min: 2 } }, { noExpiredTokenUse: {} }, { outcomes: { ok: 'all' } }],
  });
};

async function runTwoHours(command: string, rate: number) {
  const result = await runScenarios({ driver: faketimeCommandDriver({ command, rate, cwd: root }), scenarios: [twoHours()] });
  const only = result.scenarios[0];
  if (!only) throw new Error('no scenario result');
  return { result: only, details: JSON.stringify({ error: only.error, expectations: only.expectations, log: only.clientLog }, null, 1) };
}

const tokenRequests = (journal: string[]) => journal.filter((line) => / token POST /.test(line) && /-> 200/.test(line));
/** Seconds since the first request, of the journal's last line ("#29 +7577.328s api GET ..."). */
const lastOffsetSeconds = (journal: string[]) => Number(/\+([\d.]+)s/.exec(journal.at(-1) ?? '')?.[1]);

const dummyEnvironment: ClientEnvironment = {
  tokenUrl: 'http://127.0.0.1:9/oauth2/v1/token',
  issuer: 'http://127.0.0.1:9',
  jwksUrl: 'http://127.0.0.1:9/jwks',
  discoveryUrl: 'http://127.0.0.1:9/.well-known/openid-configuration',
  clientId: 'probe',
  clientSecret: 'secret',
  scope: '',
  apiUrl: 'http://127.0.0.1:9/',
  tokenHeaders: {},
  apiHeaders: {},
  variables: {},
};

/** The probe's readings, from its report. */
function readings(error: string | undefined): { clock: number; monotonic: number } {
  const match = /^clock (\d+) monotonic ([\d.]+)$/.exec(error ?? '');
  if (!match) throw new Error(`not a probe report: ${String(error)}`);
  return { clock: Number(match[1]), monotonic: Number(match[2]) };
}

describe.skipIf(!haveFaketime)('faketimeCommandDriver (libfaketime installed)', () => {
  let driver: FaketimeCommandDriver | undefined;
  let session: ClientSession | undefined;
  afterEach(async () => {
    await session?.close(5000);
    driver?.time.uninstall();
    session = undefined;
    driver = undefined;
  });

  /** Starts the probe on a fresh driver and scenario clock, as the runner would. */
  async function startProbe(rate: number, env?: Record<string, string>) {
    driver = faketimeCommandDriver({ command: probe, rate, env });
    driver.time.install();
    session = await driver.start(dummyEnvironment, { now: () => driver?.time.now() ?? Date.now() });
    return { driver, session };
  }

  /** One probe unit: the child's reading must fall between the harness's virtual now before and after. */
  async function reading(path = '/') {
    if (!driver || !session) throw new Error('no probe');
    const before = driver.time.now();
    const result = await session.work({ id: Math.floor(Math.random() * 1e9), op: 'work', method: 'GET', path }, 15_000);
    const after = driver.time.now();
    expect(result.ok, JSON.stringify({ result, log: session.log })).toBe(true);
    return { ...readings(result.error), before, after, elapsedMs: result.elapsedMs };
  }

  it('lives two virtual hours of one-hour tokens in a few real seconds: the reference Node client refreshes and never presents an expired token', async () => {
    const { result, details } = await runTwoHours('node examples/clients/well-behaved.ts', 60);
    expect(result.verdict, details).toBe('pass');
    expect(tokenRequests(result.journal).length).toBeGreaterThanOrEqual(2);
    // Two virtual hours inside the test's real timeout: the clock ran at the rate.
    expect(lastOffsetSeconds(result.journal)).toBeGreaterThan(7200);
  });

  it("keeps the client's clock on the server's: every reading falls inside the harness's window, before and after an advance", async () => {
    const rate = 60;
    const { driver } = await startProbe(rate);
    await reading(); // warm-up unit (rate 1)
    // ms: Date.now() truncation, and the pairing of the real and monotonic clocks, whose error (a
    // fraction of a real millisecond on a loaded machine) the rate multiplies: 5.3 ms was seen at 60x.
    const slack = 5 + rate;
    for (let i = 0; i < 5; i += 1) {
      const r = await reading();
      expect(r.clock).toBeGreaterThanOrEqual(r.before - slack);
      expect(r.clock).toBeLessThanOrEqual(r.after + slack);
    }
    const beforeJump = await reading();
    await driver.time.advance(3600_000);
    const afterJump = await reading();
    expect(afterJump.clock).toBeGreaterThanOrEqual(afterJump.before - slack);
    expect(afterJump.clock).toBeLessThanOrEqual(afterJump.after + slack);
    // The monotonic clock jumps with it, by the hour plus what flowed meanwhile.
    expect(afterJump.monotonic - beforeJump.monotonic).toBeGreaterThanOrEqual(3600_000);
    expect(afterJump.monotonic - beforeJump.monotonic).toBeLessThan(3600_000 + (afterJump.after - beforeJump.before) + 1000);
  });

  it("runs the client's timers at the rate: a 60 s setTimeout takes about one real second at rate 60, and its unit reports 60 virtual seconds", async () => {
    await startProbe(60);
    await reading(); // warm-up unit (rate 1)
    const started = performance.now();
    const slept = await reading('/sleep/60000');
    const real = performance.now() - started;
    expect(real).toBeGreaterThan(500);
    // Far less than the 60 real seconds the sleep would take at rate 1, with room for a loaded machine.
    expect(real).toBeLessThan(30_000);
    expect(slept.elapsedMs).toBeGreaterThanOrEqual(60_000);
  });

  it('flows at real speed until the first report (warm-up), then at the rate', async () => {
    const { driver } = await startProbe(60);
    const v0 = driver.time.now();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(driver.time.now() - v0).toBeLessThan(3000); // rate 1 before any report (rate 60 would be 6 s)
    expect(driver.faketime.rate).toBe(1);
    await reading();
    expect(driver.faketime.rate).toBe(60);
    const v1 = driver.time.now();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(driver.time.now() - v1).toBeGreaterThan(3000);
  });

  it('takes FAKETIME and friends out of the inherited environment, so they cannot override the shared clock', async () => {
    await startProbe(60, { FAKETIME: '@2001-01-01 00:00:00', FAKETIME_START_AFTER_SECONDS: '3600' });
    const r = await reading();
    expect(r.clock).toBeGreaterThanOrEqual(r.before - 5);
    expect(r.clock).toBeLessThanOrEqual(r.after + 5);
  });

  it('removes its timestamp file and shared memory on uninstall', async () => {
    const { driver } = await startProbe(10);
    const environment = driver.environment();
    const [semName, shmName] = String(environment.FAKETIME_SHARED).split(' ');
    const files = [String(environment.FAKETIME_TIMESTAMP_FILE), `/dev/shm/${String(shmName).slice(1)}`, `/dev/shm/sem.${String(semName).slice(1)}`];
    for (const file of files) expect(existsSync(file), file).toBe(true);
    expect(readFileSync(files[0] as string, 'utf8')).toMatch(/^[+-]\d+\.\d{6} x1\n$/);
    expect(environment.LD_PRELOAD).toMatch(/libfaketime(MT)?\.so\.1/);
    await session?.close(5000);
    session = undefined;
    driver.time.uninstall();
    for (const file of files) expect(existsSync(file), file).toBe(false);
  });

  it('runs a run-to-completion program on the same clock, from the `start` it was given', async () => {
    const start = Date.UTC(2031, 0, 1);
    driver = faketimeCommandDriver({ command: `node ${clients}print-clock.mjs`, rate: 60, start });
    driver.time.install();
    const before = driver.time.now();
    const { exit, log } = await driver.runToCompletion(dummyEnvironment, 15_000);
    const after = driver.time.now();
    expect(exit.code, log.join('\n')).toBe(0);
    const clock = Number(/^clock (\d+)$/.exec(log.find((line) => line.startsWith('clock')) ?? '')?.[1]);
    expect(before).toBeGreaterThanOrEqual(start);
    expect(clock).toBeGreaterThanOrEqual(before - 5);
    expect(clock).toBeLessThanOrEqual(after + 5);
    expect(new Date(clock).getUTCFullYear()).toBe(2031);
  });

  it.skipIf(!havePython)('works for a Python client (urllib, time.time): two virtual hours, refreshed tokens', async () => {
    const { result, details } = await runTwoHours(`python3 ${clients}token_client.py`, 60);
    expect(result.verdict, details).toBe('pass');
    expect(tokenRequests(result.journal).length).toBeGreaterThanOrEqual(2);
  });

  it.skipIf(!haveJava)(
    'works for a Java client (java.net.http, Instant.now; JVM under LD_PRELOAD): two virtual hours, refreshed tokens',
    async () => {
      const { result, details } = await runTwoHours(`java ${clients}TokenClient.java`, 60);
      expect(result.verdict, details).toBe('pass');
      expect(tokenRequests(result.journal).length).toBeGreaterThanOrEqual(2);
    },
    60_000,
  );
});

describe.skipIf(process.platform !== 'linux')('faketimeCommandDriver: set-up errors', () => {
  it('says how to install libfaketime when it is missing (CLIENT_START_FAILED)', () => {
    const attempt = () => faketimeCommandDriver({ command: 'true', rate: 60, libfaketime: '/nonexistent/libfaketimeMT.so.1' });
    expect(attempt).toThrow(HarnessError);
    try {
      attempt();
    } catch (error) {
      expect((error as HarnessError).code).toBe('CLIENT_START_FAILED');
      expect((error as HarnessError).message).toMatch(/apt-get install -y faketime/);
    }
  });

  it.skipIf(!haveFaketime)('refuses a rate that is not a positive number (USAGE)', () => {
    for (const rate of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => faketimeCommandDriver({ command: 'true', rate })).toThrow(/rate must be a positive number/);
    }
  });
});
