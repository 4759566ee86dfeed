/**
 * The judge, expectation by expectation, on hand-made journal entries and unit reports: the
 * verdict, and an explanation that quotes the journal lines that decided it (`#<seq> ...`).
 */
import { describe, expect, it } from 'vitest';
import type { ClientExit, WorkResult } from '../../harness/drivers/driver.ts';
import { describeEntry, quote } from '../../harness/expectations/evidence.ts';
import { judge, type ExpectationResult, type JudgeInput } from '../../harness/expectations/judge.ts';
import type { Expectation, Level } from '../../harness/scenario/schema.ts';
import type { JournalEntry } from '../../server/journal/types.ts';
import { apiCall, entry, HOUR, insufficientScope, invalidToken, jti, T0, tokenIssued, tokenRefused } from '../support/journal-entries.ts';

const ok = (id: number, fields: Partial<WorkResult> = {}): WorkResult => ({ id, ok: true, status: 200, elapsedMs: 20, ...fields });
const failed = (id: number, fields: Partial<WorkResult> = {}): WorkResult => ({ id, ok: false, status: 401, error: 'API said 401', elapsedMs: 20, ...fields });

const DEFAULTS = { level: 'must' as Level, rule: 'under-test' };

function run(expectation: Expectation, entries: JournalEntry[], units: WorkResult[] = [], exit?: ClientExit, defaults = DEFAULTS): ExpectationResult {
  const input: JudgeInput = { entries, origin: T0, units, exit };
  return judge(expectation, input, defaults);
}

/** The evidence quotes exactly these journal entries, by sequence number, in order. */
function quoted(result: ExpectationResult): number[] {
  return result.evidence.map((line) => {
    const match = /^#(\d+) /.exec(line);
    if (!match) throw new Error(`evidence line without a #seq: ${line}`);
    return Number(match[1]);
  });
}

describe('evidence lines', () => {
  it('describe an entry with its seq, relative time, endpoint, outcome, token, faults and violation', () => {
    const line = describeEntry(
      apiCall(7, 3, {
        ...invalidToken,
        time: T0 + 2.0134,
        faults: [{ rule: 'r1', preset: 'api.revoke_early', action: 'invalid_token', effect: 'revoked the token' }],
      }),
      T0,
    );
    expect(line).toBe(`#7 +2.013s api GET /hcmRestApi/resources/11.13.18.05/emps -> 401 invalid_token with token ${jti(3).slice(0, 8)} [fault api.revoke_early] "The access token has been revoked."`);
    expect(describeEntry(tokenRefused(2, 0, undefined, { transport: 'reset' }), T0)).toContain('-> reset');
    expect(describeEntry(tokenRefused(3, 429, 'slow_down', { violation: { kind: 'retry_after', rule: 'r', earlyBySeconds: 1.5 } }), T0)).toContain(
      '[VIOLATION: 1.5s before Retry-After]',
    );
  });

  it('are capped, saying how many were left out', () => {
    const entries = Array.from({ length: 11 }, (_, i) => tokenIssued(i + 1));
    const lines = quote(entries, T0, 8);
    expect(lines).toHaveLength(9);
    expect(lines[8]).toBe('... and 3 more');
  });
});

