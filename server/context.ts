import type { AuthorizationContext, AuthorizationState } from './authorization/authorization-context.ts';
import type { ControlContext } from './control/control-context.ts';
import type { FaultContext } from './faults/fault-context.ts';
import type { JournalingContext } from './http/journal-requests.ts';
import type { ResourceContext } from './resource/resource-context.ts';

/**
 * Everything a request handler may read: one instance per server. Each folder declares the
 * narrow part it reads (authorization/authorization-context.ts, resource/, faults/, control/,
 * tokens/verification-context.ts); this is all of them, and nothing below the root imports it.
 */
export type ServerContext = AuthorizationContext & ResourceContext & FaultContext & ControlContext & JournalingContext;

/** Koa state of a request: http/'s, plus what the authorization server keeps on it. */
export type ServerState = AuthorizationState;
