import type { MatcherState, SyncMatcherResult } from 'vitest';
import { runCheck } from '../../harness/expectations/judge.ts';
import type { Expectation } from '../../harness/scenario/schema.ts';
import { inferUnits, readJournal } from './journal-source.ts';

/** A count the journal must show: a number means exactly that many. */
export type CountExpectation = number | { exactly?: number; min?: number; max?: number };

/** Options of `toHaveReplayedOnceAfterInvalidToken`. */
export interface ReplayOptions {
  /**
   * Units of work the test asked of the client, as the explanation counts them. Default:
   * inferred from the journal (every API call but a replay: the next call to the same method and
   * path after an invalid_token refusal). The verdict follows the calls either way.
   */
  units?: number;
}

/** Options of `toHaveUsedExpiredTokens`. */
export interface ExpiredTokenOptions {
  /** Seconds before the expiry the client was told (response sent + expires_in) that already count as expired. Default: 0. */
  margin?: number;
}

/** Options of `toHaveSentHeader`. */
export interface HeaderOptions {
  /** Which requests must all carry the header. Default: `'api'`. */
  endpoint?: 'token' | 'api';
}

/** How one matcher asks the judge: the check, and how to read its verdict. */
interface RuleQuestion {
  matcher: string;
  /** The arguments as the test wrote them, for the message's first line. */
  args: string;
  expectation: Expectation;
  units?: number;
  /** The matcher asserts that the rule was broken (`.not` is then the rule). */
  inverted?: boolean;
  /** What to do when nothing in the journal put the rule to the test. */
  hint?: string;
}

/**
 * Judges one contract rule on the received journal with the harness's own check (the same
 * verdict and explanation a scenario gives) and turns it into a matcher result whose message
 * quotes the journal lines that decided it.
 *
 * A rule nothing exercised (no 429 to respect, no refusal to recover from) fails both ways:
 * neither "it held" nor ".not: it was broken" can be claimed.
 */
function judgeRule(state: MatcherState, received: unknown, question: RuleQuestion): SyncMatcherResult {
  const { entries, origin } = readJournal(received, question.matcher);
  const outcome = runCheck(question.expectation, { entries, origin, units: inferUnits(entries, question.units) });
  const header = `expect(journal)${state.isNot ? '.not' : ''}.${question.matcher}(${question.args})`;
  const journal =
    outcome.evidence.length > 0
      ? ['Journal (what the server saw):', ...outcome.evidence.map((line) => `  ${line}`)]
      : [`Journal: no request is relevant to this check (${entries.length} in all).`];
  if (outcome.verdict === 'not-exercised' || outcome.verdict === 'not-applicable') {
    const why = `Verdict: ${outcome.verdict}. Nothing in the journal put this rule to the test, so it can be neither confirmed nor denied. ${outcome.explanation}${question.hint ? ` ${question.hint}` : ''}`;
    // Vitest reports a failure when pass === isNot: so both `expect` and `expect.not` fail here.
    return { pass: state.isNot, message: () => [header, '', why, '', ...journal].join('\n') };
  }
  const held = outcome.verdict === 'pass';
  const pass = question.inverted ? !held : held;
  return { pass, message: () => [header, '', outcome.explanation, '', ...journal].join('\n') };
}

function countBounds(expected: unknown, matcher: string): { exactly?: number; min?: number; max?: number } {
  const isCount = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= 0;
  if (isCount(expected)) return { exactly: expected as number };
  if (expected && typeof expected === 'object' && !Array.isArray(expected)) {
    const bounds = expected as Record<string, unknown>;
    const unknown = Object.keys(bounds).filter((key) => !['exactly', 'min', 'max'].includes(key));
    const given = ['exactly', 'min', 'max'].filter((key) => bounds[key] !== undefined);
    if (unknown.length === 0 && given.length > 0 && given.every((key) => isCount(bounds[key]))) return bounds as { exactly?: number; min?: number; max?: number };
  }
  throw new TypeError(`${matcher}: expected a count (a whole number >= 0) or { exactly?, min?, max? } with at least one of them, got ${JSON.stringify(expected)}`);
}

function argument(value: unknown): string {
  return value === undefined ? '' : JSON.stringify(value);
}

/**
 * Matchers over understudy's journal, one per contract rule of the rule catalogue (docs/rules.md). Each accepts the
 * fixture, a server, a Journal or an array of entries, and fails with the journal lines that
 * decided it.
 */
