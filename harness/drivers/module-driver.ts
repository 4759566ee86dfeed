import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { pathToFileURL } from 'node:url';
import { HarnessError } from '../errors.ts';
import type { ClientEnvironment, ClientExit, ClientRequest, ClientSession, Driver, DriverHooks, WorkResult } from './driver.ts';
import { reportFields } from './report-fields.ts';
import { environmentVariables } from './environment.ts';
import { createFakeTime, type FakeTime, type FakeTimeHooks } from './fake-time.ts';

/** Options every module client takes, however it is given. */
interface ModuleDriverCommonOptions {
  /**
   * Run the client on fake timers shared with the scenario's server (see {@link FakeTime}): a
   * one-hour token lifetime passes in one `advance` step, a Retry-After wait in microseconds.
   * The scenarios then run one at a time. Default: true.
   */
  fakeTime?: boolean;
}

/** A client module on disk, imported once per driver. */
export interface ModuleFileOptions extends ModuleDriverCommonOptions {
  /** The client module: an absolute path, or a path relative to the working directory. */
  file: string;
  /** The export that creates a client from the UNDERSTUDY_* record. Default: "createClient". */
  exportName?: string;
  createClient?: never;
}

/** A client factory already in hand (e.g. imported by a vitest test file). */
export interface ModuleFactoryOptions extends ModuleDriverCommonOptions {
  /** Creates a client from the UNDERSTUDY_* record: the same function a client module exports. */
  createClient: CreateClient;
  file?: never;
  exportName?: never;
}

/** Exactly one of `file` (a module to import) or `createClient` (the factory itself). */
export type ModuleDriverOptions = ModuleFileOptions | ModuleFactoryOptions;

/** What a client module's `createClient(env)` returns. */
export interface ModuleClient {
  /**
   * Does one unit of work (usually: get a token, call the API) and says how it went. A
   * `{ ok, status?, error? }` outcome, or anything with `ok` / `status` (a fetch Response); a
   * throw or a rejection counts as a failed unit with its message.
   */
  work(unit: { method: string; path: string; body?: unknown }): unknown;
  /**
   * Authorization code clients: starts a sign-in and returns the authorization URL to send the
   * browser to (a string, or `{ url }`). Without it the client cannot be signed in.
   */
  signIn?(): unknown;
  /** Handles the browser's return to the redirect URI at `url`: `{ ok, subject?, error? }` (see the command protocol). */
  callback?(url: string): unknown;
  /** Signs the person out: the end-session URL the browser must visit (a string or `{ url }`), or nothing. */
  signOut?(): unknown;
  /** Releases what the client holds (timers, connections); awaited when the scenario ends. */
  close?(): unknown;
}

/** The export a client module provides. May be async. */
export type CreateClient = (env: Record<string, string>) => ModuleClient | Promise<ModuleClient>;

/** Fake (shared) milliseconds createClient() may take. */
const CREATE_TIMEOUT_MS = 30_000;

/**
 * Runs a client in this process: imports `file`, calls `createClient(env)` with the same
 * UNDERSTUDY_* variables the command driver sets (a plain record; `process.env` is not touched),
 * hands each unit of work to `client.work(unit)` and calls `client.close()` at the end.
 *
 * The module is imported once per driver and `createClient` is called once per scenario, so a
 * client must keep its state (the token cache) in what `createClient` returns, not in the module.
 *
 * With `fakeTime` (the default), `Date` and the global timers are fake while a scenario runs
 * and `WorkResult.elapsedMs` is measured on the shared clock: what the client lived through, so
 * that `reportedWithin` and `abandonedWithin` judge a client that waited an hour of fake time
 * as one that waited an hour.
 *
 * `createClient` instead of `file` hands over the factory itself, for callers that already
 * imported it (the vitest integration's `runScenario(name, { client })`).
 *
 * @throws HarnessError USAGE when neither or both of `file` and `createClient` are given.
 * @example
 * await runScenarios({ driver: moduleDriver({ file: 'examples/clients/well-behaved.ts' }) });
 * await runScenarios({ driver: moduleDriver({ createClient: (env) => myClient(env) }) });
 */
