import { setTimeout as sleep } from 'node:timers/promises';
import { defaultScopeOf } from '../../server/config/index.ts';
import { createClock, createServer, type UnderstudyServer } from '../../server/index.ts';
import type { JournalEntry } from '../../server/journal/types.ts';
import type { ClientEnvironment, ClientExit, ClientSession, Driver, TimeControl, WorkRequest, WorkResult } from '../drivers/driver.ts';
import { template } from '../drivers/environment.ts';
import { judge, type ExpectationResult } from '../expectations/judge.ts';
import { describeEntry } from '../expectations/evidence.ts';
import type { Expectation, Scenario, Step } from '../scenario/schema.ts';
import { HarnessError, type HarnessErrorCode } from '../errors.ts';

/**
 * A scenario's outcome: `pass` when no `must` expectation failed (`should` failures are only
 * reported), `fail` when one did, `error` when it could not be judged (the client would not start,
 * a step broke, a timeout, no expectations).
 */
export type Verdict = 'pass' | 'fail' | 'error';

/** The outcome of one scenario: a public contract through the JSON reporter. */
export interface ScenarioResult {
  name: string;
  file?: string;
  intent: string;
  tags: string[];
  verdict: Verdict;
  expectations: ExpectationResult[];
  /** Why the scenario could not be judged (verdict "error"). */
  error?: string;
  /** Set when the error is the harness's kind, e.g. CLIENT_START_FAILED for a client that cannot run. */
  errorCode?: HarnessErrorCode;
  durationMs: number;
  /** What the client printed that was not a report (last lines). */
  clientLog: string[];
  /** The whole journal of the scenario, one readable line per request. */
  journal: string[];
}

/** How `runScenario()` runs one scenario: the client to drive, and a hook to reach the scenario's server. */
export interface RunScenarioOptions {
  /** How the client under test is started and talked to (`commandDriver`, `moduleDriver`, `httpDriver`...). */
  driver: Driver;
  /** Hook: the server is up (e.g. the vitest integration exposes it). */
  onServer?: (server: UnderstudyServer) => void;
}

const DEFAULT_UNIT_TIMEOUT_S = 30;
const DEFAULT_SCENARIO_TIMEOUT_S = 60;
const CLOSE_TIMEOUT_MS = 5000;

/**
 * Runs one scenario on a server of its own (ephemeral port): starts the client through the
 * driver, plays the timeline, and judges the expectations on the journal and the client's
 * reports. Never throws: whatever goes wrong becomes a verdict with the client's log attached.
 */