export const journalMatchers = {
  /** The client made this many token requests (reuse: one token for many calls). */
  toHaveRequestedTokens(this: MatcherState, received: unknown, expected: CountExpectation) {
    const bounds = countBounds(expected, 'toHaveRequestedTokens');
    return judgeRule(this, received, { matcher: 'toHaveRequestedTokens', args: argument(expected), expectation: { tokenRequests: bounds } });
  },

  /** The client made this many calls to the mock API (replays included). */
  toHaveCalledApi(this: MatcherState, received: unknown, expected: CountExpectation) {
    const bounds = countBounds(expected, 'toHaveCalledApi');
    return judgeRule(this, received, { matcher: 'toHaveCalledApi', args: argument(expected), expectation: { apiCalls: bounds } });
  },

  /** After each 401 invalid_token the client fetched a new token and replayed the call exactly once (RFC 6750 §3.1). */
  toHaveReplayedOnceAfterInvalidToken(this: MatcherState, received: unknown, options: ReplayOptions = {}) {
    if (options.units !== undefined && !(Number.isInteger(options.units) && options.units >= 0)) {
      throw new TypeError(`toHaveReplayedOnceAfterInvalidToken: units must be a whole number >= 0 (the units of work the test asked for), got ${JSON.stringify(options.units)}`);
    }
    return judgeRule(this, received, {
      matcher: 'toHaveReplayedOnceAfterInvalidToken',
      args: options.units === undefined ? '' : argument(options),
      expectation: { replayOnceAfterInvalidToken: {} },
      units: options.units,
      hint: "Make the API refuse a token first, e.g. idcs.addFault('api.revoke_early') before the client's calls.",
    });
  },

  /** After a 429 the client waited as long as Retry-After said (RFC 9110 §10.2.3). */
  toHaveRespectedRetryAfter(this: MatcherState, received: unknown) {
    return judgeRule(this, received, {
      matcher: 'toHaveRespectedRetryAfter',
      args: '',
      expectation: { retryAfterRespected: {} },
      hint: "Make the server rate-limit first, e.g. idcs.addFault({ preset: 'token.rate_limited', match: { times: 1 } }).",
    });
  },

  /**
   * Some API call presented a token after the expiry the client was told (the token response's
   * instant plus its expires_in, with the expiryLatency bound). Written as
   * `expect(idcs).not.toHaveUsedExpiredTokens()`, it is the rule "refresh before expiry"; a
   * journal with no call after a told expiry fails both ways (not exercised).
   */
  toHaveUsedExpiredTokens(this: MatcherState, received: unknown, options: ExpiredTokenOptions = {}) {
    if (options.margin !== undefined && !(typeof options.margin === 'number' && options.margin >= 0)) {
      throw new TypeError(`toHaveUsedExpiredTokens: margin must be a number of seconds >= 0, got ${JSON.stringify(options.margin)}`);
    }
    return judgeRule(this, received, {
      matcher: 'toHaveUsedExpiredTokens',
      args: options.margin === undefined ? '' : argument(options),
      expectation: { noExpiredTokenUse: options.margin === undefined ? {} : { margin: options.margin } },
      inverted: true,
    });
  },

  /** Every request to the endpoint (default: the API) carried the header, re-fetches and retries included. */
  toHaveSentHeader(this: MatcherState, received: unknown, name: string, options: HeaderOptions = {}) {
    if (typeof name !== 'string' || name.trim() === '') throw new TypeError(`toHaveSentHeader: give the header name, e.g. toHaveSentHeader('x-request-id'); got ${JSON.stringify(name)}`);
    const endpoint = options.endpoint ?? 'api';
    if (endpoint !== 'api' && endpoint !== 'token') throw new TypeError(`toHaveSentHeader: endpoint must be 'api' or 'token', got ${JSON.stringify(endpoint)}`);
    return judgeRule(this, received, {
      matcher: 'toHaveSentHeader',
      args: [argument(name), options.endpoint === undefined ? '' : argument(options)].filter(Boolean).join(', '),
      expectation: { headersPresent: { endpoint, headers: [name] } },
      hint: `Make the client send a ${endpoint === 'api' ? 'call to the API' : 'token request'} first.`,
    });
  },
};
