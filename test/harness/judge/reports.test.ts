/** Headers, parameters, the client's own reports, the exit code; names, levels and the scenario verdict. */
import { describe, expect, it } from 'vitest';
import { describeEntry, quote } from '../../../harness/expectations/evidence.ts';
import { scenarioVerdict, type ExpectationResult } from '../../../harness/expectations/judge.ts';
import { apiCall, invalidToken, jti, T0, tokenIssued, tokenRefused, unit } from '../../support/journal-entries.ts';
import { quoted, run } from './support.ts';

describe('evidence lines', () => {
  it('describe an entry with its seq, relative time, endpoint, outcome, token, faults and violation', () => {
    const line = describeEntry(apiCall(7, 3, { ...invalidToken, time: T0 + 2.0134, faults: [{ rule: 'r1', preset: 'api.revoke_early', action: 'invalid_token', effect: 'revoked the token' }] }), T0);
    expect(line).toBe(`#7 +2.013s api GET /hcmRestApi/resources/11.13.18.05/emps -> 401 invalid_token with token ${jti(3).slice(0, 8)} [fault api.revoke_early] "The access token has been revoked."`);
    expect(describeEntry(tokenRefused(2, 0, undefined, { transport: 'reset' }), T0)).toContain('-> reset');
    expect(describeEntry(tokenRefused(3, 429, 'slow_down', { violation: { kind: 'retry_after', rule: 'r', earlyBySeconds: 1.5 } }), T0)).toContain('[VIOLATION: 1.5s before Retry-After]');
  });

  it('are capped, saying how many were left out', () => {
    const lines = quote(Array.from({ length: 11 }, (_, i) => tokenIssued(i + 1)), T0, 8);
    expect(lines).toHaveLength(9);
    expect(lines[8]).toBe('... and 3 more');
  });
});

describe('headersPresent', () => {
  it('passes when every request of the endpoint carries the headers (any case)', () => {
    const result = run({ headersPresent: { endpoint: 'api', headers: ['X-Request-Id'] } }, [tokenIssued(1), apiCall(2, 1), apiCall(3, 1)], [unit(1)]);
    expect(result.verdict).toBe('pass');
    expect(quoted(result)).toEqual([2, 3]);
  });

  it('fails when one request lacks a header, quoting only the ones that lack it', () => {
    const result = run({ headersPresent: { endpoint: 'token', headers: ['x-tenant-id'] } }, [tokenIssued(1), tokenIssued(2, { requestHeaders: ['authorization'] })]);
    expect(result.verdict).toBe('fail');
    expect(quoted(result)).toEqual([2]);
  });

  it('is not exercised without such a request, or, with minRequests, until a re-fetch happened', () => {
    expect(run({ headersPresent: { endpoint: 'token', headers: ['x-tenant-id'] } }, [apiCall(1, 0)]).verdict).toBe('not-exercised');
    const once = run({ headersPresent: { endpoint: 'token', headers: ['x-tenant-id'], minRequests: 2 } }, [tokenIssued(1)], [unit(1)]);
    expect(once.verdict).toBe('not-exercised');
    expect(once.explanation).toContain('re-fetches too');
    expect(run({ headersPresent: { endpoint: 'token', headers: ['x-tenant-id'], minRequests: 2 } }, [tokenIssued(1), tokenIssued(2)], [unit(1)]).verdict).toBe('pass');
  });
});

describe('paramsPresent', () => {
  it('passes, fails quoting the request that lacks one, and is not exercised without a token request', () => {
    expect(run({ paramsPresent: { params: ['scope'] } }, [tokenIssued(1)]).verdict).toBe('pass');
    const missing = run({ paramsPresent: { params: ['audience'] } }, [tokenIssued(1, { params: ['grant_type', 'scope', 'audience'] }), tokenIssued(2)]);
    expect(missing.verdict).toBe('fail');
    expect(quoted(missing)).toEqual([2]);
    expect(run({ paramsPresent: { params: ['scope'] } }, []).verdict).toBe('not-exercised');
  });
});

