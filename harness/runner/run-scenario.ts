import { setTimeout as sleep } from 'node:timers/promises';
import { createClock, createServer, type UnderstudyServer } from '../../server/index.ts';
import type { JournalEntry } from '../../server/journal/types.ts';
import type { ClientEnvironment, ClientExit, ClientSession, Driver, TimeControl, WorkRequest } from '../drivers/driver.ts';
import { judge, scenarioVerdict, type ExpectationResult, type UnitRecord } from '../expectations/judge.ts';
import { describeEntry } from '../expectations/evidence.ts';
import type { BoundsInput } from '../scenario/bounds.ts';
import { notApplicableReason, resolveDeclaration, type ClientDeclaration, type ClientDeclarationInput } from '../scenario/declaration.ts';
import type { Expectation, Scenario, Step } from '../scenario/schema.ts';
import { HarnessError, type HarnessErrorCode } from '../errors.ts';
import { realTimeClientClock, type ClockStep } from './client-clock.ts';
import { clientEnvironment, tagUnitPath } from './client-environment.ts';
import { registerClient } from './client-registration.ts';
import { playSignIn, playSignOut, signInUser, skippedStep, type SignInStage } from './play-sign-in.ts';
import { createPerson } from '../person/create-person.ts';
import type { BrowserKind, Person } from '../person/person.ts';
import type { SignInRecord } from '../expectations/judge-input.ts';

/**
 * A scenario's outcome:
 * - `pass`: every `must` expectation was put to the test and held (`should` failures are only reported);
 * - `fail`: a `must` expectation was broken;
 * - `error`: it could not be judged (the client would not start, a step broke, a timeout);
 * - `not-exercised`: it ran, but nothing gave the client a chance to break a `must` rule (`reason` says what was missing);
 * - `not-applicable`: the client does not do what the scenario is about (`reason` says why and what to declare if it does).
 * Only `fail` and `error` make `understudy run` exit 1.
 */
export type Verdict = 'pass' | 'fail' | 'error' | 'not-exercised' | 'not-applicable';

