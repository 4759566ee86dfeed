import { clearTimeout, setTimeout } from 'node:timers';
import { HarnessError } from '../errors.ts';
import { runToCompletion } from './command-driver.ts';
import type { ClientEnvironment, ClientExit, ClientRequest, ClientSession, Driver, WorkResult } from './driver.ts';
import { reportFields } from './report-fields.ts';
import { environmentVariables } from './environment.ts';

export interface HttpDriverOptions {
  /** The integration's trigger, e.g. https://oic.example.com/ic/api/integration/v1/flows/rest/HCM_SYNC/1.0/run */
  url: string;
  /** Default: POST. */
  method?: string;
  /** Sent with every trigger call (e.g. the integration's own Authorization). */
  headers?: Record<string, string>;
  /** Longest one trigger call may take, in ms; a scenario's shorter unit timeout wins. */
  timeoutMs?: number;
  /**
   * Called at the start of every scenario, before its first unit, with the environment of the
   * scenario's server and the same values as UNDERSTUDY_* variables: point the integration at it
   * here (update its connection, restart it, write a config file it reads...). The scenario
   * waits for the returned promise; a throw fails the scenario with a clear error.
   *
   * Every scenario has a server of its own on a fresh port, so an integration that cannot be
   * reconfigured per scenario cannot follow them. When the callback reconfigures one shared
   * integration, run the scenarios one at a time (`parallel: 1`).
   */
  onEnvironment?: (env: ClientEnvironment, variables: Record<string, string>) => void | Promise<void>;
  /**
   * The same from the command line: a command run by the shell with the UNDERSTUDY_* variables in
   * its environment, before each scenario (after `onEnvironment`), e.g. a script that updates the
   * integration's OAuth connection through its REST API. A non-zero exit fails the scenario.
   */
  configure?: string;
  /** Longest `configure` may run, in ms. Default: 60 000. */
  configureTimeoutMs?: number;
}

/** Extra characters of a failed trigger's body kept in the unit's error. */
const BODY_PREVIEW = 200;
const LOG_LIMIT = 2000;

/**
 * Drives an integration that is already running and is started by an HTTP call, as an Oracle
 * Integration (OIC) flow is by its REST trigger: every unit of work is one call to `url` with
 * the JSON body `{"id": 1, "op": "work", "method": "GET", "path": "/...", "body": ...}`
 * describing the unit; a sign-in operation is one call with `{"id": 2, "op": "sign-in"}` or
 * `{"id": 3, "op": "callback", "url": "..."}`, answered with the report's `url` or `subject`.
 * A 2xx answer is a success, anything else or a network error a failure with the status and
 * the start of the body. When the answer is a JSON report `{"ok": false, "status": 401,
 * "error": "..."}`, its fields are used as they are (so a trigger that always answers 200 can
 * still report a failed API call).
 *
 * The driver cannot hand the environment to a program it did not start: the integration must be
 * pointed at each scenario's server by the caller, with `onEnvironment` (in code) or `configure`
 * (a command). The session's log starts with a line listing the UNDERSTUDY_* values, for
 * reports and for a human doing it by hand. Every scenario has a server of its own on a fresh
 * port; when one shared integration is reconfigured per scenario, run them one at a time
 * (`parallel: 1`).
 *
 * @example
 * // A local service with a trigger and an admin endpoint that sets its OAuth connection:
 * httpDriver({
 *   url: 'http://localhost:8080/trigger',
 *   onEnvironment: (env) => fetch('http://localhost:8080/admin/connection', { method: 'PUT', body: JSON.stringify(env) }).then(() => {}),
 * });
 */
export function httpDriver(options: HttpDriverOptions): Driver {
  const method = (options.method ?? 'POST').toUpperCase();
  const label = `${method} ${options.url}`;
  return {
    kind: 'http',
    label,
    // One running integration is re-pointed per scenario: two scenarios at once would share it.
    maxParallel: options.onEnvironment || options.configure ? 1 : undefined,
    async start(env: ClientEnvironment): Promise<ClientSession> {
      const variables = environmentVariables(env);
      const log: string[] = [`[harness] point the integration at this scenario's server: ${Object.entries(variables).map(([name, value]) => `${name}=${value}`).join(' ')}`];
      if (options.onEnvironment) {
        try {
          await options.onEnvironment(env, variables);
        } catch (error) {
          throw new HarnessError('CLIENT_START_FAILED', `cannot point the integration behind "${label}" at the scenario's server: onEnvironment threw: ${describe(error)}`, { cause: error });
        }
      }
      if (options.configure) {
        const timeoutMs = options.configureTimeoutMs ?? 60_000;
        const { exit, log: output } = await runToCompletion({ command: options.configure }, env, timeoutMs);
        log.push(...output.map((line) => `[configure] ${line}`));
        if (exit.code !== 0) {
          const how = exit.killed ? `did not finish within ${timeoutMs / 1000} s` : exit.signal ? `ended with signal ${exit.signal}` : `exited with code ${exit.code}`;
          const last = output.at(-1);
          throw new HarnessError('CLIENT_START_FAILED', `cannot point the integration behind "${label}" at the scenario's server: "${options.configure}" ${how}${last ? ` (${last})` : ''}`);
        }
      }
      return createSession(options, method, log);
    },
  };
}