export async function runScenario(scenario: Scenario, options: RunScenarioOptions): Promise<ScenarioResult> {
  const started = performance.now();
  const result: ScenarioResult = {
    name: scenario.name,
    file: scenario.file,
    intent: scenario.intent,
    tags: scenario.tags ?? [],
    verdict: 'error',
    expectations: [],
    durationMs: 0,
    clientLog: [],
    journal: [],
  };
  let server: UnderstudyServer | undefined;
  let session: ClientSession | undefined;
  const time = options.driver.time;
  // Virtual time the scenario started: every "+N s" in its report counts from here.
  let origin: number | undefined;
  try {
    time?.install();
    // With fake timers the server's clock follows the client's time, so a one-hour lifetime
    // passes in one `advance` step for both of them.
    const clock = time ? createClock({ realNow: () => time.now() }) : undefined;
    server = await createServer({ port: 0, config: scenario.server as never, clock });
    options.onServer?.(server);
    const env = clientEnvironment(scenario, server);
    origin = server.clock.nowMs() / 1000;
    const start = origin;
    const level = scenario.level ?? 'must';
    const rule = scenario.tags?.find((t) => t.startsWith('rule:'))?.slice('rule:'.length) ?? scenario.name;
    const judgeAll = (expectations: Expectation[] | undefined, entries: JournalEntry[], units: WorkResult[], exit?: ClientExit) =>
      (expectations ?? []).map((expectation) => judge(expectation, { entries, origin: start, units, exit }, { level, rule }));

    if (scenario.mode === 'run-to-completion') {
      if (!options.driver.runToCompletion) throw new HarnessError('USAGE', 'run-to-completion scenarios need a program to run: the command driver (--client "CMD")');
      const { exit, log } = await options.driver.runToCompletion(env, (scenario.timeout ?? DEFAULT_SCENARIO_TIMEOUT_S) * 1000);
      result.clientLog = log.slice(-50);
      if (exit.code === 126 || exit.code === 127) {
        throw new HarnessError('CLIENT_START_FAILED', `the client "${options.driver.label}" could not be run (exit ${exit.code}); check the --client command`);
      }
      result.expectations = judgeAll(scenario.expect, server.journal.entries(), [], exit);
    } else {
      session = await options.driver.start(env, { now: () => server?.clock.nowMs() ?? Date.now(), hungRequests: () => server?.hungRequests() ?? 0 });
      const stop = new AbortController();
      const timeline = playTimeline(scenario, server, session, judgeAll, time, stop.signal);
      const timeoutMs = (scenario.timeout ?? DEFAULT_SCENARIO_TIMEOUT_S) * 1000;
      const outcome = await Promise.race([timeline, sleep(timeoutMs, 'timeout' as const, { ref: false })]);
      if (outcome === 'timeout') {
        // The timeline must not go on handing work to a client that is being closed.
        stop.abort();
        timeline.catch(() => undefined);
        throw new Error(`the scenario did not finish within its ${timeoutMs / 1000} s timeout`);
      }
      // Hung requests are released before the client is asked to finish.
      server.faults.clear();
      const exit = await session.close(CLOSE_TIMEOUT_MS);
      result.clientLog = session.log.slice(-50);
      if (session.startFailure) throw new HarnessError('CLIENT_START_FAILED', session.startFailure);
      result.expectations = [...outcome.checkpoints, ...judgeAll(scenario.expect, server.journal.entries(), outcome.units, exit)];
    }
    const mustFail = result.expectations.some((e) => e.verdict === 'fail' && e.level === 'must');
    result.verdict = result.expectations.length === 0 ? 'error' : mustFail ? 'fail' : 'pass';
    if (result.expectations.length === 0) result.error = 'the scenario has no expectations to judge';
  } catch (error) {
    result.verdict = 'error';
    result.error = error instanceof Error ? error.message : String(error);
    if (error instanceof HarnessError) result.errorCode = error.code;
  } finally {
    if (session) {
      server?.faults.clear();
      await session.close(CLOSE_TIMEOUT_MS).catch(() => undefined);
      if (result.clientLog.length === 0) result.clientLog = session.log.slice(-50);
    }
    if (server) {
      result.journal = server.journal.entries().map((entry) => describeEntry(entry, origin ?? entry.time));
      await server.close();
    }
    time?.uninstall();
    result.durationMs = Math.round(performance.now() - started);
  }
  return result;
}

interface TimelineOutcome {
  units: WorkResult[];
  checkpoints: ExpectationResult[];
}

