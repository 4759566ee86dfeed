import { existsSync } from 'node:fs';
import { HarnessError } from '../errors.ts';
import { commandDriver, runToCompletion, type CommandDriverOptions } from './command-driver.ts';
import type { ClientEnvironment, ClientExit, ClientSession, Driver, DriverHooks, TimeControl, WorkRequest, WorkResult } from './driver.ts';
import { createFaketimeClock, INSTALL_HINT, type FaketimeClock } from './faketime-clock.ts';

export interface FaketimeCommandDriverOptions extends CommandDriverOptions {
  /**
   * Virtual seconds per real second while time flows (e.g. 60: a real second is a virtual
   * minute). `advance` and `wait` steps jump whatever the rate. The client's own timeouts run at
   * this rate too, so keep real latencies × rate well under them: 60 is a safe start; the
   * measured limits per runtime are in docs/faketime.md.
   */
  rate: number;
  /** Path of libfaketime. Default: UNDERSTUDY_LIBFAKETIME, else the distribution's libfaketimeMT.so.1. */
  libfaketime?: string;
  /**
   * Fake CLOCK_MONOTONIC too, so the client's timers and sleeps run (and jump) on virtual time.
   * Default true. False keeps them on real time (FAKETIME_DONT_FAKE_MONOTONIC=1), which breaks
   * Python ≥ 3.11's time.sleep (EINVAL) with libfaketime 0.9.10.
   */
  fakeMonotonic?: boolean;
  /** Virtual time at the start of each scenario (epoch ms or Date). Default: real now. */
  start?: number | Date;
  /**
   * Let time flow at real speed (rate 1) until the client has reported its first unit of work,
   * then at `rate`. Default true: a cold client (loading its code, compiling, opening its first
   * connection: 50 to 500 ms real) would otherwise spend `rate` times that in virtual time, and
   * its first request could trip its own timeout.
   */
  warmUp?: boolean;
}

export interface FaketimeCommandDriver extends Driver {
  readonly kind: 'command';
  readonly time: TimeControl;
  /** The clock behind `time` (library in use, rate). */
  readonly faketime: FaketimeClock;
  /**
   * The extra environment of the client for the scenario in progress (LD_PRELOAD, FAKETIME_*;
   * `undefined` = remove the variable), e.g. for a run-to-completion client started elsewhere.
   */
  environment(): Record<string, string | undefined>;
  /**
   * run-to-completion scenarios: the program once, without the protocol, under libfaketime at
   * the full rate from its start (there is no first report to end a warm-up).
   */
  runToCompletion(env: ClientEnvironment, timeoutMs: number): Promise<{ exit: ClientExit; log: string[] }>;
}

/**
 * The command driver, with the client under libfaketime on a clock it shares with the scenario's
 * server: the client's `Date.now()`, `time.time()`, `System.currentTimeMillis()`... (and, with
 * `fakeMonotonic`, its timers) run `rate` times faster than real time, and `advance` / `wait`
 * steps move both of them at once. A one-hour token lifetime then passes in one step, or in
 * 3600 / rate real seconds of work.
 *
 * Linux and clients that read the clock through glibc only (Node, Python, the JVM...): a Go
 * binary, static or not, reads it through the vDSO and never sees the fake time. Timers a client
 * is already sleeping on do not notice a jump until the process wakes (see docs/faketime.md).
 * `WorkResult.elapsedMs` is virtual time, like the module driver's. Unit and scenario timeouts
 * stay in real time. Scenarios run one at a time (the driver has one clock).
 *
 * @throws HarnessError CLIENT_START_FAILED when libfaketime is not installed.
 * @example
 * await runScenarios({ driver: faketimeCommandDriver({ command: 'python3 client.py', rate: 60 }) });
 */
export function faketimeCommandDriver(options: FaketimeCommandDriverOptions): FaketimeCommandDriver {
  const faketime = createFaketimeClock({ rate: options.rate, libfaketime: options.libfaketime, fakeMonotonic: options.fakeMonotonic, start: options.start });
  const warmUp = options.warmUp ?? true;
  let warming = false;
  const time: TimeControl = {
    install() {
      faketime.setRate(warmUp ? 1 : options.rate);
      faketime.time.install();
      warming = warmUp;
    },
    now: () => faketime.time.now(),
    advance: (ms) => faketime.time.advance(ms),
    uninstall: () => faketime.time.uninstall(),
  };
  const warmedUp = () => {
    if (!warming) return;
    warming = false;
    if (faketime.installed) faketime.setRate(options.rate);
  };
  const environment = () => faketime.environment({ ...process.env, ...options.env });
  const ready = (): Record<string, string> => {
    if (!existsSync(faketime.library)) throw new HarnessError('CLIENT_START_FAILED', `libfaketime is gone from ${faketime.library}; ${INSTALL_HINT}`);
    if (!faketime.installed) throw new HarnessError('USAGE', 'the faketime clock is not installed: the runner calls driver.time.install() before starting the client');
    // The user's variables first, then libfaketime's (whose `undefined`s remove inherited
    // FAKETIME... variables: spawn leaves out variables whose value is undefined).
    return { ...options.env, ...environment() } as Record<string, string>;
  };

  return {
    kind: 'command',
    label: options.command,
    time,
    faketime,
    environment,
    async start(env: ClientEnvironment, hooks: DriverHooks): Promise<ClientSession> {
      const inner = commandDriver({ command: options.command, cwd: options.cwd, env: ready() });
      const session = await inner.start(env, hooks);
      return {
        log: session.log,
        async work(request: WorkRequest, timeoutMs: number): Promise<WorkResult> {
          const startedAt = time.now();
          const result = await session.work(request, timeoutMs);
          const elapsedMs = Math.max(0, time.now() - startedAt);
          warmedUp();
          return { ...result, elapsedMs };
        },
        close: (timeoutMs) => session.close(timeoutMs),
      };
    },
    async runToCompletion(env: ClientEnvironment, timeoutMs: number) {
      const variables = ready();
      warmedUp();
      return runToCompletion({ command: options.command, cwd: options.cwd, env: variables }, env, timeoutMs);
    },
  };
}
