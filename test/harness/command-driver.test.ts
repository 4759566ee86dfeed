import { readFileSync } from 'node:fs';
/**
 * The command driver against real child processes that misbehave: crashes, silence, noise,
 * ignoring EOF, a missing command, answers out of order, and run-to-completion programs.
 * The fixture clients are small plain-Node scripts in fixtures/clients/.
 */
import { chmod } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { commandDriver, type CommandDriverOptions } from '../../harness/drivers/command-driver.ts';
import type { ClientEnvironment, ClientSession, WorkRequest } from '../../harness/drivers/driver.ts';
import { runScenario, type ScenarioResult } from '../../harness/runner/run-scenario.ts';
import { validateScenario } from '../../harness/scenario/load.ts';
import type { ScenarioInput } from '../../harness/scenario/schema.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const clientPath = (name: string) => fileURLToPath(new URL(`./fixtures/clients/${name}`, import.meta.url));
const node = (name: string) => `node ${JSON.stringify(clientPath(name))}`;

/** Nothing listens here: the session-level tests use clients that never call out. */
const DUMMY_ENV: ClientEnvironment = {
  tokenUrl: 'http://127.0.0.1:9/oauth2/v1/token',
  issuer: 'https://identity.oraclecloud.com/',
  jwksUrl: 'http://127.0.0.1:9/admin/v1/SigningCert/jwk',
  discoveryUrl: 'http://127.0.0.1:9/.well-known/openid-configuration',
  clientId: 'demo-client',
  clientSecret: 'demo-secret',
  scope: 'urn:opc:resource:consumer::all',
  apiUrl: 'http://127.0.0.1:9',
  tokenHeaders: {},
  apiHeaders: {},
  variables: {},
};

const unit = (id: number): WorkRequest => ({ id, op: 'work', method: 'GET', path: '/hcmRestApi/resources/11.13.18.05/emps' });

const sessions: ClientSession[] = [];
async function start(options: CommandDriverOptions): Promise<ClientSession> {
  const session = await commandDriver(options).start(DUMMY_ENV, { now: () => Date.now() });
  sessions.push(session);
  return session;
}
afterEach(async () => {
  // Whatever a test left running is asked to finish (and killed if it does not).
  await Promise.all(sessions.splice(0).map((session) => session.close(200)));
});

async function scenario(input: ScenarioInput, options: CommandDriverOptions): Promise<ScenarioResult> {
  return runScenario(validateScenario(input, input.name ?? 'inline'), { driver: commandDriver(options) });
}

const failures = (result: ScenarioResult) => result.expectations.filter((e) => e.verdict === 'fail');

describe('a client that crashes after its first report', () => {
  it('fails the later units with "exited", judges the scenario as fail (not error) and attaches its log', async () => {
    const result = await scenario(
      {
        name: 'crash',
        intent: 'A client that crashes is judged, not a harness error.',
        timeline: [{ work: { count: 3, timeout: 5 } }],
        expect: [{ outcomes: { ok: 'all' } }, { outcomes: { ok: 1, failed: 2 }, name: 'one ok, two lost' }],
      },
      { command: node('crash-on-second.mjs') },
    );
    expect(result.verdict, result.error).toBe('fail');
    expect(result.error).toBeUndefined();
    expect(result.errorCode).toBeUndefined();
    const [all, counted] = result.expectations;
    expect(all?.verdict).toBe('fail');
    expect(all?.explanation).toContain('unit 2: the client exited (code 3) before reporting this unit');
    expect(all?.explanation).toContain('unit 3: the client had already exited (code 3)');
    expect(counted?.verdict).toBe('pass');
    expect(result.clientLog).toContain('[stderr] boom: the client fell over on its second unit');
  });

  it('at the session level: a unit in flight when the client dies, then every later unit, fail at once', async () => {
    const session = await start({ command: node('crash-on-second.mjs') });
    expect(await session.work(unit(1), 5000)).toMatchObject({ id: 1, ok: true, status: 200 });
    const second = await session.work(unit(2), 5000);
    // The exit, not the 5 s unit timeout, ends it.
    expect(second).toMatchObject({ id: 2, ok: false });
    expect(second.error).toMatch(/exited \(code 3\)/);
    expect(await session.work(unit(3), 5000)).toMatchObject({ id: 3, ok: false, error: 'the client had already exited (code 3)', elapsedMs: 0 });
    expect(await session.close(200)).toEqual({ code: 3, signal: null });
    expect(session.startFailure).toBeUndefined();
  });
});