export function moduleDriver(options: ModuleDriverOptions): Driver & { readonly time?: FakeTime } {
  const source = resolveSource(options);
  const time = options.fakeTime === false ? undefined : createFakeTime();
  let factory: Promise<CreateClient> | undefined;
  const { label, exportName, subject } = source;

  return {
    kind: 'module',
    label,
    time,
    async start(env: ClientEnvironment, hooks: DriverHooks & FakeTimeHooks): Promise<ClientSession> {
      factory ??= (source.createClient ? Promise.resolve(source.createClient) : loadFactory(source.file, exportName)).catch((error: unknown) => {
        factory = undefined;
        throw error;
      });
      const createClient = await factory;
      const log: string[] = [];
      time?.attach({
        hungRequests: hooks.hungRequests ? () => hooks.hungRequests?.() ?? 0 : undefined,
        onTimerError: (error) => remember(log, `[uncaught] a timer callback threw: ${describe(error)}`),
      });
      const created = await settleWithin(
        Promise.resolve().then(() => createClient(environmentVariables(env))),
        CREATE_TIMEOUT_MS,
        time,
      ).catch((error: unknown) => {
        throw new HarnessError('CLIENT_START_FAILED', `cannot start ${subject}: ${exportName}() threw: ${describe(error)}`, { cause: error });
      });
      if (!created.done) throw new HarnessError('CLIENT_START_FAILED', `cannot start ${subject}: ${exportName}() did not resolve within ${CREATE_TIMEOUT_MS / 1000} s`);
      const client = created.value;
      if (!client || typeof (client as Partial<ModuleClient>).work !== 'function') {
        throw new HarnessError('CLIENT_START_FAILED', `cannot start ${subject}: ${exportName}() returned ${preview(client)}; it must return an object with a work(unit) method`);
      }
      return createSession(client, time, log);
    },
  };
}

/** Where the factory comes from, checked once: exactly one of `file` and `createClient`. */
type ClientSource = {
  label: string;
  exportName: string;
  /** How errors name the client: the module file, or the factory handed over. */
  subject: string;
} & ({ file: string; createClient?: undefined } | { file?: undefined; createClient: CreateClient });

function resolveSource(options: ModuleDriverOptions): ClientSource {
  const given = (options ?? {}) as { file?: unknown; createClient?: unknown; exportName?: unknown };
  const hasFile = given.file !== undefined;
  const hasFactory = given.createClient !== undefined;
  if (hasFile && hasFactory) {
    throw new HarnessError('USAGE', 'moduleDriver: give either file (a module to import) or createClient (the factory itself), not both');
  }
  if (!hasFile && !hasFactory) {
    throw new HarnessError('USAGE', 'moduleDriver: give file (a path to a module exporting createClient(env)) or createClient (a function (env) => ({ work(unit), close?() }))');
  }
  if (hasFactory) {
    if (typeof given.createClient !== 'function') throw new HarnessError('USAGE', `moduleDriver: createClient must be a function (env) => ({ work(unit), close?() }), got ${preview(given.createClient)}`);
    if (given.exportName !== undefined) throw new HarnessError('USAGE', 'moduleDriver: exportName names an export of file; with createClient there is no module to look into, so leave it out');
    const createClient = given.createClient as CreateClient;
    // The factory's own name reads best in reports ("createClient()", "makePayrollClient()").
    const name = createClient.name || 'createClient';
    return { createClient, label: `${name}()`, exportName: name, subject: `the client factory ${name}()` };
  }
  if (typeof given.file !== 'string' || given.file === '') throw new HarnessError('USAGE', `moduleDriver: file must be a non-empty path to a client module, got ${preview(given.file)}`);
  const exportName = given.exportName ?? 'createClient';
  if (typeof exportName !== 'string' || exportName === '') throw new HarnessError('USAGE', `moduleDriver: exportName must be the name of an export, got ${preview(exportName)}`);
  return { file: given.file, label: given.file, exportName, subject: `the client module "${given.file}"` };
}

async function loadFactory(file: string, exportName: string): Promise<CreateClient> {
  const path = isAbsolute(file) ? file : resolve(process.cwd(), file);
  const found = await stat(path).catch(() => undefined);
  if (!found?.isFile()) throw new HarnessError('CLIENT_START_FAILED', `cannot load the client module "${file}": there is no file at ${path}`);
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    throw new HarnessError('CLIENT_START_FAILED', `cannot load the client module "${file}": ${describe(error)}`, { cause: error });
  }
  const candidate = loaded[exportName];
  if (typeof candidate !== 'function') {
    const exported = Object.keys(loaded).filter((name) => name !== 'default' || loaded.default !== undefined);
    throw new HarnessError(
      'CLIENT_START_FAILED',
      `the client module "${file}" has no ${exportName}() export${candidate === undefined ? '' : ` (${exportName} is ${preview(candidate)}, not a function)`}; it exports ${exported.length > 0 ? exported.join(', ') : 'nothing'}. Export a function ${exportName}(env) that returns { work(unit), close?() }, or name the export with exportName.`,
    );
  }
  return candidate as CreateClient;
}

const LOG_LIMIT = 2000;

