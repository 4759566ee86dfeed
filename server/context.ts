import type { Clock } from './clock.ts';
import type { ResolvedRoute } from './config/types.ts';
import type { FaultLayer } from './faults/fault-layer.ts';
import type { FaultAction, FaultRule } from './faults/rule-schema.ts';
import type { HttpContext } from './http/types.ts';
import type { Endpoint } from './journal/types.ts';
import type { ResolvedConfig } from './config/types.ts';
import type { Journal } from './journal/journal.ts';
import type { JournalEntryInput } from './journal/types.ts';
import type { KeyRing } from './keys/key-ring.ts';
import type { Profile } from './profiles/profile.ts';
import type { ClientRegistry } from './authorization/client-registry.ts';
import type { ReplayCache } from './authorization/replay-cache.ts';
import type { Revocations } from './authorization/revocations.ts';
import type { RefreshTokenStore } from './authorization/refresh-tokens.ts';

/** Absolute URLs of the running server. */
export interface ServerUrls {
  baseUrl: string;
  issuer: string;
  tokenUrl: string;
  jwksUrl: string;
  introspectUrl: string;
  revokeUrl: string;
  discoveryUrl: string;
  controlUrl: string;
}

/** Everything a request handler may read: one instance per server. */
export interface ServerContext {
  config: ResolvedConfig;
  profile: Profile;
  clock: Clock;
  journal: Journal;
  keys: KeyRing;
  clients: ClientRegistry;
  revocations: Revocations;
  refreshTokens: RefreshTokenStore;
  replay: ReplayCache;
  faults: FaultLayer;
  urls: ServerUrls;
}

/** Which face of the server answers a request, found before faults apply. */
export interface Face {
  endpoint: Endpoint;
  route?: ResolvedRoute;
  handle: (ctx: HttpContext) => Promise<void> | void;
}

/** A token-side fault action waiting for the token endpoint to apply it. */
export interface PendingTweak {
  rule: FaultRule;
  action: Extract<FaultAction, { type: 'token_mutation' | 'token_response' }>;
}

/** What a handler tells the journal about the request it answered. */
export type EntryDraft = Partial<Omit<JournalEntryInput, 'time' | 'realTime' | 'method' | 'path' | 'status' | 'durationMs' | 'requestHeaders'>>;

/** Koa state of a request. */
export interface RequestState {
  requestId: string;
  entry: EntryDraft;
  /** Control API and dashboard requests are not journaled. */
  skipJournal?: boolean;
  /** The parsed form of an OAuth POST, read once and shared (see readFormRequest). */
  form?: Promise<Map<string, string>>;
  face?: Face;
  /** Seconds the API's verification clock runs ahead (clock_skew faults). */
  verifySkew?: number;
  /** Token mutations and response tweaks for the token endpoint (fault rules). */
  tokenTweaks?: PendingTweak[];
}

export function buildUrls(baseUrl: string, profile: Profile, issuer: string | undefined): ServerUrls {
  return {
    baseUrl,
    issuer: issuer ?? baseUrl,
    tokenUrl: `${baseUrl}${profile.paths.token}`,
    jwksUrl: `${baseUrl}${profile.paths.jwks}`,
    introspectUrl: `${baseUrl}${profile.paths.introspect}`,
    revokeUrl: `${baseUrl}${profile.paths.revoke}`,
    discoveryUrl: `${baseUrl}${profile.paths.discovery[0]}`,
    controlUrl: `${baseUrl}/_understudy`,
  };
}
