/**
 * The token-endpoint checks: Retry-After (exercised only when work came inside the window),
 * backoff on one clock (the virtual one, so fake time and libfaketime judge alike) and a hanging
 * endpoint given up within the giveUpWithin bound.
 */
import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../../server/journal/types.ts';
import { T0, tokenIssued, tokenRefused, unit } from '../../support/journal-entries.ts';
import { quoted, run } from './support.ts';

describe('retryAfterRespected', () => {
  /** A 429 that told the client to wait 2 s, answered at T0 + 1.01. */
  const limited = (fields: Partial<JournalEntry> = {}) => tokenRefused(1, 429, 'too_many_requests', { time: T0 + 1, endTime: T0 + 1.01, retryAfter: 2, ...fields });
  const early = (seq: number, time: number) => tokenRefused(seq, 429, 'too_many_requests', { time, violation: { kind: 'retry_after', rule: 'rate', earlyBySeconds: Math.round((T0 + 3.01 - time) * 1000) / 1000 } });

  it('is not exercised when nothing was answered 429 with a Retry-After', () => {
    expect(run({ retryAfterRespected: {} }, [tokenIssued(1)], [unit(1)]).explanation).toContain('No request was answered 429 with Retry-After');
    const noHeader = run({ retryAfterRespected: {} }, [limited({ retryAfter: undefined })], [unit(1)]);
    expect(noHeader.verdict).toBe('not-exercised');
    expect(noHeader.explanation).toContain('carried no Retry-After');
  });

  it('is not exercised when the client had no work while the window was open (the 429 came on the last unit, reported at once)', () => {
    const result = run({ retryAfterRespected: {} }, [limited()], [unit(1, { handedAt: T0 + 0.9, for: 0.11, ok: false })]);
    expect(result.verdict).toBe('not-exercised');
    expect(result.explanation).toContain('given no work while the wait was on');
  });

  it('passes a client that had work inside the window and asked again only after it', () => {
    const units = [unit(1, { handedAt: T0 + 0.9, for: 0.11, ok: false }), unit(2, { handedAt: T0 + 1.5, for: 0.01, ok: false, handedSeq: 1 }), unit(3, { handedAt: T0 + 3.5, handedSeq: 1 })];
    const result = run({ retryAfterRespected: {} }, [limited(), tokenIssued(2, { time: T0 + 3.6 })], units);
    expect(result.verdict).toBe('pass');
    expect(result.explanation).toContain('had work to do during the Retry-After wait');
  });

  it('fails a request inside the window, quoting the 429 and the violation', () => {
    const units = [unit(1, { handedAt: T0 + 0.9, for: 0.11, ok: false }), unit(2, { handedAt: T0 + 1.5, ok: false, handedSeq: 1 })];
    const result = run({ retryAfterRespected: {} }, [limited(), early(2, T0 + 1.6)], units);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('1 token request came before Retry-After had passed (#2 1.41 s early)');
    expect(quoted(result)).toEqual([1, 2]);
    expect(result.evidence[1]).toContain('VIOLATION: 1.41s before Retry-After');
  });
});

