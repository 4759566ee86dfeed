/**
 * Recovery judged by following each unit's requests (refusal -> new token -> replay of the same
 * unit), concurrent units included; insufficient_scope and invalid_grant.
 */
import { describe, expect, it } from 'vitest';
import { apiCall, insufficientScope, invalidToken, T0, tokenIssued, tokenRefused, unit } from '../../support/journal-entries.ts';
import { quoted, run } from './support.ts';

/** An API call of unit `u` (tagged as the runner tags it). */
const call = (seq: number, token: number, u: number, fields = {}) => apiCall(seq, token, { unit: u, ...fields });
const refusedCall = (seq: number, token: number, u: number) => call(seq, token, u, invalidToken);

describe('replayOnceAfterInvalidToken', () => {
  it('is not exercised when nothing was refused: a rule nothing tried is not a pass', () => {
    const result = run({ replayOnceAfterInvalidToken: {} }, [tokenIssued(1), call(2, 1, 1), call(3, 1, 2)], [unit(1), unit(2)]);
    expect(result.verdict).toBe('not-exercised');
    expect(result.explanation).toContain('No API call was refused with invalid_token');
    expect(quoted(result)).toEqual([2, 3]);
  });

  it('passes a refusal followed by a new token and exactly one replay of the same unit', () => {
    const entries = [tokenIssued(1), call(2, 1, 1), refusedCall(3, 1, 2), tokenIssued(4), call(5, 4, 2), call(6, 4, 3)];
    const result = run({ replayOnceAfterInvalidToken: {} }, entries, [unit(1), unit(2), unit(3)]);
    expect(result.verdict).toBe('pass');
    expect(result.explanation).toContain('1 unit refused with invalid_token; each got a new token and replayed exactly once');
  });

  it('judges two separate revocations in one scenario, each on its own unit', () => {
    const entries = [tokenIssued(1), refusedCall(2, 1, 1), tokenIssued(3), call(4, 3, 1), refusedCall(5, 3, 2), tokenIssued(6), call(7, 6, 2)];
    expect(run({ replayOnceAfterInvalidToken: {} }, entries, [unit(1), unit(2)]).verdict).toBe('pass');
  });

  it('follows concurrent units: each refused unit replays once, sharing one new token', () => {
    // Three units in flight with token #1: all refused, one new token, three replays (one per unit).
    const entries = [tokenIssued(1), refusedCall(2, 1, 1), refusedCall(3, 1, 2), refusedCall(4, 1, 3), tokenIssued(5), call(6, 5, 2), call(7, 5, 1), call(8, 5, 3)];
    const units = [1, 2, 3].map((id) => unit(id, { batch: 1, handedAt: T0 + 0.5 }));
    expect(run({ replayOnceAfterInvalidToken: {} }, entries, units).verdict).toBe('pass');
    // One of them never replayed: the work of unit 3 was dropped.
    const dropped = run({ replayOnceAfterInvalidToken: {} }, entries.slice(0, 7), units);
    expect(dropped.verdict).toBe('fail');
    expect(dropped.explanation).toContain('unit 3 was refused (#4) and never replayed although a new token was issued');
  });

  it('fails a call again with the refused token (no new token)', () => {
    const entries = [tokenIssued(1), refusedCall(2, 1, 1), call(3, 1, 1)];
    const result = run({ replayOnceAfterInvalidToken: {} }, entries, [unit(1)]);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('unit 1 called again (#3) with the token the API had just refused (#2)');
    expect(result.explanation).toContain('RFC 6750');
  });

  it('owes no replay when the new token was refused by the token endpoint (a unit that failed at the token endpoint)', () => {
    const entries = [tokenIssued(1, { time: T0 + 0.6 }), refusedCall(2, 1, 1), tokenRefused(3, 503, 'temporarily_unavailable', { time: T0 + 0.8 })];
    const units = [unit(1, { handedAt: T0 + 0.5, ok: false, for: 1 })];
    expect(run({ replayOnceAfterInvalidToken: {} }, entries, units).verdict).toBe('pass');
  });

  it('fails two replays of one refused unit, and allows giving up with mayGiveUp', () => {
    const loop = [tokenIssued(1), refusedCall(2, 1, 1), tokenIssued(3), refusedCall(4, 3, 1), tokenIssued(5), refusedCall(6, 5, 1)];
    const result = run({ replayOnceAfterInvalidToken: {} }, loop, [unit(1, { ok: false })]);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('unit 1 replayed 2 times (#4, #6)');
    const gaveUp = [tokenIssued(1), refusedCall(2, 1, 1), refusedCall(3, 1, 2)];
    expect(run({ replayOnceAfterInvalidToken: {} }, gaveUp, [unit(1, { ok: false }), unit(2, { ok: false })]).verdict).toBe('fail');
    expect(run({ replayOnceAfterInvalidToken: { mayGiveUp: true } }, gaveUp, [unit(1, { ok: false }), unit(2, { ok: false })]).verdict).toBe('pass');
    expect(run({ replayOnceAfterInvalidToken: { mayGiveUp: true } }, loop, [unit(1, { ok: false })]).verdict).toBe('fail');
  });

  it('passes a replay that is refused too, after which the unit gives up', () => {
    const entries = [tokenIssued(1), refusedCall(2, 1, 1), tokenIssued(3), refusedCall(4, 3, 1)];
    expect(run({ replayOnceAfterInvalidToken: {} }, entries, [unit(1, { ok: false })]).verdict).toBe('pass');
  });

  it('without tags or units (a journal judged alone), a replay is the next call to the same path', () => {
    const entries = [tokenIssued(1), apiCall(2, 1, invalidToken), tokenIssued(3), apiCall(4, 3)];
    expect(run({ replayOnceAfterInvalidToken: {} }, entries).verdict).toBe('pass');
  });
});