describe('tokenRequests and apiCalls', () => {
  const entries = [tokenIssued(1), apiCall(2, 1), apiCall(3, 1), tokenIssued(4), apiCall(5, 4)];
  const units = [ok(1), ok(2), ok(3)];

  it('pass within bounds, quoting the requests counted', () => {
    const tokens = run({ tokenRequests: { exactly: 2 } }, entries, units);
    expect(tokens.verdict).toBe('pass');
    expect(tokens.explanation).toBe('The client made 2 token requests for 3 units of work; expected exactly 2.');
    expect(quoted(tokens)).toEqual([1, 4]);
    const calls = run({ apiCalls: { min: 3, max: 3 } }, entries, units);
    expect(calls.verdict).toBe('pass');
    expect(calls.explanation).toContain('3 API calls for 3 units of work; expected between 3 and 3');
    expect(quoted(calls)).toEqual([2, 3, 5]);
  });

  it('fail outside bounds: exactly, max and min', () => {
    expect(run({ tokenRequests: { exactly: 1 } }, entries, units).verdict).toBe('fail');
    const tooMany = run({ tokenRequests: { max: 1 } }, entries, units);
    expect(tooMany.verdict).toBe('fail');
    expect(tooMany.explanation).toContain('expected at most 1');
    expect(quoted(tooMany)).toEqual([1, 4]);
    const tooFew = run({ apiCalls: { min: 4 } }, entries, units);
    expect(tooFew.verdict).toBe('fail');
    expect(tooFew.explanation).toContain('expected at least 4');
  });

  it('count zero honestly', () => {
    const none = run({ tokenRequests: { exactly: 0 } }, [], []);
    expect(none.verdict).toBe('pass');
    expect(none.explanation).toContain('0 token requests for 0 units');
    expect(none.evidence).toEqual([]);
  });
});

describe('tokenRequestsPerUnit', () => {
  it('passes at or under the ratio and fails above it', () => {
    const entries = [tokenRefused(1, 401, 'invalid_client'), tokenRefused(2, 401, 'invalid_client'), tokenRefused(3, 401, 'invalid_client')];
    const pass = run({ tokenRequestsPerUnit: { max: 1 } }, entries, [failed(1), failed(2), failed(3)]);
    expect(pass.verdict).toBe('pass');
    expect(pass.explanation).toContain('3 token requests for 3 units (1.00 per unit)');
    expect(quoted(pass)).toEqual([1, 2, 3]);
    const fail = run({ tokenRequestsPerUnit: { max: 1 } }, entries, [failed(1)]);
    expect(fail.verdict).toBe('fail');
    expect(fail.explanation).toContain('(3.00 per unit)');
  });

  it('with no units, every token request counts against the ratio', () => {
    expect(run({ tokenRequestsPerUnit: { max: 1 } }, [tokenIssued(1), tokenIssued(2)], []).verdict).toBe('fail');
  });
});

describe('noExpiredTokenUse', () => {
  // Token #1 expires at T0 + 1 + 3600.
  const expiry = T0 + 1 + HOUR;

  it('passes when every call presents a live token', () => {
    const result = run({ noExpiredTokenUse: {} }, [tokenIssued(1), apiCall(2, 1), apiCall(3, 1, { time: expiry - 0.001 })], [ok(1), ok(2)]);
    expect(result.verdict).toBe('pass');
    expect(result.evidence).toEqual([]);
  });

  it('fails on a call at or after exp, quoting it', () => {
    const result = run({ noExpiredTokenUse: {} }, [tokenIssued(1), apiCall(2, 1), apiCall(3, 1, { time: expiry })], [ok(1), ok(2)]);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('1 API call presented a token at or after its exp');
    expect(quoted(result)).toEqual([3]);
  });

  it('counts calls within the margin before exp as expired', () => {
    const entries = [tokenIssued(1), apiCall(2, 1, { time: expiry - 20 })];
    expect(run({ noExpiredTokenUse: { margin: 10 } }, entries).verdict).toBe('pass');
    const late = run({ noExpiredTokenUse: { margin: 30 } }, entries);
    expect(late.verdict).toBe('fail');
    expect(quoted(late)).toEqual([2]);
  });

  it('ignores token requests and calls without a presented exp', () => {
    const entries = [tokenIssued(1, { time: T0 + 10 * HOUR }), apiCall(2, 1, { presented: { jti: 'opaque' }, time: T0 + 10 * HOUR })];
    expect(run({ noExpiredTokenUse: {} }, entries).verdict).toBe('pass');
  });
});

