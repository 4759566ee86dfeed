import { spawn, type ChildProcess } from 'node:child_process';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { readdir, readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { HarnessError } from '../errors.ts';
import type { ClientEnvironment, ClientExit, ClientRequest, ClientSession, Driver, WorkResult } from './driver.ts';
import { reportFields } from './report-fields.ts';
import { environmentVariables } from './environment.ts';

/** Which program `commandDriver()` runs to test a client written in any language, and where and with what environment. */
export interface CommandDriverOptions {
  /** The command line, run by the shell, e.g. "node examples/clients/well-behaved.ts". */
  command: string;
  /** Working directory of the command. Default: the current one. */
  cwd?: string;
  /** Extra environment (e.g. libfaketime's). */
  env?: Record<string, string>;
}

const LOG_LIMIT = 2000;
/** How long a client told to stop (SIGTERM) has before it is killed (SIGKILL). */
const KILL_GRACE_MS = 2000;

/**
 * Spawns any program and speaks the line protocol with it: one JSON request per stdin line (a
 * unit of work, or a sign-in operation), one JSON report per stdout line (`{"id": 1, "ok": true,
 * "status": 200}`); other output is the client's log; EOF on stdin means exit.
 */
export function commandDriver(options: CommandDriverOptions): Driver {
  return {
    kind: 'command',
    label: options.command,
    async start(env: ClientEnvironment): Promise<ClientSession> {
      const child = spawn(options.command, {
        shell: true,
        cwd: options.cwd,
        env: { ...process.env, ...environmentVariables(env), ...options.env },
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: process.platform !== 'win32',
      });
      return createSession(child, options.command);
    },
    runToCompletion: (env, timeoutMs) => runToCompletion(options, env, timeoutMs),
  };
}

function createSession(child: ChildProcess, command: string): Promise<ClientSession> {
  const log: string[] = [];
  const pending = new Map<number, { resolve: (result: WorkResult) => void; started: number; timer: NodeJS.Timeout }>();
  let exit: ClientExit | undefined;
  let reported = false;
  let startFailure: string | undefined;
  let exited: (value: ClientExit) => void = () => {};
  const exitPromise = new Promise<ClientExit>((resolve) => (exited = resolve));
  const remember = (line: string) => {
    log.push(line);
    if (log.length > LOG_LIMIT) log.splice(0, log.length - LOG_LIMIT);
  };

  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    const report = parseReport(line);
    const waiting = report ? pending.get(report.id) : undefined;
    if (!report || !waiting) {
      remember(line);
      return;
    }
    pending.delete(report.id);
    reported = true;
    clearTimeout(waiting.timer);
    waiting.resolve({ ...report, elapsedMs: performance.now() - waiting.started });
  });
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => remember(`[stderr] ${line}`));
  // A client that exits early must not crash the harness with EPIPE.
  child.stdin?.on('error', () => {});

  const finish = (value: ClientExit) => {
    if (exit) return;
    exit = value;
    // POSIX shells exit 127 for a command not found and 126 for one that cannot run.
    if (!reported && (value.code === 127 || value.code === 126)) {
      const said = log.filter((line) => line.startsWith('[stderr]')).slice(-3).map((line) => line.slice(9)).join(' / ');
      startFailure = `the client "${command}" could not be run (exit ${value.code}${said ? `: ${said}` : ''}); check the --client command`;
    }
    for (const [id, waiting] of pending) {
      clearTimeout(waiting.timer);
      waiting.resolve({ id, ok: false, error: `the client exited (${describeExit(value)}) before reporting this unit`, elapsedMs: performance.now() - waiting.started });
    }
    pending.clear();
    exited(value);
  };
  child.on('exit', (code, signal) => finish({ code, signal }));

  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      finish({ code: null });
      reject(new HarnessError('CLIENT_START_FAILED', `cannot start the client "${command}": ${error.message}`, { cause: error }));
    });
    child.once('spawn', () =>
      resolve({
        log,
        get startFailure() {
          return startFailure;
        },
        work(request: ClientRequest, timeoutMs: number): Promise<WorkResult> {
          if (exit) return Promise.resolve({ id: request.id, ok: false, error: `the client had already exited (${describeExit(exit)})`, elapsedMs: 0 });
          return new Promise((resolveWork) => {
            const started = performance.now();
            const timer = setTimeout(() => {
              pending.delete(request.id);
              resolveWork({ id: request.id, ok: false, error: `no report within ${timeoutMs / 1000} s`, timedOut: true, elapsedMs: performance.now() - started });
            }, timeoutMs);
            pending.set(request.id, { resolve: resolveWork, started, timer });
            child.stdin?.write(`${JSON.stringify(request)}\n`);
          });
        },
        async close(timeoutMs: number): Promise<ClientExit> {
          if (exit) {
            killGroup(child, 'SIGKILL');
            return exit;
          }
          child.stdin?.end();
          const timer = setTimeout(() => killGroup(child, 'SIGTERM'), timeoutMs);
          const hard = setTimeout(() => killGroup(child, 'SIGKILL'), timeoutMs + KILL_GRACE_MS);
          const result = await exitPromise;
          clearTimeout(timer);
          clearTimeout(hard);
          // The shell is gone, but what it started may live on in its process group (a child that
          // ignores SIGTERM): it must not outlive the scenario.
          if (await groupSurvives(child, KILL_GRACE_MS)) {
            killGroup(child, 'SIGKILL');
            await groupSurvives(child, 1000);
          }
          return { ...result, killed: result.signal === 'SIGTERM' || result.signal === 'SIGKILL' };
        },
      }),
    );
  });
}