function createSession(client: ModuleClient, time: FakeTime | undefined, log: string[]): ClientSession {
  const pending = new Set<(reason: string) => void>();
  let closing: Promise<ClientExit> | undefined;

  return {
    log,
    async work(request: ClientRequest, timeoutMs: number): Promise<WorkResult> {
      if (closing) return { id: request.id, ok: false, error: 'the client had already been closed', elapsedMs: 0 };
      const call = operation(client, request);
      if (typeof call === 'string') return { id: request.id, ok: false, error: call, elapsedMs: 0 };
      const startedReal = performance.now();
      const startedShared = time?.now() ?? 0;
      const elapsed = () => (time ? time.now() - startedShared : performance.now() - startedReal);
      const outcome = Promise.resolve()
        .then(call)
        .then(request.op === 'work' || request.op === 'callback' ? normalise : normaliseUrl, (error: unknown) => ({ ok: false, error: describe(error) }));
      let abandon: (reason: string) => void = () => {};
      const abandoned = new Promise<{ done: false; reason: string }>((resolveAbandon) => {
        abandon = (reason) => resolveAbandon({ done: false, reason });
      });
      pending.add(abandon);
      try {
        const result = await Promise.race([settleWithin(outcome, timeoutMs, time), abandoned]);
        if (result.done) return { id: request.id, ...result.value, elapsedMs: elapsed() };
        if ('reason' in result) return { id: request.id, ok: false, error: result.reason, elapsedMs: elapsed() };
        return { id: request.id, ok: false, error: `no report within ${timeoutMs / 1000} s`, timedOut: true, elapsedMs: elapsed() };
      } finally {
        pending.delete(abandon);
      }
    },
    close(timeoutMs: number): Promise<ClientExit> {
      closing ??= (async () => {
        for (const abandon of pending) abandon('the client was closed before reporting this unit');
        if (typeof client.close !== 'function') return { code: 0 };
        try {
          const closed = await settleWithin(Promise.resolve().then(() => client.close?.()), timeoutMs, time);
          if (closed.done) return { code: 0 };
          remember(log, `[harness] close() did not resolve within ${timeoutMs / 1000} s`);
          return { code: null, killed: true };
        } catch (error) {
          remember(log, `[harness] close() threw: ${describe(error)}`);
          return { code: 1 };
        }
      })();
      return closing;
    },
  };
}

/**
 * Waits for `work` for `timeoutMs`: on the shared clock when the client runs on fake time (which
 * moves the clock while the client waits on its timers), with a real-time bound as a backstop.
 */
async function settleWithin<T>(work: Promise<T>, timeoutMs: number, time: FakeTime | undefined): Promise<{ done: true; value: T } | { done: false }> {
  let timer: NodeJS.Timeout | undefined;
  const backstop = new Promise<{ done: false }>((resolveTimeout) => {
    timer = setTimeout(() => resolveTimeout({ done: false }), timeoutMs);
  });
  // Ends the drive when the backstop wins, so no time is moved for a unit nobody waits for.
  const giveUp = new AbortController();
  const driven = time?.installed ? time.drive(work, time.now() + timeoutMs, giveUp.signal) : work.then((value) => ({ done: true as const, value }));
  try {
    return await Promise.race([driven, backstop]);
  } finally {
    clearTimeout(timer);
    giveUp.abort();
  }
}

/** The call that hands `request` to the client, or why the client cannot take it. */
function operation(client: ModuleClient, request: ClientRequest): (() => unknown) | string {
  switch (request.op) {
    case 'work': {
      const unit = { method: request.method, path: request.path, ...(request.body === undefined ? {} : { body: request.body }) };
      return () => client.work(unit);
    }
    case 'sign-in':
      return typeof client.signIn === 'function' ? () => client.signIn?.() : 'the client has no signIn() method, so the harness cannot start a sign-in (see the module driver\'s ModuleClient)';
    case 'callback':
      return typeof client.callback === 'function' ? () => client.callback?.(request.url) : 'the client has no callback(url) method to hand the redirect to';
    case 'sign-out':
      return typeof client.signOut === 'function' ? () => client.signOut?.() : 'the client has no signOut() method';
  }
}

/** A unit's outcome as a WorkResult: `{ ok, status?, error? }`, or a Response-like `{ status }`. */
function normalise(value: unknown): Omit<WorkResult, 'id' | 'elapsedMs'> {
  if (value && typeof value === 'object') {
    const outcome = value as Record<string, unknown>;
    const fields = reportFields(outcome);
    if (typeof outcome.ok === 'boolean') return { ...fields, ok: outcome.ok, error: outcome.ok ? undefined : (fields.error ?? (fields.status === undefined ? 'the client reported a failure' : undefined)) };
    if (fields.status !== undefined) return { ...fields, ok: fields.status >= 200 && fields.status < 300 };
  }
  return { ok: false, error: `work() resolved with ${preview(value)}; expected { ok: boolean, status?, error? }` };
}

/** signIn() and signOut(): a URL, `{ url }`, or (sign-out only) nothing: signed out locally. */
function normaliseUrl(value: unknown): Omit<WorkResult, 'id' | 'elapsedMs'> {
  if (typeof value === 'string') return { ok: true, url: value };
  if (value === undefined || value === null) return { ok: true };
  if (typeof value === 'object') {
    const outcome = value as Record<string, unknown>;
    return { ...reportFields(outcome), ok: typeof outcome.ok === 'boolean' ? outcome.ok : true };
  }
  return { ok: false, error: `the client answered ${preview(value)}; expected a URL or { url }` };
}

function remember(log: string[], line: string): void {
  log.push(line);
  if (log.length > LOG_LIMIT) log.splice(0, log.length - LOG_LIMIT);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function preview(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return String(value);
  }
}