async function playTimeline(
  scenario: Scenario,
  server: UnderstudyServer,
  session: ClientSession,
  judgeAll: (expectations: Expectation[] | undefined, entries: JournalEntry[], units: WorkResult[]) => ExpectationResult[],
  time: TimeControl | undefined,
  signal: AbortSignal,
): Promise<TimelineOutcome> {
  const units: WorkResult[] = [];
  const checkpoints: ExpectationResult[] = [];
  let nextId = 1;
  let segmentStartSeq = 0;
  let segmentStartUnit = 0;
  const defaultRoute = server.config.api.routes[0];

  for (const step of scenario.timeline) {
    if (signal.aborted) break;
    if ('work' in step) {
      const spec = step.work;
      const timeoutMs = (spec.timeout ?? DEFAULT_UNIT_TIMEOUT_S) * 1000;
      const requests: WorkRequest[] = Array.from({ length: spec.count ?? 1 }, () => ({
        id: nextId++,
        op: 'work',
        method: spec.method ?? defaultRoute?.method ?? 'GET',
        path: spec.path ?? defaultRoute?.path ?? '/',
        ...(spec.body === undefined ? {} : { body: spec.body }),
      }));
      if (spec.concurrent) {
        units.push(...(await Promise.all(requests.map((request) => session.work(request, timeoutMs)))));
      } else {
        for (const [index, request] of requests.entries()) {
          if (signal.aborted) break;
          if (index > 0 && spec.interval) await pause(spec.interval * 1000, time);
          units.push(await session.work(request, timeoutMs));
        }
      }
    } else if ('advance' in step) {
      if (time) await time.advance(step.advance * 1000);
      else server.clock.advance(step.advance);
    } else if ('wait' in step) {
      await pause(step.wait * 1000, time);
    } else if ('fault' in step) {
      applyFaultStep(server, step.fault);
    } else if ('revoke' in step) {
      revoke(server, step.revoke, scenario);
    } else if ('rotate-keys' in step) {
      await server.keys.rotate({ grace: step['rotate-keys'].grace });
    } else if ('expect' in step) {
      const entries = server.journal.entries({ since: segmentStartSeq });
      checkpoints.push(...judgeAll(step.expect, entries, units.slice(segmentStartUnit)));
      segmentStartSeq = server.journal.recorded;
      segmentStartUnit = units.length;
    } else {
      assertNever(step);
    }
  }
  return { units, checkpoints };
}

/** A pause of `ms`: real time, or fake time when the client runs on fake timers. */
function pause(ms: number, time: TimeControl | undefined): Promise<unknown> {
  return time ? time.advance(ms) : sleep(ms);
}

function applyFaultStep(server: UnderstudyServer, fault: Extract<Step, { fault: unknown }>['fault']): void {
  if ('remove' in fault && typeof fault.remove === 'string') {
    if (!server.faults.remove(fault.remove)) throw new HarnessError('SCENARIO_INVALID', `fault step: no rule with id ${fault.remove} to remove (give the rule an id when adding it)`);
  }
  else if ('clear' in fault && fault.clear === true) server.faults.clear();
  else server.faults.add(fault);
}

function revoke(server: UnderstudyServer, what: Extract<Step, { revoke: unknown }>['revoke'], scenario: Scenario): void {
  if ('jti' in what && what.jti) {
    const jti = what.jti === 'last' ? server.journal.entries({ endpoint: ['token'] }).findLast((e) => e.issued)?.issued?.jti : what.jti;
    if (!jti) throw new Error('revoke: {jti: "last"} but no token was issued yet');
    server.revoke({ jti });
  } else {
    server.revoke({ clientId: ('clientId' in what && what.clientId) || scenario.client?.id || (server.config.clients[0]?.id as string) });
  }
}

function clientEnvironment(scenario: Scenario, server: UnderstudyServer): ClientEnvironment {
  const client = scenario.client ?? {};
  const configured = server.config.clients.find((c) => c.id === client.id) ?? server.config.clients[0];
  if (!configured) throw new Error('the scenario server has no client configured');
  const defaultScope = defaultScopeOf(configured, server.config.profile);
  const base = {
    tokenUrl: server.urls.tokenUrl,
    issuer: server.urls.issuer,
    jwksUrl: server.urls.jwksUrl,
    discoveryUrl: server.urls.discoveryUrl,
    clientId: client.id ?? configured.id,
    clientSecret: client.secret ?? configured.secret ?? '',
    scope: client.scope ?? defaultScope,
    apiUrl: server.url,
    tokenHeaders: client.tokenHeaders ?? {},
    apiHeaders: client.apiHeaders ?? {},
  };
  const variables = Object.fromEntries(Object.entries(client.env ?? {}).map(([name, value]) => [name, template(value, base)]));
  return { ...base, variables };
}

function assertNever(value: never): never {
  throw new Error(`unknown step ${JSON.stringify(value)}`);
}