describe('replayOnceAfterInvalidToken', () => {
  it('passes when nothing was refused (nothing to recover from)', () => {
    const result = run({ replayOnceAfterInvalidToken: {} }, [tokenIssued(1), apiCall(2, 1), apiCall(3, 1)], [ok(1), ok(2)]);
    expect(result.verdict).toBe('pass');
    expect(result.explanation).toContain('No API call was refused with invalid_token');
    expect(quoted(result)).toEqual([2, 3]);
  });

  it('passes one refusal followed by a new token and exactly one replay', () => {
    const entries = [tokenIssued(1), apiCall(2, 1), apiCall(3, 1, invalidToken), tokenIssued(4), apiCall(5, 4)];
    const result = run({ replayOnceAfterInvalidToken: {} }, entries, [ok(1), ok(2)]);
    expect(result.verdict).toBe('pass');
    expect(result.explanation).toContain('followed by a new token and exactly one replay');
    expect(quoted(result)).toEqual([2, 3, 4, 5]);
  });

  it('fails a refusal that is replayed with the same token (no new token)', () => {
    const entries = [tokenIssued(1), apiCall(2, 1), apiCall(3, 1, invalidToken), apiCall(4, 1)];
    const result = run({ replayOnceAfterInvalidToken: {} }, entries, [ok(1), ok(2)]);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('after #3 the client did not fetch a new token before calling again');
    expect(result.explanation).toContain('RFC 6750');
    expect(quoted(result)).toEqual(expect.arrayContaining([3, 4]));
  });

  it('fails a refusal that is dropped (no new token, no replay)', () => {
    const entries = [tokenIssued(1), apiCall(2, 1), apiCall(3, 1, invalidToken)];
    const result = run({ replayOnceAfterInvalidToken: {} }, entries, [ok(1), failed(2)]);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('only 0 replays');
    expect(quoted(result)).toContain(3);
  });

  it('fails two replays of one refused call', () => {
    const entries = [tokenIssued(1), apiCall(2, 1, invalidToken), tokenIssued(3), apiCall(4, 3), apiCall(5, 3)];
    const result = run({ replayOnceAfterInvalidToken: {} }, entries, [ok(1)]);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('2 replays for 1 refused call: the client replays more than once');
    expect(quoted(result)).toEqual([2, 3, 4, 5]);
  });

  it('passes a replay that is refused too, after which the client gives up', () => {
    const entries = [tokenIssued(1), apiCall(2, 1, invalidToken), tokenIssued(3), apiCall(4, 3, invalidToken)];
    const result = run({ replayOnceAfterInvalidToken: {} }, entries, [failed(1)]);
    expect(result.verdict).toBe('pass');
  });

  it('explains a replay loop as replaying more than once, not as dropping the work', () => {
    const entries = [tokenIssued(1), apiCall(2, 1, invalidToken), tokenIssued(3), apiCall(4, 3, invalidToken), tokenIssued(5), apiCall(6, 5, invalidToken)];
    const result = run({ replayOnceAfterInvalidToken: {} }, entries, [failed(1)]);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('more than once');
    expect(result.explanation).not.toContain('dropped');
  });
});

describe('noRefreshAfterInsufficientScope', () => {
  it('fails when no call was refused with insufficient_scope: the set-up did not take effect', () => {
    const result = run({ noRefreshAfterInsufficientScope: {} }, [tokenIssued(1), apiCall(2, 1)], [ok(1)]);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('did not take effect');
    expect(quoted(result)).toEqual([2]);
  });

  it('passes a 403 surfaced without a refresh or a replay', () => {
    const entries = [tokenIssued(1), apiCall(2, 1, insufficientScope), apiCall(3, 1, insufficientScope), apiCall(4, 1, insufficientScope)];
    const result = run({ noRefreshAfterInsufficientScope: {} }, entries, [failed(1), failed(2), failed(3)]);
    expect(result.verdict).toBe('pass');
    expect(quoted(result)).toEqual([2, 3, 4]);
  });

  it('fails a refresh and a replay after the 403', () => {
    const entries = [tokenIssued(1), apiCall(2, 1, insufficientScope), tokenIssued(3), apiCall(4, 3, insufficientScope)];
    const result = run({ noRefreshAfterInsufficientScope: {} }, entries, [failed(1)]);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('After the 403 insufficient_scope (#2) the client made 1 token request and 1 extra API call');
    expect(quoted(result)).toEqual([2, 3, 4]);
  });

  it('fails a refresh loop without replays (more tokens than later units could need)', () => {
    const entries = [tokenIssued(1), apiCall(2, 1, insufficientScope), tokenIssued(3), tokenIssued(4), tokenIssued(5)];
    expect(run({ noRefreshAfterInsufficientScope: {} }, entries, [failed(1)]).verdict).toBe('fail');
  });
});

