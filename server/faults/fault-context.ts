import type { AuthorizationContext } from '../authorization/authorization-context.ts';
import type { FaultLayer } from './fault-layer.ts';

/**
 * What carrying out a fault plan reads: the rules and their state, the clock, and what it needs
 * to answer in an endpoint's shape (profile, URLs, realm) or to revoke a presented token early,
 * and the pending authorization requests a login or consent page request is matched by.
 */
export interface FaultContext extends Pick<AuthorizationContext, 'config' | 'profile' | 'clock' | 'revocations' | 'urls' | 'interactions'> {
  faults: FaultLayer;
}
