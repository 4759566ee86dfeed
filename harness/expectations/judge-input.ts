import type { JournalEntry } from '../../server/journal/types.ts';
import type { ClientExit, WorkResult } from '../drivers/driver.ts';
import type { BoundName, ResolvedBounds } from '../scenario/bounds.ts';

/**
 * A unit of work as the runner saw it: the client's report, and when (on the scenario server's
 * virtual clock, epoch seconds) it was handed over and reported. Units inferred from a journal
 * alone (the vitest matchers) have no times.
 */
export interface UnitRecord extends WorkResult {
  handedAt?: number;
  reportedAt?: number;
  /** Journal entries recorded before the unit was handed over (`journal.recorded` then): its own come after. */
  handedSeq?: number;
  /** Units handed over together (one concurrent `work` step) share a batch number. */
  batch?: number;
  /** Journal entries recorded when the client reported the unit. */
  reportedSeq?: number;
}

/**
 * A `sign-in` or `sign-out` step as the runner played it: what the person did, what the browser
 * brought back to the client, and what the client said of it.
 */
export interface SignInRecord {
  kind: 'sign-in' | 'sign-out';
  /** The id of the client's last answer: to the callback, or to the sign-out. */
  id: number;
  /** The client's report: signed in (callback) or signed out. */
  ok: boolean;
  error?: string;
  /** Who the client says signed in. */
  subject?: string;
  /** A forged callback: the attacker's code, with the attacker's state or none. */
  forged?: 'wrong-state' | 'no-state';
  /** The error the callback carried (`access_denied`, `login_required`...). */
  callbackError?: string;
  /** The authorization grant (journal `grant`) of the code the callback carried. */
  grant?: string;
  /** Why no callback reached the client: the client gave no URL, or a page stopped the person. */
  unfinished?: string;
  /** The client left one of the step's operations unanswered (its driver's timeout). */
  timedOut?: boolean;
  /** sign-out: the URL the client sent the browser to, if any. */
  url?: string;
  /** Journal entries recorded when the step started, when the callback was handed over, and when the client answered. */
  startSeq: number;
  callbackSeq?: number;
  endSeq: number;
  /** Journal entries of requests the harness made itself (the attacker's sign-in), not the client. */
  harnessSeqs: number[];
}

/** What expectations are judged on. */
export interface JudgeInput {
  /** Journal entries of the scenario (or of the segment since the last checkpoint). */
  entries: JournalEntry[];
  /** Virtual time the scenario started, for relative times in quotes. */
  origin: number;
  /** The units of work of this segment, with the client's reports. */
  units: UnitRecord[];
  exit?: ClientExit;
  /** The bounds of the run. Default: the documented defaults. */
  bounds?: ResolvedBounds;
  /**
   * Entries journaled before this segment (at a checkpoint): not judged, but what the client had
   * been told by then (tokens and their lifetimes) and which tokens the API had refused.
   */
  before?: JournalEntry[];
  /**
   * An instant of the server's virtual clock on the client's clock (epoch seconds), given the
   * journal position it belongs to (an entry's `seq`; a unit's `handedSeq` + 0.5): the identity
   * for clients that share the virtual clock (module and faketime drivers); for clients on real
   * time, the virtual instant less the `advance` steps taken before that position. Every timing
   * judgement compares instants through it, so one judgement uses one clock. Default: the identity.
   */
  clientTime?: (virtual: number, seq: number) => number;
  /** Seconds past `exp` the API accepted a token (the scenario server's `leeway`). Default: 0. */
  apiLeeway?: number;
  /** The sign-in and sign-out steps of this segment. */
  signIns?: SignInRecord[];
}

/** What a check decides: the rule held, was broken, or nothing gave the client a chance to break it. */
export type CheckVerdict = 'pass' | 'fail' | 'not-exercised' | 'not-applicable';

/** One check's outcome, before the scenario's name, rule and level are put on it. */
export interface Check {
  verdict: CheckVerdict;
  /** One or two sentences a newcomer understands; for not-exercised, what was missing. */
  explanation: string;
  /** Journal entries that decided it. */
  evidence?: JournalEntry[];
  /** Bounds the verdict depended on, named in the verdict. */
  bounds?: BoundName[];
}

export const isToken = (e: JournalEntry): boolean => e.endpoint === 'token';
export const isApi = (e: JournalEntry): boolean => e.endpoint === 'api';
/** An API refusal that says the token is no good (RFC 6750 §3.1). */
export const isInvalidToken = (e: JournalEntry): boolean => isApi(e) && e.status === 401 && e.error === 'invalid_token';

export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Seconds with up to three decimals, for explanations. */
export const secs = (value: number): string => `${Math.round(value * 1000) / 1000} s`;

export function notExercised(explanation: string, evidence: JournalEntry[] = []): Check {
  return { verdict: 'not-exercised', explanation, evidence };
}

/** Sorted by seq, without duplicates. */
export function inOrder(entries: Iterable<JournalEntry>): JournalEntry[] {
  return [...new Set(entries)].sort((a, b) => a.seq - b.seq);
}
