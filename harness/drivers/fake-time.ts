import diagnostics from 'node:diagnostics_channel';
import { setImmediate, setTimeout } from 'node:timers';
import { install, type Clock, type FakeMethod } from '@sinonjs/fake-timers';
import { HarnessError } from '../errors.ts';
import type { TimeControl } from './driver.ts';

/**
 * Fake time shared by an in-process client and its scenario's server, on @sinonjs/fake-timers.
 *
 * What is faked: `Date`, `setTimeout`/`clearTimeout` and `setInterval`/`clearInterval` on the
 * global object. Not faked: `performance`, `process.hrtime`, `setImmediate`, `process.nextTick`,
 * `queueMicrotask`, `AbortSignal.timeout` and anything imported from `node:timers`, so the
 * harness (which uses `node:timers`) keeps real time.
 *
 * How time moves:
 * - **With real time.** The fake clock also flows at real speed (fake-timers' interval tick
 *   mode), so a client waiting on I/O or on an untracked event sees its timers fire as they would.
 * - **`advance(ms)`** (the runner's `advance` and `wait` steps) walks the clock to its target one
 *   due timer at a time. When a timer started an HTTP request, the walk waits for it (in real
 *   time, the clock flowing meanwhile) before the next timer fires: a background refresh started
 *   at 55 minutes is not aborted by its own 5 s timeout firing in the same jump. Timers that
 *   start nothing cost microseconds: an hour of a 100 ms interval takes about 0.2 s.
 * - **While a unit of work is in flight** ({@link FakeTime.drive}), whenever the process is idle
 *   the clock jumps straight to the next due timer (never past the unit's deadline). So a
 *   Retry-After wait, a backoff or a one-hour sleep passes in microseconds, while a request in
 *   flight is waited for in real time.
 *
 * "Idle" means: no HTTP request of this process in flight (undici's `fetch` and `node:http`, seen
 * through their diagnostics channels), no fs / DNS / connect request pending and no queued
 * immediate, for a few turns of the event loop in a row. Requests the scenario's server holds on
 * purpose (a `hang` fault) count as idle when the run tells how many there are
 * ({@link FakeTimeHooks.hungRequests}): a hang then costs the client's own timeout in fake time,
 * not in real time.
 *
 * Limits: async work that leaves no trace in those signals (WebCrypto, worker threads, a socket
 * to another process that is not HTTP) is not seen as work; if a client awaits such work *and*
 * has a timer pending, the timer may fire early. Server-side `delay` faults end on the server's
 * clock or in real time, whichever comes first; while the client waits on one the fake clock
 * flows at real speed. Code that keeps a reference to `setTimeout` or
 * `Date` from before a scenario's `install()` keeps the old clock (Node's own fetch keeps the
 * timer it first armed for its internal keep-alive and headers timeouts, so those stop firing
 * once the first scenario's clock is gone).
 */
export interface FakeTime extends TimeControl {
  /** True between `install()` and `uninstall()`. */
  readonly installed: boolean;
  /**
   * Lets `work` run to completion, moving fake time while it waits on timers; settles with
   * `{ done: false }` when the fake clock reaches `deadline` (epoch ms, shared time) first, or
   * when the fake timers are uninstalled, or when `signal` aborts (the caller gave up).
   */
  drive<T>(work: Promise<T>, deadline: number, signal?: AbortSignal): Promise<{ done: true; value: T } | { done: false }>;
  /** What the current scenario's run offers; replaced at every scenario start. */
  attach(hooks: FakeTimeHooks): void;
}

/** What fake time may learn from the run and tell it. */
export interface FakeTimeHooks {
  /** Requests the server holds on purpose (hang faults): waiting for them is waiting on a timer. */
  hungRequests?(): number;
  /** A client timer callback threw (in real time it would be an uncaught exception). */
  onTimerError?(error: unknown): void;
}

export interface FakeTimeOptions {
  /** Real milliseconds between the clock's automatic steps while it flows with real time. Default: 10. */
  tickMs?: number;
}

/** The global functions faked. The harness's own timers come from `node:timers`, which stay real. */
const FAKED: FakeMethod[] = ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'];
/** Consecutive idle event-loop turns before time may jump. */
const QUIET_TURNS = 3;
/** Real milliseconds between looks at a process that is busy (a request in flight). */
const POLL_MS = 2;
/** Timers fired one by one in one `advance` before the rest of it is run in one go. */
const MAX_ADVANCE_STEPS = 10_000;
/** Real milliseconds one `advance` waits, in all, for requests its timers started. */
const ADVANCE_IO_WAIT_MS = 10_000;
/**
 * libuv requests (fs, DNS, connect, write...) and immediates: pending work. Long-lived handles
 * (sockets, servers, timers, pipes) are not work.
 */
