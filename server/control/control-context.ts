import type { Clock } from '../base/clock.ts';
import type { ClientRegistry } from '../authorization/client-registry.ts';
import type { RefreshTokenStore } from '../authorization/refresh-tokens.ts';
import type { ConsentStore } from '../authorization/interaction/consents.ts';
import type { SessionStore } from '../authorization/interaction/sessions.ts';
import type { ServerUrls } from '../profiles/urls.ts';
import type { ResolvedConfig } from '../config/types.ts';
import type { FaultLayer } from '../faults/fault-layer.ts';
import type { Journal } from '../journal/journal.ts';
import type { KeyRing } from '../keys/key-ring.ts';
import type { Revocations } from '../tokens/revocations.ts';

/** What the control API steers and reads: clock, journal, clients, keys, faults, revocations, sessions and consents. */
export interface ControlContext {
  config: ResolvedConfig;
  clock: Clock;
  journal: Journal;
  keys: KeyRing;
  clients: ClientRegistry;
  revocations: Revocations;
  refreshTokens: RefreshTokenStore;
  faults: FaultLayer;
  sessions: SessionStore;
  consents: ConsentStore;
  urls: ServerUrls;
}