describe('noRefreshAfterInsufficientScope', () => {
  const forbidden = (seq: number, u: number, time: number) => call(seq, 1, u, { ...insufficientScope, time });

  it('is not exercised when no call was refused with insufficient_scope', () => {
    const result = run({ noRefreshAfterInsufficientScope: {} }, [tokenIssued(1), call(2, 1, 1)], [unit(1)]);
    expect(result.verdict).toBe('not-exercised');
    expect(quoted(result)).toEqual([2]);
  });

  it('passes units that surfaced the 403; a later unit may still fetch a token of its own', () => {
    const entries = [tokenIssued(1, { time: T0 + 0.6 }), forbidden(2, 1, T0 + 0.7), tokenIssued(3, { time: T0 + 1.6 }), forbidden(4, 2, T0 + 1.7)];
    const units = [unit(1, { handedAt: T0 + 0.5, ok: false }), unit(2, { handedAt: T0 + 1.5, ok: false, handedSeq: 2 })];
    expect(run({ noRefreshAfterInsufficientScope: {} }, entries, units).verdict).toBe('pass');
  });

  it('fails a unit that fetched a new token and replayed after its 403', () => {
    const entries = [tokenIssued(1, { time: T0 + 0.6 }), forbidden(2, 1, T0 + 0.7), tokenIssued(3, { time: T0 + 0.8 }), call(4, 3, 1, { ...insufficientScope, time: T0 + 0.85 })];
    const result = run({ noRefreshAfterInsufficientScope: {} }, entries, [unit(1, { handedAt: T0 + 0.5, ok: false })]);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('unit 1 answered the 403 (#2) with 1 token request and 1 more API call');
    expect(quoted(result)).toEqual([2, 3, 4]);
  });
});

describe('fallsBackAfterInvalidGrant', () => {
  const consumed = (seq: number) => tokenRefused(seq, 400, 'invalid_grant', { grantType: 'refresh_token' });

  it('is not exercised when no refresh was refused, saying whether a refresh token was ever presented', () => {
    expect(run({ fallsBackAfterInvalidGrant: {} }, [tokenIssued(1)]).explanation).toContain('never presented a refresh token');
    expect(run({ fallsBackAfterInvalidGrant: {} }, [tokenIssued(1, { grantType: 'refresh_token' })]).verdict).toBe('not-exercised');
  });

  it('passes a fall-back to the base grant and fails another refresh or silence', () => {
    expect(run({ fallsBackAfterInvalidGrant: {} }, [consumed(1), tokenIssued(2, { grantType: 'password' })]).verdict).toBe('pass');
    expect(run({ fallsBackAfterInvalidGrant: {} }, [consumed(1), consumed(2)]).explanation).toContain('tried a refresh token again (#2)');
    expect(run({ fallsBackAfterInvalidGrant: {} }, [consumed(1)]).explanation).toContain('never asked for a token again');
  });
});