describe('a client that never reports', () => {
  it('fails the unit with the unit timeout and the run goes on to the next steps', async () => {
    const started = performance.now();
    const result = await scenario(
      {
        name: 'silent',
        intent: 'A silent client times out unit by unit and the scenario is still judged.',
        timeline: [
          { work: { count: 1, timeout: 1 } },
          { expect: [{ outcomes: { failed: 'all' }, name: 'first unit timed out' }] },
          { work: { count: 1, timeout: 0.25 } },
        ],
        expect: [{ outcomes: { ok: 'all' }, name: 'every unit ok' }, { tokenRequests: { exactly: 0 } }],
      },
      { command: node('never-reports.mjs') },
    );
    const elapsed = performance.now() - started;
    expect(result.verdict, result.error).toBe('fail');
    expect(result.expectations.map((e) => [e.name, e.verdict])).toEqual([
      ['first unit timed out', 'pass'],
      ['every unit ok', 'fail'],
      ['token requests', 'pass'],
    ]);
    const explanation = result.expectations[1]?.explanation ?? '';
    expect(explanation).toContain('0 of 2 units succeeded');
    expect(explanation).toContain('unit 1: no report within 1 s');
    expect(explanation).toContain('unit 2: no report within 0.25 s');
    // The client's own output is kept.
    expect(result.clientLog.some((line) => line.startsWith('[stderr] got '))).toBe(true);
    // Both unit timeouts were waited out (a lower bound only: a loaded machine is slower, never faster).
    expect(elapsed).toBeGreaterThanOrEqual(1200);
  });

  it('a report that comes after its unit timed out is kept as log, never matched to a later unit', async () => {
    const session = await start({ command: node('slow-reporter.mjs'), env: { DELAY_MS: '400' } });
    expect(await session.work(unit(1), 150)).toMatchObject({ id: 1, ok: false, error: 'no report within 0.15 s' });
    // Unit 2 is handed over while unit 1's late report is on its way.
    const second = await session.work(unit(2), 2000);
    expect(second).toMatchObject({ id: 2, ok: true, status: 200 });
    expect(second.elapsedMs).toBeGreaterThanOrEqual(350);
    expect(session.log).toContain(JSON.stringify({ id: 1, ok: true, status: 200 }));
    expect(session.log).not.toContain(JSON.stringify({ id: 2, ok: true, status: 200 }));
  });
});

describe('a noisy client', () => {
  it('keeps non-JSON lines, JSON that is not a report and reports for unknown ids as log', async () => {
    const result = await scenario(
      {
        name: 'noisy',
        intent: 'Log lines around the reports do not confuse the protocol.',
        timeline: [{ work: { count: 2, timeout: 5 } }],
        expect: [{ outcomes: { ok: 'all' } }],
      },
      { command: node('noisy.mjs') },
    );
    expect(result.verdict, result.error).toBe('pass');
    expect(result.clientLog).toEqual(
      expect.arrayContaining([
        'starting up the noisy client',
        '{not json at all',
        JSON.stringify({ level: 'info', msg: 'structured log line' }),
        JSON.stringify({ id: 999, ok: true, status: 200 }),
        'working on unit 1',
        JSON.stringify({ id: 1001, ok: false, error: 'not yours' }),
        JSON.stringify({ id: 1002, ok: false, error: 'not yours' }),
      ]),
    );
    expect(result.clientLog.some((line) => line === JSON.stringify({ id: 1, ok: true, status: 200 }))).toBe(false);
  });
});

