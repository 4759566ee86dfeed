import type { Clock } from '../clock.ts';
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
