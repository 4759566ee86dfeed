import type { ParameterizedContext } from 'koa';
import type { ResolvedRoute } from '../config/types.ts';
import type { Endpoint, JournalEntryInput } from '../journal/types.ts';

/** What a handler tells the journal about the request it answered. */
export type EntryDraft = Partial<Omit<JournalEntryInput, 'time' | 'realTime' | 'method' | 'path' | 'status' | 'durationMs' | 'requestHeaders'>>;

/**
 * Koa state of a request: what every layer may read. A layer above http/ that keeps more state
 * on the request extends it in its own folder (authorization/'s AuthorizationState adds the
 * token hooks) and takes an `HttpContext` of its own state, so http/ never imports upward.
 */
export interface RequestState {
  requestId: string;
  entry: EntryDraft;
  /** Control API and dashboard requests are not journaled. */
  skipJournal?: boolean;
  /** The parsed form of an OAuth POST, read once and shared (see authorization/form-request.ts). */
  form?: Promise<Map<string, string>>;
  /** Every value of every parameter of a browser request (query or form), read once and shared (authorization/interaction/read-interaction-params.ts). */
  browserParams?: Promise<Map<string, string[]>>;
  face?: Face;
  /** Seconds the verification clock runs ahead (clock_skew faults): the API's token checks and client assertions. */
  verifySkew?: number;
}

/** The Koa context every understudy handler receives; `S` is the state its layer keeps. */
export type HttpContext<S extends RequestState = RequestState> = ParameterizedContext<S>;

/** Which face of the server answers a request, found before faults apply. */
export interface Face<S extends RequestState = RequestState> {
  endpoint: Endpoint;
  route?: ResolvedRoute;
  handle: (ctx: HttpContext<S>) => Promise<void> | void;
}