describe('a client that ignores EOF', () => {
  it('is killed (SIGTERM) once the close timeout has passed', async () => {
    const session = await start({ command: node('ignores-eof.mjs') });
    expect(await session.work(unit(1), 5000)).toMatchObject({ ok: true });
    const started = performance.now();
    const exit = await session.close(300);
    const waited = performance.now() - started;
    expect(exit).toMatchObject({ killed: true, signal: 'SIGTERM' });
    expect(waited).toBeGreaterThanOrEqual(280);
    expect(waited).toBeLessThan(1500);
    expect(session.log).toContain('[stderr] stdin closed, staying alive anyway');
  });

  it('in a scenario: is killed after the run\'s close timeout and the scenario is still judged', async () => {
    const result = await scenario(
      {
        name: 'stubborn',
        intent: 'A client that will not exit is killed and judged.',
        timeline: [{ work: { count: 2, timeout: 5 } }],
        expect: [{ outcomes: { ok: 'all' } }],
      },
      { command: node('ignores-eof.mjs') },
    );
    expect(result.verdict, result.error).toBe('pass');
    expect(result.durationMs).toBeGreaterThanOrEqual(4900);
  }, 15_000);

  it('a client that also ignores SIGTERM is killed for good (SIGKILL) after the grace period', async () => {
    const session = await start({ command: `cd ${JSON.stringify(FIXTURES)} && node clients/ignores-eof.mjs`, env: { IGNORE_SIGTERM: '1' } });
    let pid: number | undefined;
    try {
      expect(await session.work(unit(1), 5000)).toMatchObject({ ok: true });
      for (let i = 0; i < 50 && pid === undefined; i += 1) {
        const line = session.log.find((l) => l.startsWith('[stderr] pid '));
        if (line) pid = Number(line.slice('[stderr] pid '.length));
        else await sleep(20);
      }
      expect(pid).toBeTypeOf('number');
      await session.close(200);
      await sleep(100);
      expect(isAlive(pid as number), `client process ${pid} still running after close()`).toBe(false);
    } finally {
      if (pid !== undefined && isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  }, 10_000);
});

/** Running, not a zombie: where PID 1 does not reap orphans (containers), killed ones linger as Z. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

describe('a client that cannot be run', () => {
  const input: ScenarioInput = {
    name: 'missing',
    intent: 'A command that does not exist is a harness error, not a failing client.',
    timeline: [{ work: { count: 2, timeout: 5 } }],
    expect: [{ outcomes: { ok: 'all' } }],
  };

  it('a command that does not exist: verdict error, errorCode CLIENT_START_FAILED, the shell\'s words in the message', async () => {
    const result = await scenario(input, { command: 'understudy-no-such-client-command --flag' });
    expect(result.verdict).toBe('error');
    expect(result.errorCode).toBe('CLIENT_START_FAILED');
    expect(result.error).toContain('the client "understudy-no-such-client-command --flag" could not be run (exit 127');
    expect(result.error).toMatch(/not found/);
    expect(result.expectations).toEqual([]);
  });

  it('a file that is not executable: CLIENT_START_FAILED (exit 126)', async () => {
    await chmod(clientPath('never-reports.mjs'), 0o644);
    const result = await scenario(input, { command: JSON.stringify(clientPath('never-reports.mjs')) });
    expect(result.verdict).toBe('error');
    expect(result.errorCode).toBe('CLIENT_START_FAILED');
    expect(result.error).toContain('exit 126');
  });

  it('a working directory that does not exist: CLIENT_START_FAILED from spawn', async () => {
    const result = await scenario(input, { command: node('noisy.mjs'), cwd: `${FIXTURES}no-such-dir` });
    expect(result.verdict).toBe('error');
    expect(result.errorCode).toBe('CLIENT_START_FAILED');
    expect(result.error).toContain('cannot start the client');
  });
});

describe('concurrent units answered out of order', () => {
  it('are matched to their units by id', async () => {
    const session = await start({ command: node('out-of-order.mjs'), env: { BATCH: '4' } });
    const results = await Promise.all([1, 2, 3, 4].map((id) => session.work(unit(id), 5000)));
    expect(results.map(({ id, ok, status, error }) => ({ id, ok, status, error }))).toEqual([
      { id: 1, ok: true, status: 201, error: undefined },
      { id: 2, ok: false, status: 202, error: 'unit 2 refused' },
      { id: 3, ok: true, status: 203, error: undefined },
      { id: 4, ok: false, status: 204, error: 'unit 4 refused' },
    ]);
    // Answered in reverse: the last unit's report came first.
    const [first, , , last] = results;
    expect((last?.elapsedMs ?? 0) <= (first?.elapsedMs ?? 0) + 50).toBe(true);
  });

  it('in a scenario: concurrent units are judged on their own reports', async () => {
    const result = await scenario(
      {
        name: 'reverse',
        intent: 'Units answered in reverse order are matched by id.',
        timeline: [{ work: { count: 3, concurrent: true, timeout: 5 } }],
        expect: [{ outcomes: { ok: 2, failed: 1 } }, { outcomes: { ok: 'all' } }],
      },
      { command: node('out-of-order.mjs'), env: { BATCH: '3' } },
    );
    expect(result.verdict, result.error).toBe('fail');
    expect(result.expectations.map((e) => e.verdict)).toEqual(['pass', 'fail']);
    expect(result.expectations[1]?.explanation).toContain('The client said: unit 2: unit 2 refused.');
  });
});

describe('run-to-completion mode', () => {
  const runOnce = (env: Record<string, string>, expect: ScenarioInput['expect']): ScenarioInput => ({
    name: 'batch-job',
    intent: 'A batch program that fetches tokens, calls the API once and exits.',
    mode: 'run-to-completion',
    client: { env },
    timeline: [{ work: {} }],
    expect,
  });

  it('judges the exit code and the journal', async () => {
    const result = await scenario(
      runOnce({ TOKENS: '2', EXIT_CODE: '0' }, [{ exitCode: 0 }, { tokenRequests: { exactly: 2 } }, { apiCalls: { exactly: 1 } }, { tokenRequests: { max: 1 }, name: 'reuses its token' }]),
      { command: node('run-once.mjs') },
    );
    expect(result.verdict, result.error).toBe('fail');
    expect(result.expectations.map((e) => [e.name, e.verdict])).toEqual([
      ['exit code', 'pass'],
      ['token requests', 'pass'],
      ['API calls', 'pass'],
      ['reuses its token', 'fail'],
    ]);
    expect(result.expectations[3]?.evidence).toHaveLength(2);
    expect(result.clientLog).toContain('api answered 200');
    expect(result.journal).toHaveLength(3);
  });

  it('fails a program that exits with another code', async () => {
    const result = await scenario(runOnce({ EXIT_CODE: '4' }, [{ exitCode: 0 }]), { command: node('run-once.mjs') });
    expect(result.verdict).toBe('fail');
    expect(result.expectations[0]?.explanation).toBe('The program exited with 4; expected 0.');
  });

  it("runs the program in the command driver's cwd", async () => {
    const result = await scenario(runOnce({}, [{ exitCode: 0 }]), { command: 'node ./clients/run-once.mjs', cwd: FIXTURES });
    expect(result.expectations[0]?.explanation).toBe('The program exited with 0; expected 0.');
  });

  it("gives the program the command driver's extra environment", async () => {
    const result = await scenario(runOnce({}, [{ exitCode: 5 }]), { command: node('run-once.mjs'), env: { EXIT_CODE: '5' } });
    expect(result.expectations[0]?.verdict).toBe('pass');
  });

  it('a command that does not exist is CLIENT_START_FAILED here too', async () => {
    const result = await scenario(runOnce({}, [{ exitCode: 0 }]), { command: 'understudy-no-such-batch-job' });
    expect(result.verdict).toBe('error');
    expect(result.errorCode).toBe('CLIENT_START_FAILED');
  });
});
