import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HarnessError } from '../errors.ts';
import type { TimeControl } from './driver.ts';

/**
 * A virtual clock that the harness and a libfaketime'd child process agree on, to the
 * millisecond, without the child's help.
 *
 * libfaketime (LD_PRELOAD) answers every `clock_gettime` / `gettimeofday` / `time` of the child
 * with `S + offset + (real - S) × rate`, where `S` is libfaketime's "start time" and `offset`
 * and `rate` come from the timestamp file (`+OFFSET xRATE`, re-read on every call with
 * FAKETIME_NO_CACHE=1). `S` would normally be the instant the child's libfaketime initialised,
 * which the harness cannot know to better than a few milliseconds (× rate: a few hundred ms of
 * virtual time). So the harness sets `S` itself: libfaketime reads it from the shared-memory
 * segment named in FAKETIME_SHARED when that segment already holds one, and the harness
 * creates that segment (and its semaphore) before starting the child. The same segment is what
 * the child's own children (the shell of `shell: true`, then the program) share, and since
 * libfaketime did not create it, no process of the child's tree deletes it or leaves a stale one
 * behind: the harness does, on `uninstall()`.
 *
 * Moving time (`advance`) rewrites the file with a larger offset (write + rename, so a reader
 * never sees half a line). A `+` offset does not reset libfaketime's start time (an `@date` would,
 * at the instant each process next reads the file), so the jump lands exactly where the
 * harness's `now()` says, whenever the child gets to read it.
 */
export interface FaketimeClockOptions {
  /** Virtual seconds per real second. Default 1. */
  rate?: number;
  /** Path of libfaketime; default: the multi-threaded library of the distribution's package. */
  libfaketime?: string;
  /**
   * Fake CLOCK_MONOTONIC too (default true): the child's timers, sleeps and timeouts then run on
   * the virtual clock and jump with it. With false (FAKETIME_DONT_FAKE_MONOTONIC=1) only the
   * wall clock is virtual and timers run in real time; see docs/faketime.md for what breaks.
   */
  fakeMonotonic?: boolean;
  /** Virtual time at `install()`: epoch ms or a Date. Default: the real time at `install()`. */
  start?: number | Date;
}

export interface FaketimeClock {
  readonly time: TimeControl;
  /** The library in use. */
  readonly library: string;
  /** The rate time flows at now (see `setRate`). */
  readonly rate: number;
  /**
   * Changes the rate from now on, without a jump: the offset absorbs the change, in the harness
   * and in the child alike (both compute `S + offset + (real - S) × rate`). A child asleep in a
   * timed wait keeps the real deadline it computed at the old rate.
   */
  setRate(rate: number): void;
  /** True between `install()` and `uninstall()`. */
  readonly installed: boolean;
  /**
   * The variables a child needs to live on this clock (LD_PRELOAD, FAKETIME_*). Keys with the
   * value `undefined` must be removed from the child's environment (FAKETIME would override the
   * timestamp file); `child_process.spawn` drops them. Valid between `install()` and `uninstall()`.
   */
  environment(base?: Record<string, string | undefined>): Record<string, string | undefined>;
}

/** Where distributions put libfaketime (Debian/Ubuntu multiarch, Fedora/Arch, `make install`). */
const SEARCH_DIRS = ['/usr/lib/x86_64-linux-gnu/faketime', '/usr/lib/aarch64-linux-gnu/faketime', '/usr/lib64/faketime', '/usr/lib/faketime', '/usr/local/lib/faketime'];
/** The multi-threaded build serialises the parsing of the timestamp file; the other one races. */
const LIBRARY_NAMES = ['libfaketimeMT.so.1', 'libfaketime.so.1'];
const SHM_DIR = '/dev/shm';
/** Variables of the parent's environment that would take the child's clock out of the harness's hands. */
const CONFLICTING = ['FAKETIME', 'FAKETIME_FOLLOW_FILE', 'FAKETIME_LOAD_FILE', 'FAKETIME_SAVE_FILE', 'FAKETIME_START_AFTER_SECONDS', 'FAKETIME_STOP_AFTER_SECONDS', 'FAKETIME_START_AFTER_NUMCALLS', 'FAKETIME_STOP_AFTER_NUMCALLS', 'FAKETIME_XRESET', 'FAKETIME_UPDATE_TIMESTAMP_FILE'];

export const INSTALL_HINT = 'install it with `apt-get install -y faketime` (Debian/Ubuntu), `dnf install libfaketime` (Fedora) or `pacman -S libfaketime` (Arch), or pass its path (libfaketime option)';

/**
 * Finds libfaketime: `explicit` when given (it must exist), else UNDERSTUDY_LIBFAKETIME, else the
 * multi-threaded library in the usual places.
 * @throws HarnessError CLIENT_START_FAILED when there is none, or not on Linux.
 */
