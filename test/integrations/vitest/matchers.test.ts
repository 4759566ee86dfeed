/**
 * The journal matchers on hand-made journals: the verdict (the harness judge's), `.not`, rules
 * nothing exercised (they fail both ways), what they accept, and failure messages that quote
 * the journal lines.
 */
import { describe, expect, it } from 'vitest';
import { Journal, type JournalEntry } from '../../../server/index.ts';
import { understudyMatchers } from '../../../integrations/vitest/index.ts';
import { apiCall, failureOf, invalidToken, jti, T0, tokenIssued, tokenLimited } from './support/entries.ts';

const EMPS = '/hcmRestApi/resources/11.13.18.05/emps';

/** Two tokens, three calls: the shape of a client that refreshed once. */
const twoTokens = [tokenIssued(1), apiCall(2, 1), apiCall(3, 1), tokenIssued(4), apiCall(5, 4)];

describe('toHaveRequestedTokens / toHaveCalledApi', () => {
  it('pass on the count or bounds, and fail quoting the requests counted', () => {
    expect(twoTokens).toHaveRequestedTokens(2);
    expect(twoTokens).toHaveRequestedTokens({ min: 1, max: 2 });
    expect(twoTokens).toHaveCalledApi(3);

    const message = failureOf(() => expect(twoTokens).toHaveRequestedTokens(1));
    expect(message).toContain('expect(journal).toHaveRequestedTokens(1)');
    expect(message).toContain('The client made 2 token requests for 3 units of work; expected exactly 1.');
    // Lines count "+N s" from the first entry when the journal comes without a fixture.
    expect(message).toContain(`#1 +0.000s token POST /oauth2/v1/token -> 200 issued ${jti(1).slice(0, 8)} "Issued an access token."`);
    expect(message).toContain(`#4 +3.000s token POST /oauth2/v1/token -> 200 issued ${jti(4).slice(0, 8)}`);
    expect(message).not.toContain('#2 ');

    expect(failureOf(() => expect(twoTokens).toHaveCalledApi({ max: 2 }))).toMatch(/3 API calls for 3 units of work; expected at most 2\.[\s\S]*#2 \+1\.000s api GET/);
  });

  it('work with .not, which fails with the same evidence', () => {
    expect(twoTokens).not.toHaveRequestedTokens(1);
    const message = failureOf(() => expect(twoTokens).not.toHaveRequestedTokens(2));
    expect(message).toContain('expect(journal).not.toHaveRequestedTokens(2)');
    expect(message).toContain('#1 +0.000s token POST');
  });

  it('refuse a count that is not one, saying what they accept', () => {
    expect(() => expect(twoTokens).toHaveRequestedTokens(-1)).toThrow(/toHaveRequestedTokens: expected a count \(a whole number >= 0\) or \{ exactly\?, min\?, max\? \}.*got -1/);
    expect(() => expect(twoTokens).toHaveCalledApi({ atLeast: 1 } as never)).toThrow(/toHaveCalledApi: .*got \{"atLeast":1\}/);
  });
});

describe('toHaveReplayedOnceAfterInvalidToken', () => {
  it('passes on a new token and one replay after the refusal', () => {
    const recovered = [tokenIssued(1), apiCall(2, 1), apiCall(3, 1, invalidToken), tokenIssued(4), apiCall(5, 4)];
    expect(recovered).toHaveReplayedOnceAfterInvalidToken();
    expect(recovered).toHaveReplayedOnceAfterInvalidToken({ units: 2 });
    expect(failureOf(() => expect(recovered).not.toHaveReplayedOnceAfterInvalidToken())).toContain('each got a new token and replayed exactly once');
  });

  it('fails a client that calls again with the refused token, quoting the refusal and the call', () => {
    const noReplay = [tokenIssued(1), apiCall(2, 1), apiCall(3, 1, invalidToken), apiCall(4, 1, invalidToken)];
    const message = failureOf(() => expect(noReplay).toHaveReplayedOnceAfterInvalidToken());
    expect(message).toContain('unit 2 called again (#4) with the token the API had just refused (#3)');
    expect(message).toContain('RFC 6750 §3.1');
    expect(message).toContain(`#3 +2.000s api GET ${EMPS} -> 401 invalid_token with token ${jti(1).slice(0, 8)} "The access token has been revoked."`);
    expect(noReplay).not.toHaveReplayedOnceAfterInvalidToken();
  });

  it('fails a client that replays again and again', () => {
    const replaysForever = [tokenIssued(1), apiCall(2, 1, invalidToken), tokenIssued(3), apiCall(4, 3, invalidToken), tokenIssued(5), apiCall(6, 5, invalidToken)];
    expect(failureOf(() => expect(replaysForever).toHaveReplayedOnceAfterInvalidToken())).toContain('unit 1 replayed 2 times (#4, #6)');
  });

  it('fails both ways when no call was refused, and says how to set it up', () => {
    for (const assertion of [() => expect(twoTokens).toHaveReplayedOnceAfterInvalidToken(), () => expect(twoTokens).not.toHaveReplayedOnceAfterInvalidToken()]) {
      const message = failureOf(assertion);
      expect(message).toContain('Nothing in the journal put this rule to the test');
      expect(message).toContain("idcs.addFault('api.revoke_early')");
    }
  });

  it('refuses units that are not a count', () => {
    expect(() => expect(twoTokens).toHaveReplayedOnceAfterInvalidToken({ units: 1.5 })).toThrow(/units must be a whole number >= 0/);
  });
});

describe('toHaveRespectedRetryAfter', () => {
  it('passes when the client came back after Retry-After, fails quoting the early request', () => {
    expect([tokenLimited(1), tokenIssued(2, { time: T0 + 40 })]).toHaveRespectedRetryAfter();
    const early = [tokenLimited(1), tokenLimited(2, { violation: { kind: 'retry_after', rule: 'f1', earlyBySeconds: 29 } })];
    const message = failureOf(() => expect(early).toHaveRespectedRetryAfter());
    expect(message).toContain('1 token request came before Retry-After had passed (#2 29.005 s early)');
    expect(message).toContain('#2 +1.000s token POST /oauth2/v1/token -> 429 [VIOLATION: 29s before Retry-After] "Rate-limited: retry after 30s."');
    expect(early).not.toHaveRespectedRetryAfter();
  });

  it('fails both ways when nothing was rate-limited', () => {
    expect(failureOf(() => expect(twoTokens).toHaveRespectedRetryAfter())).toMatch(/No request was answered 429[\s\S]*token\.rate_limited/);
    expect(failureOf(() => expect(twoTokens).not.toHaveRespectedRetryAfter())).toContain('can be neither confirmed nor denied');
  });
});

describe('toHaveUsedExpiredTokens', () => {
  const late = apiCall(6, 1, { time: T0 + 1 + 3600 + 10, ...invalidToken, reason: 'The access token expired 10s ago.' });

  /** A client that refreshed after its first token's told expiry (T0 + 1.005 + 3600). */
  const refreshed = [tokenIssued(1), apiCall(2, 1), tokenIssued(3, { time: T0 + 3605 }), apiCall(4, 3, { time: T0 + 3606 })];

  it('reads as the rule with .not, and quotes the call that presented an expired token', () => {
    expect(refreshed).not.toHaveUsedExpiredTokens();
    const message = failureOf(() => expect([...twoTokens, late]).not.toHaveUsedExpiredTokens());
    expect(message).toContain('expect(journal).not.toHaveUsedExpiredTokens()');
    expect(message).toContain('1 API call presented a token after the expiry the client was told (#6 9.995 s after token #1 expired)');
    expect(message).toContain('#6 +3610.000s api GET');
    expect([...twoTokens, late]).toHaveUsedExpiredTokens();
    expect(failureOf(() => expect(refreshed).toHaveUsedExpiredTokens())).toContain('No API call presented a token after the expiry the client was told');
  });

  it('fails both ways when no call came after a told expiry: nothing needed a refresh', () => {
    expect(failureOf(() => expect(twoTokens).not.toHaveUsedExpiredTokens())).toContain("No API call came after the first token's told expiry");
    expect(failureOf(() => expect(twoTokens).toHaveUsedExpiredTokens())).toContain('can be neither confirmed nor denied');
  });

  it('counts a call within the margin before the told expiry as expired', () => {
    const close = [tokenIssued(1), apiCall(2, 1, { time: T0 + 1 + 3600 - 30 }), tokenIssued(3, { time: T0 + 3605 }), apiCall(4, 3, { time: T0 + 3606 })];
    expect(close).not.toHaveUsedExpiredTokens();
    expect(close).toHaveUsedExpiredTokens({ margin: 60 });
    expect(() => expect(close).toHaveUsedExpiredTokens({ margin: -1 })).toThrow(/margin must be a number of seconds >= 0/);
  });
});

describe('toHaveSentHeader', () => {
  it('checks every request to the endpoint, by header name in any case, and quotes those without it', () => {
    expect(twoTokens).toHaveSentHeader('X-Request-Id');
    expect(twoTokens).toHaveSentHeader('content-type', { endpoint: 'token' });
    const dropped = [...twoTokens, apiCall(6, 4, { requestHeaders: ['authorization'] })];
    const message = failureOf(() => expect(dropped).toHaveSentHeader('x-request-id'));
    expect(message).toContain('1 api request of 4 lacked x-request-id');
    expect(message).toContain('#6 +5.000s api GET');
    expect(message).not.toContain('#2 ');
    expect(dropped).not.toHaveSentHeader('x-request-id');
  });

  it('fails both ways when no request reached the endpoint', () => {
    const tokensOnly = [tokenIssued(1)];
    expect(failureOf(() => expect(tokensOnly).toHaveSentHeader('x-request-id'))).toContain('No api request was made');
    expect(failureOf(() => expect(tokensOnly).not.toHaveSentHeader('x-request-id'))).toContain('No api request was made');
  });

  it('refuses a missing name or an unknown endpoint', () => {
    expect(() => expect(twoTokens).toHaveSentHeader('')).toThrow(/give the header name/);
    expect(() => expect(twoTokens).toHaveSentHeader('x', { endpoint: 'jwks' as never })).toThrow(/endpoint must be 'api' or 'token', got "jwks"/);
  });
});

describe('what the matchers accept', () => {
  const journal = new Journal({ capacity: 100 });
  for (const { seq: _seq, ...input } of twoTokens) journal.record(input);

  it('a Journal, anything holding one (fixture, server), and its origin when it has one', () => {
    expect(journal).toHaveRequestedTokens(2);
    expect({ journal }).toHaveCalledApi(3);
    // A fixture's origin is its start (or last reset), so lines count from there.
    expect(failureOf(() => expect({ journal, origin: T0 - 10 }).toHaveRequestedTokens(0))).toContain('#1 +11.000s token POST');
  });

  it('nothing else, with an error that says what it takes', () => {
    expect(() => expect(42).toHaveRequestedTokens(1)).toThrow(/toHaveRequestedTokens: expected the understudy fixture \(useUnderstudy \/ startUnderstudy\), a server or its Journal, or an array of journal entries; got number 42/);
    expect(() => expect([{ seq: 1 }] as unknown as JournalEntry[]).toHaveCalledApi(1)).toThrow(/item 0 of the array is not a journal entry/);
    const scenarioResult = { name: 'x', verdict: 'pass', expectations: [], journal: ['#1 ...'] };
    expect(() => expect(scenarioResult).toHaveRequestedTokens(1)).toThrow(/ScenarioResult.*toPassScenario\(\)/);
  });

  it('are exported as one object for expect.extend', () => {
    expect(Object.keys(understudyMatchers).sort()).toEqual([
      'toHaveCalledApi',
      'toHaveReplayedOnceAfterInvalidToken',
      'toHaveRequestedTokens',
      'toHaveRespectedRetryAfter',
      'toHaveSentHeader',
      'toHaveUsedExpiredTokens',
      'toPassScenario',
    ]);
  });
});