describe('backoff', () => {
  /** A 500 that arrived at T0 + `at` and ended `takes` seconds later, on the virtual clock. */
  const serverError = (seq: number, at: number, takes = 0.01) => tokenRefused(seq, 500, 'server_error', { time: T0 + at, endTime: T0 + at + takes });
  const failing = [unit(1, { handedAt: T0, for: 10, ok: false })];

  it('is not exercised when no token request failed transiently', () => {
    expect(run({ backoff: {} }, [tokenIssued(1), tokenRefused(2, 401, 'invalid_client')], failing).verdict).toBe('not-exercised');
  });

  it('passes attempts under the cap, spaced from the end of the previous failure, naming the bounds', () => {
    const result = run({ backoff: {} }, [serverError(1, 0, 0.1), serverError(2, 0.2, 0.1), serverError(3, 0.5)], failing);
    expect(result.verdict).toBe('pass');
    expect(result.explanation).toContain('Bounds: retryAttempts = 4 (default); retrySpacing = 0.05 s (default).');
    expect(quoted(result)).toEqual([1, 2, 3]);
  });

  it('fails more attempts than the cap for one unit; the cap is per unit', () => {
    const entries = [0, 1, 2, 3, 4].map((i) => serverError(i + 1, i));
    const result = run({ backoff: {} }, entries, failing);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('5 token requests for unit 1: more than the cap of 4 each');
    const twoUnits = [unit(1, { handedAt: T0, for: 2.5, ok: false }), unit(2, { handedAt: T0 + 2.6, for: 2, ok: false, handedSeq: 3 })];
    expect(run({ backoff: {} }, entries, twoUnits).verdict).toBe('pass');
  });

  it('fails a retry that starts too soon after the previous failure ended, on the virtual clock', () => {
    // #1 takes 150 ms; #2 starts 30 ms after it ended.
    const result = run({ backoff: { minSpacingMs: 50 } }, [serverError(1, 0, 0.15), serverError(2, 0.18), serverError(3, 1)], failing);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('1 retry came less than 0.05 s after a failure');
    expect(quoted(result)).toEqual([2]);
  });

  it('does not police the spacing after a success or across units, and judges dropped connections (status 0) like 5xx', () => {
    expect(run({ backoff: { minSpacingMs: 500 } }, [tokenIssued(1, { time: T0 }), serverError(2, 0.01)], failing).verdict).toBe('pass');
    const units = [unit(1, { handedAt: T0, for: 0.05, ok: false }), unit(2, { handedAt: T0 + 0.06, ok: false, handedSeq: 1 })];
    expect(run({ backoff: {} }, [serverError(1, 0.01), serverError(2, 0.07)], units).verdict).toBe('pass');
    const reset = tokenRefused(1, 0, undefined, { transport: 'reset', time: T0 + 2, endTime: T0 + 2.001 });
    expect(run({ backoff: { minSpacingMs: 500 } }, [reset, serverError(2, 2.01)], failing).verdict).toBe('fail');
  });
});

describe('abandonedWithin', () => {
  const held = (seq: number, transport: JournalEntry['transport']) =>
    tokenRefused(seq, 0, undefined, { transport, faults: [{ rule: 'h', preset: 'token.hang', action: 'hang', effect: 'held without an answer' }] });

  it('is not applicable without a bound (the client declared no request timeout)', () => {
    expect(run({ abandonedWithin: {} }, [held(1, 'abandoned')], [unit(1, { ok: false })]).verdict).toBe('not-applicable');
  });

  it('passes a client that gave up and reported the failure within the bound derived from its timeout', () => {
    const result = run({ abandonedWithin: {} }, [held(1, 'abandoned'), held(2, 'abandoned')], [unit(1, { ok: false, for: 2.5 })], { requestTimeout: 1 });
    expect(result.verdict).toBe('pass');
    expect(result.explanation).toContain('Bounds: giveUpWithin = 6 s (the declared requestTimeout 1 s x retryAttempts 4 + 2 s).');
  });

  it('fails a client that never gave up, one that took too long, and one that reported ok', () => {
    const never = run({ abandonedWithin: {} }, [held(1, 'reset')], [unit(1, { ok: false, for: 20 })], { requestTimeout: 1 });
    expect(never.verdict).toBe('fail');
    expect(never.explanation).toContain('never gave up on 1 hanging request');
    const slow = run({ abandonedWithin: {} }, [held(1, 'abandoned')], [unit(1, { ok: false, for: 7 })], { requestTimeout: 1 });
    expect(slow.explanation).toContain('1 unit took longer than 6 s to report (unit 1: 7 s)');
    expect(run({ abandonedWithin: {} }, [held(1, 'abandoned')], [unit(1, { for: 7 })], { requestTimeout: 1, bounds: { giveUpWithin: 10 } }).explanation).toContain('reported ok');
  });

  it('is not exercised when no request was held', () => {
    expect(run({ abandonedWithin: { seconds: 5 } }, [tokenIssued(1)], [unit(1)]).verdict).toBe('not-exercised');
  });
});

describe('retryAfterRespected on the client clock', () => {
  it('judges the told window itself: an early request the server did not flag is still early', () => {
    const limited = tokenRefused(1, 429, 'too_many_requests', { time: T0 + 1, endTime: T0 + 1.01, retryAfter: 2 });
    const unflagged = tokenIssued(2, { time: T0 + 1.5 });
    const units = [unit(1, { handedAt: T0 + 0.9, for: 0.11, ok: false }), unit(2, { handedAt: T0 + 1.4, handedSeq: 1 })];
    const result = run({ retryAfterRespected: {} }, [limited, unflagged], units);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('#2 1.51 s early');
  });
});
