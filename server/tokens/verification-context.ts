import type { Clock } from '../base/clock.ts';
import type { ResolvedConfig } from '../config/types.ts';
import type { KeyRing } from '../keys/key-ring.ts';
import type { Revocations } from './revocations.ts';

/**
 * What validating an access token reads: the keys that sign, the virtual clock and leeway, the
 * issuer and audiences it must name, and the revocations it must not be among. The server's
 * context has all of it; tokens/ never sees the rest.
 */
export interface VerificationContext {
  keys: KeyRing;
  clock: Clock;
  config: Pick<ResolvedConfig, 'resources' | 'leeway' | 'profile'>;
  urls: { issuer: string };
  revocations: Revocations;
}
