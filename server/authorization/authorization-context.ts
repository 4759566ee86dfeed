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
import type { AuthorizationHooks, TokenHooks } from './token-hooks.ts';
import type { AuthorizationCodeStore } from './authorization-codes.ts';
import type { ConsentStore } from './interaction/consents.ts';
import type { InteractionStore } from './interaction/interactions.ts';
import type { SessionStore } from './interaction/sessions.ts';

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
  /** Browser login sessions. */
  sessions: SessionStore;
  /** Authorization requests waiting for a login or consent. */
  interactions: InteractionStore;
  consents: ConsentStore;
  codes: AuthorizationCodeStore;
}

/** Request state the authorization server adds to http/'s. */
export interface AuthorizationState extends RequestState {
  /** Hooks the token endpoint calls as it issues (fault rules register them). */
  tokenHooks?: TokenHooks[];
  /** Hooks the authorization endpoint and its pages call at each step (fault rules register them). */
  authorizationHooks?: AuthorizationHooks[];
}

/** The Koa context of an authorization-server request. */
export type AuthorizationHttpContext = HttpContext<AuthorizationState>;