const PENDING_WORK = /(?:Req|ReqWrap|ReqCallback|ReqPromise|ConnectWrap|^WriteWrap|^ShutdownWrap|^Immediate)$/;

/** Creates the shared fake time of one module driver (install it per scenario). */
export function createFakeTime(options: FakeTimeOptions = {}): FakeTime {
  const tickMs = options.tickMs ?? 10;
  let clock: Clock | undefined;
  let hooks: FakeTimeHooks = {};
  const requests = createRequestTracker();
  const waiters = new Set<Waiter>();
  let pumping = false;

  const nowMs = (): number => clock?.now ?? Date.now();

  /** Requests in flight started at or after `since` (real ms), less those the server holds. */
  const requestsInFlight = (since = 0): number => Math.max(0, requests.inFlight(since) - (hooks.hungRequests?.() ?? 0));
  const pendingWork = (): boolean => process.getActiveResourcesInfo().some((name) => PENDING_WORK.test(name));
  const busy = (since?: number): boolean => requestsInFlight(since) > 0 || pendingWork();

  /** A few real event-loop turns; true when the process was idle on every one of them. */
  const settle = async (): Promise<boolean> => {
    for (let turn = 0; turn < QUIET_TURNS; turn += 1) {
      // The last turn is a (real) timer, so the poll phase and quick thread-pool jobs get a chance.
      await (turn === QUIET_TURNS - 1 ? realSleep(1) : realImmediate());
      if (busy()) return false;
    }
    return true;
  };

  /** Moves `current` to `target` (if ahead), firing the timers due on the way. */
  const tick = async (current: Clock, target: number): Promise<void> => {
    try {
      await current.tickAsync(Math.max(0, target - current.now));
    } catch (error) {
      reportTimerError(error);
    }
  };

  /** Like `tick`, with the automatic tick paused meanwhile. */
  const jumpTo = async (target: number): Promise<void> => {
    const current = clock;
    if (!current) return;
    current.setTickMode({ mode: 'manual' });
    try {
      await tick(current, target);
    } finally {
      if (clock === current) current.setTickMode({ mode: 'interval', delta: tickMs });
    }
  };

  const reportTimerError = (error: unknown): void => {
    try {
      hooks.onTimerError?.(error);
    } catch {
      // A reporting hook must not stop time.
    }
  };

  const nextTimerAt = (): number | undefined => (clock ? firstTimerAt(clock) : undefined);

  /** Runs while units are in flight: jumps to the next timer whenever the process is idle. */
  const pump = async (): Promise<void> => {
    if (pumping) return;
    pumping = true;
    try {
      while (waiters.size > 0 && clock) {
        const idle = await settle();
        expire();
        if (waiters.size === 0 || !clock) break;
        const next = nextTimerAt();
        if (!idle || next === undefined) {
          // A request in flight, or nothing scheduled (the client waits on something untimed):
          // fake time flows with real time meanwhile.
          await realSleep(POLL_MS);
          expire();
          continue;
        }
        const deadline = Math.min(...[...waiters].map((w) => w.deadline));
        await jumpTo(Math.min(next, deadline));
        expire();
      }
    } finally {
      pumping = false;
    }
  };

  const expire = (): void => {
    const now = nowMs();
    for (const waiter of waiters) if (!clock || now >= waiter.deadline) waiter.finish({ done: false });
  };

  const control: FakeTime = {
    get installed() {
      return clock !== undefined;
    },
    install() {
      if (clock) control.uninstall();
      if ((Date as { isFake?: boolean }).isFake === true) {
        throw new HarnessError('USAGE', 'fake timers are already installed in this process (vi.useFakeTimers()?); uninstall them, or run the module client without shared fake time (fakeTime: false)');
      }
      // shouldClearNativeTimers: a timer armed before install (Node's fetch keeps some) is still
      // cleared for real when its owner clears it under the fake timers.
      clock = install({ toFake: FAKED, now: Date.now(), shouldAdvanceTime: true, advanceTimeDelta: tickMs, shouldClearNativeTimers: true });
      requests.start();
    },
    now: nowMs,
    async advance(ms: number) {
      const current = clock;
      if (!current) throw new HarnessError('USAGE', 'advance() before install(): the fake timers are not installed');
      const target = current.now + ms;
      const since = performance.now();
      const waitUntil = since + ADVANCE_IO_WAIT_MS;
      // The clock stands still between the steps of an advance, except while it waits for requests.
      current.setTickMode({ mode: 'manual' });
      try {
        let started = requests.created;
        for (let step = 0; clock === current; step += 1) {
          if (requests.created !== started || pendingWork()) {
            // The last timers started something (a background token request...): let it finish,
            // in real time, before the next timer fires. Requests in flight before this advance
            // (a hung one...) are not waited for.
            current.setTickMode({ mode: 'interval', delta: tickMs });
            while (requestsInFlight(since) > 0 && performance.now() < waitUntil) await realSleep(POLL_MS);
            await settle();
            if (clock !== current) break;
            current.setTickMode({ mode: 'manual' });
          }
          started = requests.created;
          const next = nextTimerAt();
          const to = next === undefined || next > target || step >= MAX_ADVANCE_STEPS ? target : next;
          await tick(current, to);
          if (to === target) break;
        }
      } finally {
        if (clock === current) current.setTickMode({ mode: 'interval', delta: tickMs });
      }
    },
    uninstall() {
      const current = clock;
      clock = undefined;
      requests.stop();
      hooks = {};
      current?.uninstall();
      expire();
    },
    attach(next: FakeTimeHooks) {
      hooks = next;
    },
    drive<T>(work: Promise<T>, deadline: number, signal?: AbortSignal) {
      return new Promise<{ done: true; value: T } | { done: false }>((resolve, reject) => {
        const waiter: Waiter = {
          deadline,
          finish(outcome) {
            if (!waiters.delete(waiter)) return;
            resolve(outcome);
          },
        };
        waiters.add(waiter);
        if (signal?.aborted) waiter.finish({ done: false });
        signal?.addEventListener('abort', () => waiter.finish({ done: false }), { once: true });
        work.then(
          (value) => {
            if (waiters.delete(waiter)) resolve({ done: true, value });
          },
          (error: unknown) => {
            if (waiters.delete(waiter)) reject(error);
          },
        );
        if (!clock) waiter.finish({ done: false });
        else void pump();
      });
    },
  };
  return control;
}