describe('retryAfterRespected', () => {
  const limited = (seq: number, fields: Partial<JournalEntry> = {}) => tokenRefused(seq, 429, 'too_many_requests', fields);

  it('fails when nothing was answered 429: the set-up did not take effect', () => {
    const result = run({ retryAfterRespected: {} }, [tokenIssued(1), apiCall(2, 1)], [ok(1)]);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('did not take effect');
    expect(quoted(result)).toEqual([1]);
  });

  it('passes a client that waited after the 429', () => {
    const result = run({ retryAfterRespected: {} }, [limited(1), tokenIssued(4), apiCall(5, 4)], [ok(1)]);
    expect(result.verdict).toBe('pass');
    expect(result.explanation).toContain('After 1 429 the client waited');
    expect(quoted(result)).toEqual([1]);
  });

  it('fails a request that came before Retry-After had passed, quoting the 429 and the violation', () => {
    const early = limited(2, { violation: { kind: 'retry_after', rule: 'rate', earlyBySeconds: 1.75 } });
    const result = run({ retryAfterRespected: {} }, [limited(1), early, tokenIssued(5)], [ok(1)]);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('1 request came before Retry-After had passed');
    expect(quoted(result)).toEqual([1, 2]);
    expect(result.evidence[1]).toContain('VIOLATION: 1.75s before Retry-After');
  });
});

describe('fallsBackAfterInvalidGrant', () => {
  const refreshRefused = (seq: number) => tokenRefused(seq, 400, 'invalid_grant', { grantType: 'refresh_token' });

  it('fails when no refresh was refused: the set-up did not take effect', () => {
    const result = run({ fallsBackAfterInvalidGrant: {} }, [tokenIssued(1), tokenIssued(2, { grantType: 'refresh_token' })]);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('did not take effect');
    expect(quoted(result)).toEqual([1, 2]);
  });

  it('passes a fall-back to the base grant', () => {
    const entries = [tokenIssued(1, { grantType: 'password' }), refreshRefused(2), tokenIssued(3, { grantType: 'password' }), apiCall(4, 3)];
    const result = run({ fallsBackAfterInvalidGrant: {} }, entries, [ok(1), ok(2)]);
    expect(result.verdict).toBe('pass');
    expect(quoted(result)).toEqual([2, 3]);
  });

  it('fails a second refresh with a refresh token', () => {
    const entries = [tokenIssued(1, { grantType: 'password' }), refreshRefused(2), refreshRefused(3)];
    const result = run({ fallsBackAfterInvalidGrant: {} }, entries, [ok(1), failed(2)]);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('after #2 the client tried a refresh token again (#3)');
    expect(quoted(result)).toEqual(expect.arrayContaining([2, 3]));
  });

  it('fails a client that never asked for a token again', () => {
    const result = run({ fallsBackAfterInvalidGrant: {} }, [tokenIssued(1, { grantType: 'password' }), refreshRefused(2)], [ok(1), failed(2)]);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('after #2 the client never asked for a token again');
    expect(quoted(result)).toEqual([2]);
  });
});