function createSession(options: HttpDriverOptions, method: string, log: string[]): ClientSession {
  const inFlight = new Set<AbortController>();
  let closed = false;
  const remember = (line: string) => {
    log.push(line);
    if (log.length > LOG_LIMIT) log.splice(0, log.length - LOG_LIMIT);
  };

  return {
    log,
    async work(request: ClientRequest, timeoutMs: number): Promise<WorkResult> {
      const started = performance.now();
      const elapsedMs = () => performance.now() - started;
      if (closed) return { id: request.id, ok: false, error: 'the session was already closed', elapsedMs: 0 };
      const limit = Math.min(timeoutMs, options.timeoutMs ?? Number.POSITIVE_INFINITY);
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort(new Error(`no answer from the trigger within ${limit / 1000} s`));
      }, limit);
      inFlight.add(controller);
      try {
        const unit = describeRequest(request);
        const carriesBody = method !== 'GET' && method !== 'HEAD';
        const response = await fetch(carriesBody ? options.url : withQuery(options.url, unit), {
          method,
          headers: { accept: 'application/json', ...(carriesBody ? { 'content-type': 'application/json' } : {}), ...options.headers },
          body: carriesBody ? JSON.stringify(unit) : undefined,
          signal: controller.signal,
        });
        const text = await response.text();
        const report = parseReport(text);
        const ok = report?.ok ?? response.ok;
        const status = report?.status ?? response.status;
        if (ok) return { id: request.id, ...report, ok: true, status, elapsedMs: elapsedMs() };
        const error = report?.error ?? `the trigger answered ${response.status}${text.trim() ? `: ${preview(text)}` : ''}`;
        remember(`[trigger] unit ${request.id}: ${response.status} ${preview(text)}`.trimEnd());
        return { id: request.id, ...report, ok: false, status, error, elapsedMs: elapsedMs() };
      } catch (error) {
        const reason = controller.signal.aborted ? describe(controller.signal.reason) : describe(error);
        remember(`[trigger] unit ${request.id}: ${reason}`);
        return { id: request.id, ok: false, error: reason, ...(timedOut ? { timedOut: true } : {}), elapsedMs: elapsedMs() };
      } finally {
        clearTimeout(timer);
        inFlight.delete(controller);
      }
    },
    async close(): Promise<ClientExit> {
      // The integration keeps running: nothing to stop, only calls still waiting to give up.
      closed = true;
      for (const controller of inFlight) controller.abort(new Error('the scenario ended before the trigger answered'));
      return { code: null };
    },
  };
}

/** A JSON body that reports on the unit: `{ ok: boolean, status?: number, error?: string }`. */
function parseReport(text: string): (Omit<WorkResult, 'id' | 'elapsedMs'>) | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    if (typeof value.ok !== 'boolean') return undefined;
    return { ok: value.ok, ...reportFields(value) };
  } catch {
    return undefined;
  }
}

/** What the trigger is sent: the request as the command protocol writes it. */
function describeRequest(request: ClientRequest): Record<string, unknown> {
  if (request.op !== 'work') return { ...request };
  return { id: request.id, op: request.op, method: request.method, path: request.path, ...(request.body === undefined ? {} : { body: request.body }) };
}

/** GET triggers take the request as query parameters (a body as JSON). */
function withQuery(url: string, request: Record<string, unknown>): string {
  const target = new URL(url);
  // The body is JSON whatever it is (a string body too, quoted); the other fields are plain.
  for (const [name, value] of Object.entries(request)) target.searchParams.set(name, name !== 'body' && typeof value === 'string' ? value : JSON.stringify(value));
  return target.href;
}

function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > BODY_PREVIEW ? `${flat.slice(0, BODY_PREVIEW)}...` : flat;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    // fetch wraps the socket error: "fetch failed" says nothing, its cause does.
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
