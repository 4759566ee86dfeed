import type { Clock } from '../base/clock.ts';
import type { ResolvedConfig } from '../config/types.ts';
import type { HttpContext, RequestState } from '../http/types.ts';
import type { KeyRing } from '../keys/key-ring.ts';
import type { Profile } from '../profiles/profile.ts';
import type { ServerUrls } from '../profiles/urls.ts';
import type { Revocations } from '../tokens/revocations.ts';
import type { ClientRegistry } from './client-registry.ts';
import type { RefreshTokenStore } from './refresh-tokens.ts';
import type { ReplayCache } from './replay-cache.ts';
import type { TokenHooks } from './token-hooks.ts';

/** What the authorization server's endpoints read: one instance per server (the root's ServerContext is one). */
export interface AuthorizationContext {
  config: ResolvedConfig;
  profile: Profile;
  clock: Clock;
  keys: KeyRing;
  clients: ClientRegistry;
  revocations: Revocations;
  refreshTokens: RefreshTokenStore;
  replay: ReplayCache;
  urls: ServerUrls;
}

/** Request state the authorization server adds to http/'s. */
export interface AuthorizationState extends RequestState {
  /** Hooks the token endpoint calls as it issues (fault rules register them). */
  tokenHooks?: TokenHooks[];
}

/** The Koa context of an authorization-server request. */
export type AuthorizationHttpContext = HttpContext<AuthorizationState>;