describe('backoff', () => {
  /** A 500 answered `durationMs` after it started at real time `atMs` (ms after T0). */
  const serverError = (seq: number, atMs: number, durationMs = 10) =>
    tokenRefused(seq, 500, 'server_error', { realTime: new Date(T0 * 1000 + atMs).toISOString(), durationMs });

  it('passes attempts under the cap, spaced from the end of the previous failure', () => {
    // #1 ends at 100 ms; #2 starts at 200 ms: a 100 ms gap. #2 ends at 300; #3 at 500.
    const entries = [serverError(1, 0, 100), serverError(2, 200, 100), serverError(3, 500, 10)];
    const result = run({ backoff: { maxAttempts: 3, minSpacingMs: 100 } }, entries, [failed(1, { status: undefined })]);
    expect(result.verdict).toBe('pass');
    expect(result.explanation).toContain('3 token requests in all, spaced and capped');
    expect(quoted(result)).toEqual([1, 2, 3]);
  });

  it('fails more attempts than the cap per failing unit', () => {
    const entries = [serverError(1, 0), serverError(2, 1000), serverError(3, 2000), serverError(4, 3000), serverError(5, 4000)];
    const result = run({ backoff: { maxAttempts: 4 } }, entries, [failed(1)]);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('5 token requests for 1 failing unit: more than the cap of 4 each');
    expect(quoted(result)).toEqual([1, 2, 3, 4, 5]);
    // The cap is per failing unit.
    expect(run({ backoff: { maxAttempts: 4 } }, entries, [failed(1), failed(2)]).verdict).toBe('pass');
  });

  it('fails a retry that starts too soon after the previous failure ended (durationMs counts)', () => {
    // #1 starts at 0 and takes 150 ms; #2 starts at 180 ms: only 30 ms after the failure.
    const entries = [serverError(1, 0, 150), serverError(2, 180, 10), serverError(3, 1000, 10)];
    const result = run({ backoff: { minSpacingMs: 50 } }, entries, [failed(1)]);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('1 retry came less than 50 ms after a failure');
    expect(quoted(result)).toEqual([2]);
  });

  it('does not police the spacing after a success, and judges network failures (status 0) like 5xx', () => {
    const success = tokenIssued(1, { realTime: new Date(T0 * 1000).toISOString(), durationMs: 5 });
    const afterSuccess = serverError(2, 10);
    expect(run({ backoff: { minSpacingMs: 500 } }, [success, afterSuccess], [failed(1)]).verdict).toBe('pass');
    const reset = tokenRefused(3, 0, undefined, { transport: 'reset', realTime: new Date(T0 * 1000 + 2000).toISOString(), durationMs: 1 });
    const tooSoon = serverError(4, 2010);
    const result = run({ backoff: { minSpacingMs: 500 } }, [reset, tooSoon], [failed(1)]);
    expect(result.verdict).toBe('fail');
    expect(quoted(result)).toEqual([4]);
  });
});

describe('abandonedWithin', () => {
  const hung = (seq: number) => tokenRefused(seq, 0, undefined, { transport: 'abandoned', reason: 'The client gave up waiting.' });

  it('passes a client that gave up and reported the failure in time', () => {
    const result = run({ abandonedWithin: { seconds: 8 } }, [hung(1), hung(2)], [failed(1, { elapsedMs: 2500, status: undefined })]);
    expect(result.verdict).toBe('pass');
    expect(quoted(result)).toEqual([1, 2]);
    expect(result.evidence[0]).toContain('-> abandoned');
  });

  it('fails a client that never gave up (no abandoned connection)', () => {
    const result = run({ abandonedWithin: { seconds: 8 } }, [tokenIssued(1)], [failed(1, { elapsedMs: 20_000, error: 'no report within 20 s' })]);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('never gave up on the hanging request');
    expect(quoted(result)).toEqual([1]);
  });

  it('fails a client that gave up too late (a second of slack)', () => {
    expect(run({ abandonedWithin: { seconds: 8 } }, [hung(1)], [failed(1, { elapsedMs: 8900 })]).verdict).toBe('pass');
    const result = run({ abandonedWithin: { seconds: 8 } }, [hung(1)], [failed(1, { elapsedMs: 9100 })]);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('unit 1: 9.1 s');
  });

  it('explains a fail caused by a unit reported ok', () => {
    const result = run({ abandonedWithin: { seconds: 8 } }, [hung(1)], [ok(1, { elapsedMs: 1500 })]);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).not.toMatch(/^0 units took longer/);
  });
});

