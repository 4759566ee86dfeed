/**
 * The counting checks, followed unit by unit: token requests and API calls, token requests per
 * unit (no storm), fail fast, reuse and single flight.
 */
import { describe, expect, it } from 'vitest';
import { apiCall, HOUR, jti, T0, tokenIssued, tokenRefused, unit } from '../../support/journal-entries.ts';
import { quoted, run } from './support.ts';

describe('tokenRequests and apiCalls', () => {
  const entries = [tokenIssued(1), apiCall(2, 1), apiCall(3, 1), tokenIssued(4), apiCall(5, 4)];
  const units = [unit(1), unit(2), unit(3)];

  it('pass within bounds, quoting the requests counted', () => {
    const tokens = run({ tokenRequests: { exactly: 2 } }, entries, units);
    expect(tokens.verdict).toBe('pass');
    expect(tokens.explanation).toBe('The client made 2 token requests for 3 units of work; expected exactly 2.');
    expect(quoted(tokens)).toEqual([1, 4]);
    const calls = run({ apiCalls: { min: 3, max: 3 } }, entries, units);
    expect(calls.verdict).toBe('pass');
    expect(quoted(calls)).toEqual([2, 3, 5]);
  });

  it('fail outside bounds: exactly, max and min', () => {
    expect(run({ tokenRequests: { exactly: 1 } }, entries, units).verdict).toBe('fail');
    expect(run({ tokenRequests: { max: 1 } }, entries, units).explanation).toContain('expected at most 1');
    expect(run({ apiCalls: { min: 4 } }, entries, units).explanation).toContain('expected at least 4');
  });

  it('are not exercised when no work was handed over and nothing reached the server', () => {
    const none = run({ tokenRequests: { exactly: 0 } }, [], []);
    expect(none.verdict).toBe('not-exercised');
    expect(none.explanation).toContain('nothing to count');
  });
});

describe('tokenRequestsPerUnit (no storm)', () => {
  it('follows each unit: a unit that asked twice fails although the average is one', () => {
    // Unit 1 asked twice, unit 2 reused the token: one per unit on average, a storm in unit 1.
    const entries = [tokenIssued(1, { time: T0 + 0.6 }), tokenIssued(2, { time: T0 + 0.7 }), apiCall(3, 2, { time: T0 + 0.8 }), apiCall(4, 2, { time: T0 + 1.6 })];
    const units = [unit(1, { handedAt: T0 + 0.5 }), unit(2, { handedAt: T0 + 1.5, handedSeq: 3 })];
    const result = run({ tokenRequestsPerUnit: { max: 1 } }, entries, units);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('unit 1: 2 token requests');
    expect(quoted(result)).toEqual([1, 2]);
  });

  it('counts a retry made after the unit reported with that unit, not the next one', () => {
    const entries = [tokenRefused(1, 500, 'server_error', { time: T0 + 0.6 }), tokenRefused(2, 500, 'server_error', { time: T0 + 1.2 })];
    const units = [unit(1, { handedAt: T0 + 0.5, for: 0.2, ok: false }), unit(2, { handedAt: T0 + 1.5, handedSeq: 2, ok: false })];
    expect(run({ tokenRequestsPerUnit: { max: 1 } }, entries, units).explanation).toContain('unit 1: 2 token requests');
  });

  it('judges concurrent units together: one request for the batch is fine', () => {
    const entries = [tokenIssued(1), apiCall(2, 1), apiCall(3, 1)];
    const units = [unit(1, { batch: 7 }), unit(2, { batch: 7, handedAt: T0 + 0.5 })];
    expect(run({ tokenRequestsPerUnit: { max: 1 } }, entries, units).verdict).toBe('pass');
  });

  it('without unit windows (a journal judged alone), divides by the units', () => {
    const entries = [tokenIssued(1), tokenIssued(2), tokenIssued(3)];
    const per = run({ tokenRequestsPerUnit: { max: 1 } }, entries, [{ id: 1, ok: true, elapsedMs: 0 }]);
    expect(per.verdict).toBe('fail');
    expect(per.explanation).toContain('(3.00 per unit)');
  });

  it('is not exercised when the client made no token request', () => {
    expect(run({ tokenRequestsPerUnit: { max: 1 } }, [apiCall(1, 0)], [unit(1)]).verdict).toBe('not-exercised');
  });
});

describe('failsFast', () => {
  const refused = (seq: number, time: number) => tokenRefused(seq, 401, 'invalid_client', { time });

  it('passes one token request per refused unit, naming the error and the bound', () => {
    const entries = [refused(1, T0 + 0.6), refused(2, T0 + 1.6)];
    const result = run({ failsFast: {} }, entries, [unit(1, { ok: false }), unit(2, { ok: false, handedSeq: 1 })]);
    expect(result.verdict).toBe('pass');
    expect(result.explanation).toContain('answered 401 invalid_client');
    expect(result.explanation).toContain('Bounds: failFastAttempts = 1 (default).');
    expect(result.bounds).toEqual({ failFastAttempts: 1 });
  });

  it('fails a unit that asked again after the refusal, and lets the bound be raised', () => {
    const entries = [refused(1, T0 + 0.6), refused(2, T0 + 0.7), refused(3, T0 + 1.6)];
    const units = [unit(1, { ok: false }), unit(2, { ok: false, handedSeq: 2 })];
    const result = run({ failsFast: {} }, entries, units);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('unit 1: 2 token requests');
    expect(quoted(result)).toEqual([1, 2]);
    expect(run({ failsFast: {} }, entries, units, { bounds: { failFastAttempts: 2 } }).verdict).toBe('pass');
  });

  it('does not judge units that met no refusal, and allows remembering the failure (no request at all)', () => {
    const entries = [tokenIssued(1, { time: T0 + 0.6 }), apiCall(2, 1, { time: T0 + 0.7 }), tokenIssued(3, { time: T0 + 1.6 }), refused(4, T0 + 2.6)];
    const units = [unit(1), unit(2, { handedSeq: 2 }), unit(3, { ok: false, handedSeq: 3 }), unit(4, { ok: false, handedSeq: 4 })];
    expect(run({ failsFast: {} }, entries, units).verdict).toBe('pass');
  });

  it('is not exercised when no token request was refused with a permanent error (5xx and 429 are not permanent)', () => {
    const entries = [tokenIssued(1), tokenRefused(2, 503, 'temporarily_unavailable'), tokenRefused(3, 429, 'too_many_requests')];
    const result = run({ failsFast: {} }, entries, [unit(1), unit(2), unit(3)]);
    expect(result.verdict).toBe('not-exercised');
    expect(result.explanation).toContain('No token request was refused with a permanent error');
  });
});

