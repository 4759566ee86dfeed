import 'vitest';
import type { CountExpectation, ExpiredTokenOptions, HeaderOptions, ReplayOptions } from './journal-matchers.ts';

/**
 * The understudy matchers as `expect(...)` offers them. The journal matchers take the fixture,
 * a server, a Journal or an array of journal entries; `toPassScenario` takes a ScenarioResult.
 * Every failure message quotes the journal lines that decided it (`#7 +2.013s api GET ... -> 401
 * invalid_token ...`).
 */
export interface UnderstudyMatchers<R = unknown> {
  /** The client made this many token requests: `toHaveRequestedTokens(1)`, or `{ min, max }`. */
  toHaveRequestedTokens(expected: CountExpectation): R;
  /** The client made this many API calls, replays included. */
  toHaveCalledApi(expected: CountExpectation): R;
  /** Each 401 invalid_token was followed by a new token and exactly one replay. Fails both ways when no call was refused. */
  toHaveReplayedOnceAfterInvalidToken(options?: ReplayOptions): R;
  /** After a 429 the client waited as long as Retry-After said. Fails both ways when nothing was rate-limited. */
  toHaveRespectedRetryAfter(): R;
  /** Some API call presented an expired token; assert the rule with `.not.toHaveUsedExpiredTokens()`. */
  toHaveUsedExpiredTokens(options?: ExpiredTokenOptions): R;
  /** Every request to `endpoint` (default `'api'`) carried the header. Fails both ways when there was no such request. */
  toHaveSentHeader(name: string, options?: HeaderOptions): R;
  /** The scenario's verdict is pass; a failure prints the pretty reporter's explanation. */
  toPassScenario(): R;
}

// Vitest >= 3.2 merges Matchers into Assertion (expect(x).*), AsymmetricMatchersContaining
// (expect.*) and the type of expect.extend: one declaration types all three.
declare module 'vitest' {
  interface Matchers<R, T> extends UnderstudyMatchers<R> {}
}