describe('headersPresent', () => {
  it('passes when every request of the endpoint carries the headers (any case)', () => {
    const entries = [tokenIssued(1), apiCall(2, 1), tokenIssued(3), apiCall(4, 3)];
    const token = run({ headersPresent: { endpoint: 'token', headers: ['X-Tenant-Id'] } }, entries);
    expect(token.verdict).toBe('pass');
    expect(token.explanation).toBe('Every token request (2) carried X-Tenant-Id.');
    expect(quoted(token)).toEqual([1, 3]);
    const api = run({ headersPresent: { endpoint: 'api', headers: ['X-Request-Id', 'Authorization'] } }, entries);
    expect(api.verdict).toBe('pass');
    expect(quoted(api)).toEqual([2, 4]);
  });

  it('fails when one request lacks a header, quoting only the ones that lack it', () => {
    const entries = [tokenIssued(1), tokenIssued(2, { requestHeaders: ['authorization', 'content-type'] }), tokenIssued(3)];
    const result = run({ headersPresent: { endpoint: 'token', headers: ['X-Tenant-Id'] } }, entries);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('1 token request of 3 lacked X-Tenant-Id');
    expect(quoted(result)).toEqual([2]);
  });

  it('fails when there was no request of that endpoint to check', () => {
    const result = run({ headersPresent: { endpoint: 'api', headers: ['X-Request-Id'] } }, [tokenIssued(1)]);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('No api request was made');
  });
});

describe('paramsPresent', () => {
  it('passes when every token request carries the parameters', () => {
    const result = run({ paramsPresent: { params: ['scope'] } }, [tokenIssued(1), apiCall(2, 1), tokenIssued(3)]);
    expect(result.verdict).toBe('pass');
    expect(quoted(result)).toEqual([1, 3]);
  });

  it('fails when one lacks a parameter, quoting it', () => {
    const result = run({ paramsPresent: { params: ['scope', 'grant_type'] } }, [tokenIssued(1), tokenIssued(2, { params: ['grant_type'] }), tokenIssued(3, { params: undefined })]);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('2 token requests lacked scope, grant_type');
    expect(quoted(result)).toEqual([2, 3]);
  });

  it('fails when no token request was made', () => {
    expect(run({ paramsPresent: { params: ['scope'] } }, [apiCall(1, 0)]).verdict).toBe('fail');
  });

  it('explains a fail with no token request to check', () => {
    const result = run({ paramsPresent: { params: ['scope'] } }, [apiCall(1, 0)]);
    expect(result.explanation).not.toContain('Every token request (0)');
  });
});