describe('outcomes', () => {
  it('all / none / N, with what the client said, and reportedWithin', () => {
    expect(run({ outcomes: { ok: 'all', failed: 'none' } }, [], [unit(1), unit(2)]).verdict).toBe('pass');
    const one = run({ outcomes: { ok: 'all' } }, [], [unit(1), unit(2, { ok: false, error: 'API answered 401' })]);
    expect(one.verdict).toBe('fail');
    expect(one.explanation).toBe('1 of 2 units succeeded, expected all. The client said: unit 2: API answered 401.');
    expect(run({ outcomes: { failed: 'all' } }, [], [unit(1, { ok: false })]).verdict).toBe('pass');
    expect(run({ outcomes: { ok: 1, failed: 1 } }, [], [unit(1), unit(2, { ok: false })]).verdict).toBe('pass');
    expect(run({ outcomes: { reportedWithin: 1 } }, [], [unit(1, { for: 2 })]).explanation).toContain('1 unit took longer than 1 s to report');
  });

  it('are not exercised when no unit was handed over', () => {
    expect(run({ outcomes: { ok: 'all' } }, [], []).verdict).toBe('not-exercised');
  });
});

describe('exitCode', () => {
  it('passes the expected code, fails another or a kill, and is not exercised without an exit', () => {
    expect(run({ exitCode: 0 }, [], [], { exit: { code: 0 } }).verdict).toBe('pass');
    expect(run({ exitCode: 0 }, [], [], { exit: { code: 1 } }).verdict).toBe('fail');
    expect(run({ exitCode: 0 }, [], [], { exit: { code: null, signal: 'SIGKILL', killed: true } }).explanation).toContain('signal SIGKILL (killed after its time ran out)');
    expect(run({ exitCode: 0 }, []).verdict).toBe('not-exercised');
  });
});

describe('names, levels, rules and why', () => {
  const entries = [tokenIssued(1), apiCall(2, 1)];

  it('take the defaults: a name from the check, the level and rule given by the scenario', () => {
    const result = run({ tokenRequests: { exactly: 1 } }, entries, [unit(1)], { defaults: { level: 'should', rule: 'reuse' } });
    expect(result).toMatchObject({ name: 'token requests', level: 'should', rule: 'reuse', verdict: 'pass' });
    expect(run({ failsFast: {} }, entries).name).toBe('fails fast');
  });

  it("use the expectation's own name, level, rule and why (appended to the explanation)", () => {
    const result = run({ tokenRequests: { exactly: 2 }, name: 'two tokens', level: 'must', rule: 'refresh', why: 'the first one expired' }, entries, [unit(1)], { defaults: { level: 'should', rule: 'reuse' } });
    expect(result).toMatchObject({ name: 'two tokens', level: 'must', rule: 'refresh', verdict: 'fail' });
    expect(result.explanation).toMatch(/expected exactly 2\. \(must: the first one expired\)$/);
  });
});

describe('scenarioVerdict', () => {
  const e = (verdict: ExpectationResult['verdict'], level: ExpectationResult['level'] = 'must'): ExpectationResult => ({ name: 'x', rule: 'r', level, verdict, explanation: '', evidence: [] });

  it('fails on a must failure whatever else; should expectations never decide', () => {
    expect(scenarioVerdict([e('fail'), e('not-exercised'), e('pass')])).toBe('fail');
    expect(scenarioVerdict([e('pass'), e('fail', 'should')])).toBe('pass');
    expect(scenarioVerdict([e('pass'), e('not-exercised', 'should')])).toBe('pass');
  });

  it('is not exercised when a must was not put to the test, and not applicable when none of the musts applied', () => {
    expect(scenarioVerdict([e('not-exercised'), e('pass')])).toBe('not-exercised');
    expect(scenarioVerdict([e('not-applicable'), e('pass')])).toBe('not-exercised');
    expect(scenarioVerdict([e('not-applicable'), e('not-applicable')])).toBe('not-applicable');
  });
});
