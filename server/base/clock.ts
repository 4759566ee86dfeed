import { Listeners } from './listeners.ts';

/**
 * The server's virtual clock: real time plus an offset, or frozen at an instant.
 *
 * Token `iat`/`exp`, every validation in the mock API and every journal entry read it, so a
 * scenario can move time without touching the process clock (`Date` is never patched).
 */
export interface ClockState {
  /** Virtual now, in epoch seconds (fractional). */
  now: number;
  /** Virtual minus real time, in seconds. */
  offset: number;
  /** True while the clock stands still (after `freeze()`, until `resume()`). */
  frozen: boolean;
}

/**
 * The virtual clock a server and its tokens read. Move it (`advance`, `set`) to make tokens
 * expire or keys rotate without waiting; `freeze` it to keep `iat`/`exp` stable in assertions.
 */
export interface Clock {
  /** Virtual now in epoch milliseconds. */
  nowMs(): number;
  /** Virtual now in whole epoch seconds, as JWT `iat`/`exp` use. */
  nowSeconds(): number;
  /** Moves virtual time forward (or back, when negative) by `seconds`; a frozen clock moves and stays frozen. */
  advance(seconds: number): ClockState;
  /** Jump to an instant (epoch seconds, or a Date). A frozen clock stays frozen there. */
  set(time: number | Date): ClockState;
  /** Stops virtual time at its current instant until `resume()`. */
  freeze(): ClockState;
  /** Lets a frozen clock run again from the instant it was frozen at (the offset absorbs the pause). */
  resume(): ClockState;
  /** The current virtual time, offset and frozen flag, as the control API reports them. */
  state(): ClockState;
  /**
   * Called after every change, with the new state; a listener that throws changes nothing for
   * the caller or the other listeners. Returns an unsubscribe function.
   */
  onChange(listener: (state: ClockState) => void): () => void;
}

/** How `createClock()` starts: its real-time source, its starting instant and whether it starts frozen. */
export interface ClockOptions {
  /** Source of real time in epoch milliseconds; defaults to `Date.now`. */
  realNow?: () => number;
  /** Start at this virtual instant (epoch seconds) instead of real now. */
  start?: number;
  /** Start frozen. */
  frozen?: boolean;
}

/**
 * Creates a virtual clock, e.g. to share one between `createServer({ clock })` and fake timers
 * (`realNow: () => fakeNow()`), or to start a server at a fixed instant.
 *
 * @example
 * const clock = createClock({ start: Date.parse('2030-01-01T00:00:00Z') / 1000, frozen: true });
 * const server = await createServer({ port: 0, clock });
 * clock.advance(3600); // an hour later for every token and validation, at once
 */
export function createClock(options: ClockOptions = {}): Clock {
  const realNow = options.realNow ?? Date.now;
  const startReal = realNow();
  let offsetMs = options.start === undefined ? 0 : options.start * 1000 - startReal;
  // While frozen, virtual time is this instant; offset is recomputed on resume so time continues from it.
  let frozenAtMs: number | undefined = options.frozen ? startReal + offsetMs : undefined;
  const listeners = new Listeners<[ClockState]>();

  const nowMs = (): number => frozenAtMs ?? realNow() + offsetMs;

  const state = (): ClockState => {
    const real = realNow();
    const now = frozenAtMs ?? real + offsetMs;
    return { now: now / 1000, offset: (now - real) / 1000, frozen: frozenAtMs !== undefined };
  };

  const changed = (): ClockState => {
    const current = state();
    listeners.notify(current);
    return current;
  };

  return {
    nowMs,
    nowSeconds: () => Math.floor(nowMs() / 1000),
    advance(seconds) {
      assertFiniteSeconds(seconds, 'seconds');
      assertRepresentable(nowMs() + seconds * 1000, 'seconds');
      if (frozenAtMs !== undefined) frozenAtMs += seconds * 1000;
      else offsetMs += seconds * 1000;
      return changed();
    },
    set(time) {
      const targetMs = time instanceof Date ? time.getTime() : time * 1000;
      assertFiniteSeconds(targetMs, 'time');
      assertRepresentable(targetMs, 'time');
      if (frozenAtMs !== undefined) frozenAtMs = targetMs;
      else offsetMs = targetMs - realNow();
      return changed();
    },
    freeze() {
      frozenAtMs ??= nowMs();
      return changed();
    },
    resume() {
      if (frozenAtMs !== undefined) {
        offsetMs = frozenAtMs - realNow();
        frozenAtMs = undefined;
      }
      return changed();
    },
    state,
    onChange: (listener) => listeners.add(listener),
  };
}

/** ECMAScript dates span ±8.64e15 ms around 1970; a clock outside that cannot be formatted or compared. */
const MAX_MS = 8.64e15;

function assertFiniteSeconds(value: number, name: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a finite number, got ${String(value)}`);
  }
}

function assertRepresentable(ms: number, name: string): void {
  if (Math.abs(ms) > MAX_MS) {
    throw new RangeError(`${name} would move the clock outside the dates JavaScript can represent (±8.64e12 seconds from 1970)`);
  }
}