describe('outcomes', () => {
  const entries = [tokenIssued(1), apiCall(2, 1), apiCall(3, 1), apiCall(4, 1, invalidToken), apiCall(5, 1), apiCall(6, 1)];

  it('ok: all / failed: none pass when every unit succeeded; the last API calls are quoted', () => {
    const result = run({ outcomes: { ok: 'all', failed: 'none' } }, entries, [ok(1), ok(2), ok(3)]);
    expect(result.verdict).toBe('pass');
    expect(result.explanation).toBe('The client reported 3 ok and 0 failed, as expected.');
    expect(quoted(result)).toEqual([3, 4, 5, 6]);
  });

  it('ok: all fails on one failed unit, saying what the client said', () => {
    const result = run({ outcomes: { ok: 'all' } }, entries, [ok(1), failed(2, { error: 'token endpoint: 500' }), ok(3)]);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('2 of 3 units succeeded, expected all');
    expect(result.explanation).toContain('The client said: unit 2: token endpoint: 500');
    expect(quoted(result).length).toBeGreaterThan(0);
  });

  it('failed: all and ok: none', () => {
    expect(run({ outcomes: { failed: 'all' } }, entries, [failed(1), failed(2)]).verdict).toBe('pass');
    expect(run({ outcomes: { ok: 'none' } }, entries, [failed(1), failed(2)]).verdict).toBe('pass');
    const result = run({ outcomes: { failed: 'all' } }, entries, [failed(1), ok(2, { status: 200 })]);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('1 of 2 units failed, expected all');
  });

  it('counts: ok N and failed N', () => {
    const units = [ok(1), failed(2, { error: undefined, status: 502 }), ok(3)];
    expect(run({ outcomes: { ok: 2, failed: 1 } }, entries, units).verdict).toBe('pass');
    const result = run({ outcomes: { ok: 3 } }, entries, units);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('2 of 3 units succeeded, expected 3');
    expect(result.explanation).toContain('unit 2: status 502');
  });

  it('reportedWithin fails a unit that took too long to report', () => {
    expect(run({ outcomes: { reportedWithin: 2 } }, entries, [ok(1, { elapsedMs: 1999 })]).verdict).toBe('pass');
    const result = run({ outcomes: { reportedWithin: 2 } }, entries, [ok(1, { elapsedMs: 1999 }), failed(2, { elapsedMs: 2500 })]);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('1 unit took longer than 2 s to report');
  });
});

describe('exitCode', () => {
  it('passes the expected code and fails another', () => {
    expect(run({ exitCode: 0 }, [], [], { code: 0 }).verdict).toBe('pass');
    const result = run({ exitCode: 0 }, [], [], { code: 2 });
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toBe('The program exited with 2; expected 0.');
  });

  it('fails a program killed by a signal, or one that did not exit', () => {
    const killed = run({ exitCode: 0 }, [], [], { code: null, signal: 'SIGTERM' });
    expect(killed.verdict).toBe('fail');
    expect(killed.explanation).toContain('signal SIGTERM');
    const running = run({ exitCode: 0 }, [], []);
    expect(running.verdict).toBe('fail');
    expect(running.explanation).toBe('The program did not exit.');
  });
});

describe('names, levels, rules and why', () => {
  const entries = [tokenIssued(1), apiCall(2, 1)];

  it('take the defaults: a name from the check, the level and rule given by the scenario', () => {
    const result = run({ tokenRequests: { exactly: 1 } }, entries, [ok(1)], undefined, { level: 'should', rule: 'reuse' });
    expect(result).toMatchObject({ name: 'token requests', level: 'should', rule: 'reuse', verdict: 'pass' });
    expect(run({ noExpiredTokenUse: {} }, entries).name).toBe('no API call with an expired token');
    expect(run({ outcomes: { ok: 'all' } }, entries, [ok(1)]).name).toBe('outcome reported by the client');
  });

  it("use the expectation's own name, level, rule and why (appended to the explanation)", () => {
    const result = run(
      { tokenRequests: { exactly: 2 }, name: 'two tokens', level: 'must', rule: 'refresh', why: 'the first one expired' },
      entries,
      [ok(1)],
      undefined,
      { level: 'should', rule: 'reuse' },
    );
    expect(result).toMatchObject({ name: 'two tokens', level: 'must', rule: 'refresh', verdict: 'fail' });
    expect(result.explanation).toMatch(/expected exactly 2\. \(must: the first one expired\)$/);
  });

  it('a why without a level shows the default level', () => {
    const result = run({ apiCalls: { max: 5 }, why: 'a handful is fine' }, entries, [ok(1)], undefined, { level: 'should', rule: 'x' });
    expect(result.explanation).toMatch(/\(should: a handful is fine\)$/);
  });
});