export function findLibfaketime(explicit?: string, env: Record<string, string | undefined> = process.env): string {
  if (process.platform !== 'linux') {
    throw new HarnessError('CLIENT_START_FAILED', `libfaketime clients need Linux (this is ${process.platform}); on macOS LD_PRELOAD is DYLD_INSERT_LIBRARIES and System Integrity Protection strips it from system binaries`);
  }
  const wanted = explicit ?? env.UNDERSTUDY_LIBFAKETIME;
  if (wanted) {
    if (!existsSync(wanted)) throw new HarnessError('CLIENT_START_FAILED', `libfaketime not found at ${wanted}; ${INSTALL_HINT}`);
    return wanted;
  }
  for (const dir of SEARCH_DIRS) {
    for (const name of LIBRARY_NAMES) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
  }
  // Other multiarch triplets (armhf, riscv64...).
  try {
    for (const entry of readdirSync('/usr/lib')) {
      for (const name of LIBRARY_NAMES) {
        const candidate = join('/usr/lib', entry, 'faketime', name);
        if (existsSync(candidate)) return candidate;
      }
    }
  } catch {
    // no /usr/lib: nothing more to look at
  }
  throw new HarnessError('CLIENT_START_FAILED', `libfaketime is not installed (looked in ${SEARCH_DIRS.join(', ')}); ${INSTALL_HINT}`);
}

/** True when libfaketime can be found (for tests that skip without it). */
export function hasLibfaketime(): boolean {
  try {
    findLibfaketime();
    return true;
  } catch {
    return false;
  }
}

let installs = 0;

export function createFaketimeClock(options: FaketimeClockOptions = {}): FaketimeClock {
  let rate = checkRate(options.rate ?? 1);
  const library = findLibfaketime(options.libfaketime);
  const fakeMonotonic = options.fakeMonotonic ?? true;
  const start = options.start instanceof Date ? options.start.getTime() : options.start;
  if (start !== undefined && (typeof start !== 'number' || !Number.isFinite(start))) {
    throw new HarnessError('USAGE', `the faketime start must be a date or epoch milliseconds, got ${String(options.start)}`);
  }

  let state:
    | {
        dir: string;
        file: string;
        shmName: string;
        semName: string;
        /** Real epoch ms of libfaketime's start time S, and CLOCK_MONOTONIC (ns) at the same instant. */
        startReal: number;
        startMono: bigint;
        /** Virtual minus real at S, plus every advance, in ms. */
        offsetMs: number;
      }
    | undefined;

  const realNow = (s: NonNullable<typeof state>): number => s.startReal + Number(process.hrtime.bigint() - s.startMono) / 1e6;

  const writeTimestampFile = (s: NonNullable<typeof state>): void => {
    // "+SECONDS xRATE": S + offset + (real - S) × rate. No exponent (atof would read 1e+21 as 1).
    const seconds = s.offsetMs / 1000;
    const line = `${seconds < 0 ? '-' : '+'}${Math.abs(seconds).toFixed(6)} x${formatRate(rate)}\n`;
    const temporary = `${s.file}.${process.pid}.tmp`;
    writeFileSync(temporary, line);
    renameSync(temporary, s.file);
  };

  const uninstall = (): void => {
    if (!state) return;
    const s = state;
    state = undefined;
    rmSync(s.dir, { recursive: true, force: true });
    rmSync(join(SHM_DIR, s.shmName.slice(1)), { force: true });
    rmSync(join(SHM_DIR, `sem.${s.semName.slice(1)}`), { force: true });
  };

  const time: TimeControl = {
    install() {
      if (state) uninstall();
      try {
        accessSync(SHM_DIR, constants.W_OK);
      } catch {
        throw new HarnessError('CLIENT_START_FAILED', `${SHM_DIR} is not writable; libfaketime shares its start time through POSIX shared memory there`);
      }
      const id = `understudy_${process.pid}_${++installs}_${randomBytes(4).toString('hex')}`;
      const dir = mkdtempSync(join(tmpdir(), 'understudy-faketime-'));
      const { startReal, startMono } = pairClocks();
      const s = { dir, file: join(dir, 'faketimerc'), shmName: `/${id}_shm`, semName: `/${id}_sem`, startReal, startMono, offsetMs: (start ?? startReal) - startReal };
      writeFileSync(join(SHM_DIR, s.shmName.slice(1)), sharedStartTime(startReal, startMono), { mode: 0o600 });
      writeFileSync(join(SHM_DIR, `sem.${s.semName.slice(1)}`), unlockedSemaphore(), { mode: 0o600 });
      state = s;
      writeTimestampFile(s);
    },
    now() {
      if (!state) return Date.now();
      const real = realNow(state);
      return state.startReal + (real - state.startReal) * rate + state.offsetMs;
    },
    async advance(ms) {
      if (!state) throw new HarnessError('USAGE', 'advance() before install(): the faketime clock is not installed');
      // Backwards would also turn the child's CLOCK_MONOTONIC back, which runtimes do not expect.
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`a libfaketime client's clock can only move forward: advance() takes a finite number of ms >= 0, got ${String(ms)}`);
      state.offsetMs += ms;
      writeTimestampFile(state);
    },
    uninstall,
  };

  return {
    time,
    library,
    get rate() {
      return rate;
    },
    setRate(next) {
      const checked = checkRate(next);
      if (checked === rate) return;
      if (state) {
        // Same virtual now before and after: offset + (real - S) × old = offset' + (real - S) × new.
        state.offsetMs += (realNow(state) - state.startReal) * (rate - checked);
        rate = checked;
        writeTimestampFile(state);
      } else {
        rate = checked;
      }
    },
    get installed() {
      return state !== undefined;
    },
    environment(base = process.env) {
      if (!state) throw new HarnessError('USAGE', 'the faketime clock is not installed: call time.install() before starting the client');
      const removed = Object.fromEntries(CONFLICTING.map((name) => [name, undefined]));
      const preload = base.LD_PRELOAD ? `${library} ${base.LD_PRELOAD}` : library;
      return {
        ...removed,
        LD_PRELOAD: preload,
        FAKETIME_TIMESTAMP_FILE: state.file,
        FAKETIME_NO_CACHE: '1',
        FAKETIME_SHARED: `${state.semName} ${state.shmName}`,
        FAKETIME_DONT_FAKE_MONOTONIC: fakeMonotonic ? '0' : '1',
        // File times stay real: faked, an `advance` would make a file written before it look
        // newer (its mtime converted at the new offset) and a cached token on disk look fresh.
        NO_FAKE_STAT: '1',
        // libfaketime reads "+2.500000" with atof: a program that switches to a locale with a
        // decimal comma would read 2. (LC_ALL still wins over this.)
        LC_NUMERIC: base.LC_NUMERIC ?? 'C',
      };
    },
  };
}

