import type { Clock } from '../base/clock.ts';
import type { KeyRing } from './key-ring.ts';

export interface RotationPolicy {
  /** Rotate every this many seconds of virtual time. */
  every: number;
  /** Seconds the previous key keeps verifying; default: until removed. */
  grace?: number;
}

/**
 * Rotates the signing key on a virtual-time schedule. It is checked as requests arrive rather
 * than on a timer, so moving the clock past a rotation rotates before the next request is
 * answered, deterministically. Missed periods (a big clock jump) cause one rotation, not many.
 */
export function createRotationSchedule(keys: KeyRing, clock: Clock, policy: RotationPolicy): () => Promise<void> {
  let next = clock.nowSeconds() + policy.every;
  let rotating: Promise<unknown> | undefined;
  return async () => {
    const now = clock.nowSeconds();
    if (now < next) return;
    if (!rotating) {
      next = now + policy.every;
      rotating = keys.rotate({ grace: policy.grace }).finally(() => (rotating = undefined));
    }
    await rotating;
  };
}

/** setTimeout's longest delay (about 24.8 days); a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Makes the ring drop a key as soon as virtual time passes the end of its grace period, rather
 * than at the next request that reads the ring, so the drop is announced (`KeyRing.onChange`)
 * when it happens: on a clock change (advance, set, resume), or on a real-time timer while the
 * clock runs towards it. Returns a function that stops watching.
 */
export function watchGraceEnds(keys: KeyRing, clock: Clock): () => void {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = undefined;
    const at = keys.nextRemoval();
    // A frozen clock never gets there by itself; its next change re-arms.
    if (at === undefined || clock.state().frozen) return;
    // A running virtual clock keeps pace with real time. Firing early (timer rounding, a clock
    // moved back) only re-arms; the +1 ms makes the usual case land just past the end.
    timer = setTimeout(check, Math.min(Math.max(0, at * 1000 - clock.nowMs()) + 1, MAX_TIMER_MS));
    timer.unref();
  };
  const check = () => {
    keys.all(); // drops what ended, and announces it
    arm();
  };
  const offClock = clock.onChange(check);
  // A rotation with a grace period, or a removal, changes the next end.
  const offKeys = keys.onChange(arm);
  arm();
  return () => {
    offClock();
    offKeys();
    clearTimeout(timer);
  };
}