interface Waiter {
  deadline: number;
  finish(outcome: { done: false }): void;
}

/** Earliest due time among the clock's timers (fake-timers keeps them in `clock.timers`, a Map). */
function firstTimerAt(clock: Clock): number | undefined {
  const timers: Map<unknown, { callAt?: number }> | undefined = clock.timers;
  if (!(timers instanceof Map)) return clock.countTimers() > 0 ? clock.now : undefined;
  let first: number | undefined;
  for (const timer of timers.values()) if (timer.callAt !== undefined && (first === undefined || timer.callAt < first)) first = timer.callAt;
  return first;
}

/**
 * HTTP requests of this process in flight, from the diagnostics channels of undici (global
 * `fetch`) and `node:http`: from creation to the end of the response (or an error).
 */
function createRequestTracker() {
  const started = new Map<object, number>();
  let created = 0;
  const add = (message: unknown) => {
    const request = (message as { request?: object }).request;
    if (!request) return;
    started.set(request, performance.now());
    created += 1;
  };
  const remove = (message: unknown) => {
    const request = (message as { request?: object }).request;
    if (request) started.delete(request);
  };
  const channels: [string, (message: unknown) => void][] = [
    ['undici:request:create', add],
    ['undici:request:trailers', remove],
    ['undici:request:error', remove],
    ['http.client.request.start', add],
    ['http.client.response.finish', remove],
    ['http.client.request.error', remove],
  ];
  let subscribed = false;
  return {
    start() {
      started.clear();
      if (subscribed) return;
      for (const [name, listener] of channels) diagnostics.subscribe(name, listener);
      subscribed = true;
    },
    stop() {
      if (subscribed) for (const [name, listener] of channels) diagnostics.unsubscribe(name, listener);
      subscribed = false;
      started.clear();
    },
    /** Requests started so far: a change means a timer started one. */
    get created() {
      return created;
    },
    /** Requests in flight that started at or after `since` (performance.now() ms). */
    inFlight(since = 0): number {
      let count = 0;
      for (const at of started.values()) if (at >= since) count += 1;
      return count;
    },
  };
}

function realImmediate(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function realSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