/**
 * An instant as both real epoch ms and CLOCK_MONOTONIC ns (`process.hrtime`), to a few
 * microseconds rather than Date.now()'s millisecond: it waits for Date.now() to tick over and
 * takes the monotonic reading around that call (again if the thread was preempted in between).
 */
function pairClocks(): { startReal: number; startMono: bigint } {
  let best: { startReal: number; startMono: bigint; gap: bigint } | undefined;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const previous = Date.now();
    let before: bigint;
    let real: number;
    let after: bigint;
    do {
      before = process.hrtime.bigint();
      real = Date.now();
      after = process.hrtime.bigint();
    } while (real === previous);
    const gap = after - before;
    if (!best || gap < best.gap) best = { startReal: real, startMono: before + gap / 2n, gap };
    if (gap < 20_000n) break;
  }
  const { startReal, startMono } = best as NonNullable<typeof best>;
  return { startReal, startMono };
}

function checkRate(rate: unknown): number {
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0 || rate > 1e6) {
    throw new HarnessError('USAGE', `the faketime rate must be a positive number of virtual seconds per real second (at most 1e6), got ${String(rate)}`);
  }
  return rate;
}

function formatRate(rate: number): string {
  return Number.isInteger(rate) ? String(rate) : rate.toFixed(6);
}

/**
 * libfaketime's `struct ft_shared_s` (faketime_common.h, 0.9.7 to 0.9.10 at least; x86_64 and
 * aarch64): uint64 ticks, uint64 file_idx, then the start time of CLOCK_REALTIME,
 * CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW and CLOCK_BOOTTIME as {int64 sec, int64 nsec}. Node has
 * no reading of the last two; CLOCK_MONOTONIC stands in (a constant shift of clocks that only
 * measure intervals).
 */
function sharedStartTime(startRealMs: number, startMonoNs: bigint): Buffer {
  const buffer = Buffer.alloc(80);
  const realNs = BigInt(startRealMs) * 1_000_000n;
  const clocks = [realNs, startMonoNs, startMonoNs, startMonoNs];
  clocks.forEach((ns, index) => {
    buffer.writeBigInt64LE(ns / 1_000_000_000n, 16 + index * 16);
    buffer.writeBigInt64LE(ns % 1_000_000_000n, 24 + index * 16);
  });
  return buffer;
}

/** A process-shared glibc `sem_t` (32 bytes) holding 1, as `sem_open(O_CREAT, 1)` writes it. */
function unlockedSemaphore(): Buffer {
  const buffer = Buffer.alloc(32);
  buffer.writeUInt32LE(1, 0); // value
  buffer.writeUInt32LE(128, 8); // "private" field of a shared semaphore (FUTEX_PRIVATE_FLAG, inverted)
  return buffer;
}