/** Runs a program to completion (no protocol) and reports how it ended, with its log. */
export async function runToCompletion(options: CommandDriverOptions, env: ClientEnvironment, timeoutMs: number): Promise<{ exit: ClientExit; log: string[] }> {
  const child = spawn(options.command, {
    shell: true,
    cwd: options.cwd,
    env: { ...process.env, ...environmentVariables(env), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: process.platform !== 'win32',
  });
  const log: string[] = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => log.push(line));
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => log.push(`[stderr] ${line}`));
  // SIGTERM when its time is up, SIGKILL after a grace period: a program that traps SIGTERM must not hang the run.
  const timer = setTimeout(() => killGroup(child, 'SIGTERM'), timeoutMs);
  const hard = setTimeout(() => killGroup(child, 'SIGKILL'), timeoutMs + KILL_GRACE_MS);
  const exit = await new Promise<ClientExit>((resolve) => {
    child.once('error', (error) => {
      log.push(`[harness] cannot start: ${error.message}`);
      resolve({ code: null });
    });
    child.once('exit', (code, signal) => resolve({ code, signal, killed: signal === 'SIGTERM' || signal === 'SIGKILL' }));
  });
  clearTimeout(timer);
  clearTimeout(hard);
  // What the shell started may outlive it in its process group.
  if (await groupSurvives(child, KILL_GRACE_MS)) killGroup(child, 'SIGKILL');
  return { exit, log };
}

/** Waits up to `ms` for the client's process group to be gone; true when it is still there. */
async function groupSurvives(child: ChildProcess, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  for (;;) {
    if (child.pid === undefined || !(await groupRunning(child.pid))) return false;
    if (performance.now() >= deadline) return true;
    await sleep(25);
  }
}

/**
 * Is a process of the group still running? Where PID 1 does not reap orphans (containers), dead
 * members stay as zombies, which kill(-pgid, 0) still finds; /proc tells them apart.
 */
async function groupRunning(pgid: number): Promise<boolean> {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  let pids: string[];
  try {
    pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  } catch {
    return true; // no /proc: trust kill(0)
  }
  for (const pid of pids) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    // Fields after the parenthesised command: state, ppid, pgrp.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
  }
  return false;
}

/**
 * Signals the client's whole process group: the shell and everything it started (the shell may
 * be gone while its children live on, so this does not check whether the shell exited).
 */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

function parseReport(line: string): Omit<WorkResult, 'elapsedMs'> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(line) as Record<string, unknown>;
    if (typeof value.id !== 'number' || typeof value.ok !== 'boolean') return undefined;
    return { id: value.id, ok: value.ok, ...reportFields(value) };
  } catch {
    return undefined;
  }
}

function describeExit(exit: ClientExit): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
}