describe('reusesToken', () => {
  it('passes one token for many calls', () => {
    const entries = [tokenIssued(1), apiCall(2, 1), apiCall(3, 1), apiCall(4, 1)];
    const result = run({ reusesToken: {} }, entries, [unit(1), unit(2, { handedSeq: 2 }), unit(3, { handedSeq: 3 })]);
    expect(result.verdict).toBe('pass');
    expect(result.explanation).toContain('Bounds: refreshMargin = 300 s (default).');
  });

  it('fails a token request while the held token had hours left, quoting both', () => {
    const entries = [tokenIssued(1), apiCall(2, 1), tokenIssued(3), apiCall(4, 3)];
    const result = run({ reusesToken: {} }, entries, [unit(1), unit(3, { handedSeq: 2 })]);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toMatch(/#3 while token tok00001 \(#1\) had 3598\.\d+ s left/);
    expect(quoted(result)).toEqual([1, 3]);
  });

  it('allows a new token inside the refresh margin, and one after the API refused the held token', () => {
    const nearExpiry = [tokenIssued(1), tokenIssued(2, { time: T0 + 1 + HOUR - 100 })];
    expect(run({ reusesToken: {} }, nearExpiry, [unit(1)]).verdict).toBe('pass');
    const refused = [tokenIssued(1), apiCall(2, 1, { status: 401, error: 'invalid_token', decision: 'rejected' }), tokenIssued(3)];
    expect(run({ reusesToken: {} }, refused, [unit(1)]).verdict).toBe('pass');
  });

  it('is not exercised when every token lived no longer than the refresh margin', () => {
    const entries = [tokenIssued(1, { issued: { jti: jti(1), expiresIn: 3 } }), tokenIssued(2, { issued: { jti: jti(2), expiresIn: 3 } })];
    const result = run({ reusesToken: {} }, entries, [unit(1), unit(2)]);
    expect(result.verdict).toBe('not-exercised');
    expect(result.explanation).toContain('not longer than the refresh margin');
    expect(run({ reusesToken: {} }, entries, [unit(1), unit(2)], { bounds: { refreshMargin: 1 } }).verdict).toBe('fail');
  });

  it('follows a reissued token issuance by issuance (one jti, a shorter lifetime each time)', () => {
    const reissued = (seq: number) => tokenIssued(seq, { issued: { jti: 'cached', expiresIn: HOUR - seq } });
    const result = run({ reusesToken: {} }, [reissued(1), apiCall(2, 1), reissued(3), apiCall(4, 1)], [unit(1), unit(2, { handedSeq: 2 })]);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('#3 while token cached (#1)');
  });

  it('sees work after the first token by the journal order when fake time stands still', () => {
    const sameInstant = { time: T0 + 1 };
    const entries = [tokenIssued(1, sameInstant), apiCall(2, 1, sameInstant), apiCall(3, 1, sameInstant)];
    const units = [unit(1, { handedAt: T0 + 1, for: 0 }), unit(2, { handedAt: T0 + 1, for: 0, handedSeq: 2 })];
    expect(run({ reusesToken: {} }, entries, units).verdict).toBe('pass');
  });

  it('is not exercised when no token was issued', () => {
    expect(run({ reusesToken: {} }, [tokenRefused(1, 401, 'invalid_client')], [unit(1)]).verdict).toBe('not-exercised');
  });
});

describe('singleFlight', () => {
  const batch = (n: number, id: number) => unit(id, { batch: n, handedAt: T0 + 0.5 });

  it('passes concurrent units that shared one token request', () => {
    const entries = [tokenIssued(1), apiCall(2, 1), apiCall(3, 1), apiCall(4, 1)];
    const result = run({ singleFlight: {} }, entries, [batch(1, 1), batch(1, 2), batch(1, 3)]);
    expect(result.verdict).toBe('pass');
    expect(result.explanation).toBe('3 concurrent units shared one token request.');
  });

  it('fails a batch that made a token request per unit, quoting them', () => {
    const entries = [tokenIssued(1), tokenIssued(2), tokenIssued(3)];
    const result = run({ singleFlight: {} }, entries, [batch(1, 1), batch(1, 2), batch(1, 3)]);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('units 1, 2, 3: 3 token requests');
    expect(quoted(result)).toEqual([1, 2, 3]);
  });

  it('is not exercised by units handed over one at a time, or by a batch that needed no token', () => {
    expect(run({ singleFlight: {} }, [tokenIssued(1)], [unit(1), unit(2)]).verdict).toBe('not-exercised');
    const noToken = run({ singleFlight: {} }, [apiCall(1, 0), apiCall(2, 0)], [batch(2, 1), batch(2, 2)]);
    expect(noToken.verdict).toBe('not-exercised');
    expect(noToken.explanation).toContain('made no token request');
  });
});
