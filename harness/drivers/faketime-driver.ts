import { existsSync } from 'node:fs';
import { HarnessError } from '../errors.ts';
import { commandDriver, type CommandDriverOptions } from './command-driver.ts';
import type { ClientEnvironment, ClientSession, Driver, DriverHooks, TimeControl, WorkRequest, WorkResult } from './driver.ts';
import { createFaketimeClock, INSTALL_HINT, type FaketimeClock } from './faketime-clock.ts';

export interface FaketimeCommandDriverOptions extends CommandDriverOptions {
  /**
   * Virtual seconds per real second while time flows (e.g. 60: a real second is a virtual
   * minute). `advance` and `wait` steps jump whatever the rate. The client's own timeouts run at
   * this rate too, so keep real latencies × rate well under them: 10 to 100 suits most clients
   * (see docs/faketime.md).
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
}

/**
 * The command driver, with the client under libfaketime on a clock it shares with the scenario's
 * server: the client's `Date.now()`, `time.time()`, `System.currentTimeMillis()`... (and, with
 * `fakeMonotonic`, its timers) run `rate` times faster than real time, and `advance` / `wait`
 * steps move both of them at once. A one-hour token lifetime then passes in one step, or in
 * 3600 / rate real seconds of work.
 *
 * Linux and dynamically linked clients only (Node, Python, the JVM...): a statically linked Go
 * binary reads the clock through the vDSO without libc and never sees the fake time.
 * `WorkResult.elapsedMs` is virtual time, like the module driver's. Unit and scenario timeouts
 * stay in real time. Scenarios run one at a time (the driver has one clock).
 *
 * @throws HarnessError CLIENT_START_FAILED when libfaketime is not installed.
 * @example
 * await runScenarios({ driver: faketimeCommandDriver({ command: 'python3 client.py', rate: 60 }) });
 */
export function faketimeCommandDriver(options: FaketimeCommandDriverOptions): FaketimeCommandDriver {
  const faketime = createFaketimeClock({ rate: options.rate, libfaketime: options.libfaketime, fakeMonotonic: options.fakeMonotonic, start: options.start });
  const { time } = faketime;
  const environment = () => faketime.environment({ ...process.env, ...options.env });

  return {
    kind: 'command',
    label: options.command,
    time,
    faketime,
    environment,
    async start(env: ClientEnvironment, hooks: DriverHooks): Promise<ClientSession> {
      if (!existsSync(faketime.library)) throw new HarnessError('CLIENT_START_FAILED', `libfaketime is gone from ${faketime.library}; ${INSTALL_HINT}`);
      if (!faketime.installed) throw new HarnessError('USAGE', 'the faketime clock is not installed: the runner calls driver.time.install() before start()');
      // The user's variables first, then libfaketime's (whose `undefined`s remove inherited
      // FAKETIME... variables: spawn leaves out variables whose value is undefined).
      const variables = { ...options.env, ...environment() } as Record<string, string>;
      const inner = commandDriver({ command: options.command, cwd: options.cwd, env: variables });
      const session = await inner.start(env, hooks);
      return {
        log: session.log,
        async work(request: WorkRequest, timeoutMs: number): Promise<WorkResult> {
          const startedAt = time.now();
          const result = await session.work(request, timeoutMs);
          return { ...result, elapsedMs: Math.max(0, time.now() - startedAt) };
        },
        close: (timeoutMs) => session.close(timeoutMs),
      };
    },
  };
}