/** The outcome of one scenario: a public contract through the JSON reporter. */
export interface ScenarioResult {
  name: string;
  file?: string;
  intent: string;
  tags: string[];
  verdict: Verdict;
  expectations: ExpectationResult[];
  /** Why the verdict is `not-applicable` or `not-exercised`, in a sentence. */
  reason?: string;
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

/** How `runScenario()` runs one scenario: the client to drive, what it declares it does, and a hook to reach the scenario's server. */
export interface RunScenarioOptions {
  /** How the client under test is started and talked to (`commandDriver`, `moduleDriver`, `httpDriver`...). */
  driver: Driver;
  /**
   * What the client does (grants, request timeout, headers it sends; see docs/rules.md):
   * a scenario that needs something else is `not-applicable`. Default: client_credentials, no
   * request timeout, both kinds of configured headers.
   */
  declaration?: ClientDeclarationInput | ClientDeclaration;
  /** Bounds of the verdicts (win over the declaration's own `bounds`); with a declaration that `resolveDeclaration()` already resolved, its bounds are used as they are. */
  bounds?: BoundsInput;
  /** Hook: the server is up (e.g. the vitest integration exposes it). */
  onServer?: (server: UnderstudyServer) => void;
  /** How the harness plays the person in sign-in steps: over HTTP (default) or in headless Chromium. */
  browser?: BrowserKind;
}

const DEFAULT_UNIT_TIMEOUT_S = 30;
/** Seconds a client has to answer a sign-in operation: it computes a URL or redeems one code. */
const SIGN_IN_TIMEOUT_S = 10;
const DEFAULT_SCENARIO_TIMEOUT_S = 60;
const CLOSE_TIMEOUT_MS = 5000;
/** Seconds a unit's backstop timeout and the scenario's exceed the give-up bound of a hang scenario. */
const BACKSTOP_SLACK_S = 10;

/**
 * Runs one scenario on a server of its own (ephemeral port): starts the client through the
 * driver, plays the timeline, lets the journal settle, and judges the expectations on the journal
 * and the client's reports. Never throws: whatever goes wrong becomes a verdict with the client's
 * log attached. A scenario that needs what the client does not declare is not run at all.
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
    const declaration = isResolved(options.declaration) ? options.declaration : resolveDeclaration([options.declaration], options.bounds);
    const inapplicable = notApplicableReason(scenario.needs, declaration);
    if (inapplicable) {
      result.verdict = 'not-applicable';
      result.reason = inapplicable;
      return result;
    }
    time?.install();
    // With fake timers the server's clock follows the client's time, so a one-hour lifetime
    // passes in one `advance` step for both of them.
    const clock = time ? createClock({ realNow: () => time.now() }) : undefined;
    // The API accepts a token 2 s past its whole-second exp (unless the scenario says otherwise),
    // so that exp's rounding never refuses a client that refreshes on time: the judge decides
    // lateness on what the client was told.
    const registered = await registerClient(withScenarioLeeway(scenario.server), scenario.client?.id, declaration.redirectUri);
    server = await createServer({ port: 0, config: registered.config as never, clock });
    options.onServer?.(server);
    checkSignInUsers(scenario, server);
    const env = clientEnvironment(scenario, server, declaration, registered.assertionKey);
    origin = server.clock.nowMs() / 1000;
    const context: JudgeContext = { scenario, declaration, origin, steps: [], onSharedClock: time !== undefined, apiLeeway: server.config.leeway, env, browser: options.browser ?? 'http' };
    const backstop = giveUpBackstop(scenario, declaration);
    const scenarioTimeoutMs = Math.max(scenario.timeout ?? DEFAULT_SCENARIO_TIMEOUT_S, backstop ?? 0) * 1000;

    if (scenario.mode === 'run-to-completion') {
      if (!options.driver.runToCompletion) throw new HarnessError('USAGE', 'run-to-completion scenarios need a program to run: the command driver (--client "CMD")');
      const { exit, log } = await options.driver.runToCompletion(env, scenarioTimeoutMs);
      result.clientLog = log.slice(-50);
      if (exit.code === 126 || exit.code === 127) {
        throw new HarnessError('CLIENT_START_FAILED', `the client "${options.driver.label}" could not be run (exit ${exit.code}); check the --client command`);
      }
      await server.settle({ endHeld: true });
      result.expectations = judgeAll(context, scenario.expect, { entries: server.journal.entries() }, [], exit);
    } else {
      session = await options.driver.start(env, { now: () => server?.clock.nowMs() ?? Date.now(), hungRequests: () => server?.hungRequests() ?? 0 });
      const stop = new AbortController();
      const timeline = playTimeline(context, server, session, time, stop.signal, backstop);
      const outcome = await Promise.race([timeline, sleep(scenarioTimeoutMs, 'timeout' as const, { ref: false })]);
      if (outcome === 'timeout') {
        // The timeline must not go on handing work to a client that is being closed.
        stop.abort();
        timeline.catch(() => undefined);
        throw new Error(`the scenario did not finish within its ${scenarioTimeoutMs / 1000} s timeout`);
      }
      // Requests still held end without an answer (journaled as such, never as answered),
      // then the client is closed, then whatever it sent while closing is waited for.
      await server.settle({ endHeld: true });
      const exit = await session.close(CLOSE_TIMEOUT_MS);
      await server.settle({ endHeld: true });
      result.clientLog = session.log.slice(-50);
      if (session.startFailure) throw new HarnessError('CLIENT_START_FAILED', session.startFailure);
      result.expectations = [...outcome.checkpoints, ...judgeAll(context, scenario.expect, { entries: server.journal.entries(), signIns: outcome.signIns }, outcome.units, exit)];
    }
    if (result.expectations.length === 0) {
      result.error = 'the scenario has no expectations to judge';
    } else {
      result.verdict = scenarioVerdict(result.expectations);
      if (result.verdict === 'not-exercised') {
        result.reason = result.expectations.filter((e) => e.level === 'must' && e.verdict !== 'pass').map((e) => `${e.name}: ${e.explanation}`).join(' ');
      }
    }
  } catch (error) {
    result.verdict = 'error';
    result.error = error instanceof Error ? error.message : String(error);
    if (error instanceof HarnessError) result.errorCode = error.code;
  } finally {
    if (session) {
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

function isResolved(declaration: RunScenarioOptions['declaration']): declaration is ClientDeclaration {
  return declaration !== undefined && 'bounds' in declaration && declaration.bounds !== undefined && 'origins' in declaration.bounds;
}

/** What every judgement of a scenario shares. */
interface JudgeContext {
  scenario: Scenario;
  declaration: ClientDeclaration;
  origin: number;
  /** `advance` steps taken. */
  steps: ClockStep[];
  /** Seconds past `exp` the scenario server's API accepts a token. */
  apiLeeway: number;
  /** The client shares the server's virtual clock (fake timers, libfaketime). */
  onSharedClock: boolean;
  /** What the client was told (sign-in steps need its redirect URI). */
  env: ClientEnvironment;
  browser: BrowserKind;
}

function judgeAll(context: JudgeContext, expectations: Expectation[] | undefined, segment: { entries: JournalEntry[]; before?: JournalEntry[]; signIns?: SignInRecord[] }, units: UnitRecord[], exit?: ClientExit): ExpectationResult[] {
  const { scenario, declaration, origin, steps, onSharedClock, apiLeeway } = context;
  const level = scenario.level ?? 'must';
  const rule = scenario.tags?.find((t) => t.startsWith('rule:'))?.slice('rule:'.length) ?? scenario.name;
  // A client on real time did not live through the virtual clock's jumps.
  const clientTime = onSharedClock || steps.length === 0 ? undefined : realTimeClientClock(steps);
  return (expectations ?? []).map((expectation) =>
    judge(expectation, { entries: segment.entries, before: segment.before, signIns: segment.signIns, origin, units, exit, bounds: declaration.bounds, clientTime, apiLeeway }, { level, rule }),
  );
}

interface TimelineOutcome {
  units: UnitRecord[];
  checkpoints: ExpectationResult[];
  signIns: SignInRecord[];
}

async function playTimeline(
  context: JudgeContext,
  server: UnderstudyServer,
  session: ClientSession,
  time: TimeControl | undefined,
  signal: AbortSignal,
  backstop: number | undefined,
): Promise<TimelineOutcome> {
  const { scenario } = context;
  const units: UnitRecord[] = [];
  const checkpoints: ExpectationResult[] = [];
  const signIns: SignInRecord[] = [];
  let nextId = 1;
  let segmentStartSeq = 0;
  let segmentStartUnit = 0;
  let segmentStartSignIn = 0;
  let person: Person | undefined;
  const defaultRoute = server.config.api.routes[0];
  const virtualNow = () => server.clock.nowMs() / 1000;
  let batches = 0;
  const work = async (request: WorkRequest, timeoutMs: number, batch: number): Promise<UnitRecord> => {
    const handedAt = virtualNow();
    const handedSeq = server.journal.recorded;
    const report = await session.work(request, timeoutMs);
    return { ...report, handedAt, reportedAt: virtualNow(), handedSeq, reportedSeq: server.journal.recorded, batch };
  };
  // A client that left a sign-in operation unanswered is not asked again: every later step would wait as long.
  let unanswered: string | undefined;
  const signInStep = async (kind: 'sign-in' | 'sign-out', timeout: number | undefined, play: (stage: SignInStage) => Promise<SignInRecord>) => {
    const record = unanswered ? skippedStep(kind, unanswered, server.journal.recorded) : await play(await stage(timeout));
    if (!unanswered && record.timedOut) unanswered = `the client did not answer an earlier sign-in operation (${record.error})`;
    signIns.push(record);
  };
  const stage = async (timeout: number | undefined): Promise<SignInStage> => {
    person ??= await createPerson(context.browser, server.url, [context.env.redirectUri, context.env.postLogoutRedirectUri]);
    return {
      server,
      session,
      env: context.env,
      person,
      nextId: () => nextId++,
      defaultUser: scenario.client?.user,
      listener: context.declaration.redirectUri,
      timeoutMs: Math.max(timeout ?? SIGN_IN_TIMEOUT_S, backstop ?? 0) * 1000,
    };
  };

  try {
    for (const step of scenario.timeline) {
      if (signal.aborted) break;
      if ('work' in step) {
        const spec = step.work;
        const timeoutMs = Math.max(spec.timeout ?? DEFAULT_UNIT_TIMEOUT_S, backstop ?? 0) * 1000;
        const requests: WorkRequest[] = Array.from({ length: spec.count ?? 1 }, () => {
          const id = nextId++;
          return {
            id,
            op: 'work',
            method: spec.method ?? defaultRoute?.method ?? 'GET',
            path: tagUnitPath(spec.path ?? defaultRoute?.path ?? '/', id),
            ...(spec.body === undefined ? {} : { body: spec.body }),
          };
        });
        if (spec.concurrent) {
          const batch = ++batches;
          units.push(...(await Promise.all(requests.map((request) => work(request, timeoutMs, batch)))));
        } else {
          for (const [index, request] of requests.entries()) {
            if (signal.aborted) break;
            if (index > 0 && spec.interval) await pause(spec.interval * 1000, time);
            units.push(await work(request, timeoutMs, ++batches));
          }
        }
      } else if ('advance' in step) {
        if (time) await time.advance(step.advance * 1000);
        else server.clock.advance(step.advance);
        context.steps.push({ seq: server.journal.recorded, seconds: step.advance });
      } else if ('wait' in step) {
        await pause(step.wait * 1000, time);
      } else if ('fault' in step) {
        applyFaultStep(server, step.fault);
      } else if ('revoke' in step) {
        revoke(server, step.revoke, scenario);
      } else if ('rotate-keys' in step) {
        await server.keys.rotate({ grace: step['rotate-keys'].grace });
      } else if ('sign-in' in step) {
        await signInStep('sign-in', step['sign-in'].timeout, (stage) => playSignIn(stage, step['sign-in']));
      } else if ('sign-out' in step) {
        await signInStep('sign-out', step['sign-out'].timeout, (stage) => playSignOut(stage, step['sign-out']));
      } else if ('expect' in step) {
        await server.settle();
        const all = server.journal.entries();
        const segment = { entries: all.filter((e) => e.seq > segmentStartSeq), before: all.filter((e) => e.seq <= segmentStartSeq) };
        checkpoints.push(...judgeAll(context, step.expect, { ...segment, signIns: signIns.slice(segmentStartSignIn) }, units.slice(segmentStartUnit)));
        segmentStartSeq = server.journal.recorded;
        segmentStartUnit = units.length;
        segmentStartSignIn = signIns.length;
      } else {
        assertNever(step);
      }
    }
  } finally {
    await person?.close?.();
  }
  return { units, checkpoints, signIns };
}

/**
 * A scenario that judges how a client gives up on a hanging endpoint must let it take its bound:
 * the unit's and the scenario's backstop timeouts grow past it.
 */
function giveUpBackstop(scenario: Scenario, declaration: ClientDeclaration): number | undefined {
  const expectations = [...(scenario.expect ?? []), ...scenario.timeline.flatMap((step) => ('expect' in step ? step.expect : []))];
  const limits = expectations.filter((e) => e.abandonedWithin !== undefined).map((e) => e.abandonedWithin?.seconds ?? declaration.bounds.giveUpWithin ?? 0);
  return limits.length === 0 ? undefined : Math.max(...limits) + BACKSTOP_SLACK_S;
}

/** Every sign-in step names a configured user (its own, or client.user). @throws HarnessError SCENARIO_INVALID */
function checkSignInUsers(scenario: Scenario, server: UnderstudyServer): void {
  for (const step of scenario.timeline) if ('sign-in' in step) signInUser(server.config.users, step['sign-in'].user ?? scenario.client?.user);
}

/** The scenario's server configuration, with the API's 2 s leeway unless the scenario sets one. */
function withScenarioLeeway(server: Scenario['server']): Record<string, unknown> {
  const config = (server ?? {}) as Record<string, unknown>;
  return config.leeway === undefined ? { ...config, leeway: SCENARIO_API_LEEWAY_S } : config;
}

/** Seconds past `exp` the scenario servers' API still accepts a token (see runScenario). */
const SCENARIO_API_LEEWAY_S = 2;

/** A pause of `ms`: real time, or fake time when the client runs on fake timers. */
function pause(ms: number, time: TimeControl | undefined): Promise<unknown> {
  return time ? time.advance(ms) : sleep(ms);
}

function applyFaultStep(server: UnderstudyServer, fault: Extract<Step, { fault: unknown }>['fault']): void {
  if ('remove' in fault && typeof fault.remove === 'string') {
    if (!server.faults.remove(fault.remove)) throw new HarnessError('SCENARIO_INVALID', `fault step: no rule with id ${fault.remove} to remove (give the rule an id when adding it)`);
  } else if ('clear' in fault && fault.clear === true) server.faults.clear();
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

function assertNever(value: never): never {
  throw new Error(`unknown step ${JSON.stringify(value)}`);
}
