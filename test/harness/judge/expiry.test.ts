/**
 * Expiry judged on what the client was told (the instant the token response was sent plus its
 * expires_in), never on the token's whole-second exp; and a dead token is not kept.
 */
import { describe, expect, it } from 'vitest';
import { realTimeClientClock } from '../../../harness/runner/client-clock.ts';
import { apiCall, invalidToken, jti, T0, tokenIssued, unit } from '../../support/journal-entries.ts';
import { judge } from '../../../harness/expectations/judge.ts';
import { DEFAULTS, quoted, run } from './support.ts';

/** Token #1, sent at T0 + 1.5, told to live 3 s: it expires at T0 + 4.5 for the client. */
const shortLived = () => tokenIssued(1, { time: T0 + 1.4, endTime: T0 + 1.5, issued: { jti: jti(1), iat: T0 + 1, exp: T0 + 4, expiresIn: 3 } });

describe('noExpiredTokenUse', () => {
  it('passes a call after the whole-second exp but before the told expiry: exp never decides', () => {
    // exp is T0 + 4 (iat rounded down); the client was told T0 + 4.5.
    const result = run({ noExpiredTokenUse: {} }, [shortLived(), apiCall(2, 1, { time: T0 + 4.3 }), tokenIssued(3, { time: T0 + 6 }), apiCall(4, 3, { time: T0 + 6.1 })], [unit(1)]);
    expect(result.verdict).toBe('pass');
    expect(result.explanation).toContain('Bounds: expiryLatency = 0.5 s (default).');
  });

  it('allows expiryLatency after the told expiry, and fails a call beyond it, quoting the token and the call', () => {
    expect(run({ noExpiredTokenUse: {} }, [shortLived(), apiCall(2, 1, { time: T0 + 4.9 })]).verdict).toBe('pass');
    const late = run({ noExpiredTokenUse: {} }, [shortLived(), apiCall(2, 1, { time: T0 + 5.5 })]);
    expect(late.verdict).toBe('fail');
    expect(late.explanation).toContain('#2 1 s after token #1 expired');
    expect(quoted(late)).toEqual([1, 2]);
    expect(run({ noExpiredTokenUse: {} }, [shortLived(), apiCall(2, 1, { time: T0 + 5.5 })], [], { bounds: { expiryLatency: 2 } }).verdict).toBe('pass');
  });

  it('counts calls within the margin before the told expiry as expired', () => {
    const entries = [shortLived(), apiCall(2, 1, { time: T0 + 3.4 }), tokenIssued(3, { time: T0 + 4.2 }), apiCall(4, 3, { time: T0 + 4.3 })];
    expect(run({ noExpiredTokenUse: { margin: 0.5 } }, entries).verdict).toBe('pass');
    expect(run({ noExpiredTokenUse: { margin: 2 } }, entries).verdict).toBe('fail');
  });

  it('uses the latest issuance of a reissued token (a shorter lifetime each time)', () => {
    const reissued = tokenIssued(3, { time: T0 + 2.9, endTime: T0 + 3, issued: { jti: jti(1), expiresIn: 1 } });
    const result = run({ noExpiredTokenUse: {} }, [shortLived(), reissued, apiCall(4, 1, { time: T0 + 4.7 })]);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('after token #3 expired');
  });

  it('is not exercised when no call came after the first told expiry, or nothing was told', () => {
    const early = run({ noExpiredTokenUse: {} }, [shortLived(), apiCall(2, 1, { time: T0 + 2 })]);
    expect(early.verdict).toBe('not-exercised');
    expect(early.explanation).toContain("No API call came after the first token's told expiry");
    const untold = run({ noExpiredTokenUse: {} }, [tokenIssued(1, { issued: { jti: jti(1) } }), apiCall(2, 1, { time: T0 + 99_999 })]);
    expect(untold.verdict).toBe('not-exercised');
    expect(untold.explanation).toContain('No token response the client received said how long its token lives');
  });

  it('reads a string expires_in as the number it says, and ignores a response that never arrived whole', () => {
    const told = tokenIssued(1, { time: T0 + 1.4, endTime: T0 + 1.5, issued: { jti: jti(1), expiresIn: '3' } });
    expect(run({ noExpiredTokenUse: {} }, [told, apiCall(2, 1, { time: T0 + 9 })]).verdict).toBe('fail');
    const cut = tokenIssued(1, { time: T0 + 1.4, endTime: T0 + 1.5, transport: 'truncated', issued: { jti: jti(1), expiresIn: 3 } });
    expect(run({ noExpiredTokenUse: {} }, [cut, apiCall(2, 1, { time: T0 + 9 })]).verdict).toBe('not-exercised');
  });

  it('takes a step back out too, by journal position: a call 60 real seconds after a 30 s token is late though the server clock went back', () => {
    // Token #1 sent at T0 + 1.5, told 30 s; then the server's clock steps back 100 s; the call comes 60 s later.
    const told = tokenIssued(1, { time: T0 + 1.4, endTime: T0 + 1.5, issued: { jti: jti(1), expiresIn: 30 } });
    const call = apiCall(2, 1, { time: T0 + 1.5 - 100 + 60 });
    const result = run({ noExpiredTokenUse: {} }, [told, call], [], { clientTime: realTimeClientClock([{ seq: 1, seconds: -100 }]) });
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('#2 30 s after token #1 expired');
  });

  it("judges on the client's clock: an advance step the client did not live through is taken out", () => {
    // The server's clock jumped 200 s at T0 + 3; a client on real time still sees its token as fresh.
    const entries = [shortLived(), apiCall(2, 1, { time: T0 + 204.8 })];
    expect(run({ noExpiredTokenUse: {} }, entries).verdict).toBe('fail');
    const clientTime = realTimeClientClock([{ seq: 1, seconds: 200 }]);
    expect(run({ noExpiredTokenUse: {} }, entries, [], { clientTime }).verdict).toBe('pass');
  });
});

describe('noReuseOfRefusedToken', () => {
  const dead = (seq: number, time: number) => apiCall(seq, 1, { ...invalidToken, time, endTime: time + 0.01 });

  it('passes a client that replaced the token after the API refused it', () => {
    const entries = [shortLived(), dead(2, T0 + 8), tokenIssued(3, { time: T0 + 8.1 }), apiCall(4, 3, { time: T0 + 8.2 }), apiCall(5, 3, { time: T0 + 9 })];
    const result = run({ noReuseOfRefusedToken: {} }, entries, [unit(1)]);
    expect(result.verdict).toBe('pass');
    expect(result.explanation).toContain('never presented it again');
  });

  it('fails a client that keeps presenting the dead token, quoting the refusal and the reuse', () => {
    const entries = [shortLived(), dead(2, T0 + 8), dead(3, T0 + 9), dead(4, T0 + 10)];
    const result = run({ noReuseOfRefusedToken: {} }, entries);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('2 API calls presented a token the API had already refused (#3 after #2; #4 after #2)');
    expect(quoted(result)).toEqual([2, 3, 4]);
  });

  it('does not count calls sent before the refusal was answered (concurrent units)', () => {
    const entries = [shortLived(), dead(2, T0 + 8), dead(3, T0 + 8.005)];
    expect(run({ noReuseOfRefusedToken: {} }, entries).verdict).toBe('pass');
  });

  it('passes a client that replaced the token before it died, and is not exercised when no work followed a death', () => {
    const replacedInTime = [shortLived(), tokenIssued(2, { time: T0 + 3.5 }), apiCall(3, 2, { time: T0 + 8 })];
    expect(run({ noReuseOfRefusedToken: {} }, replacedInTime).verdict).toBe('pass');
    const noWorkAfter = run({ noReuseOfRefusedToken: {} }, [shortLived(), apiCall(2, 1, { time: T0 + 2 })], [unit(1, { handedAt: T0 + 1 })]);
    expect(noWorkAfter.verdict).toBe('not-exercised');
  });
});

describe('noReuseOfRefusedToken, in order', () => {
  it('sees a refused token presented again by the next unit in the same instant of fake time', () => {
    const at = T0 + 10;
    const entries = [tokenIssued(1), apiCall(2, 1, { ...invalidToken, time: at, endTime: at, unit: 2 }), apiCall(3, 1, { ...invalidToken, time: at, endTime: at, unit: 3 })];
    const units = [unit(1, { handedAt: T0 + 0.5 }), unit(2, { handedAt: at, for: 0, handedSeq: 1 }), unit(3, { handedAt: at, for: 0, handedSeq: 2 })];
    expect(run({ noReuseOfRefusedToken: {} }, entries, units).verdict).toBe('fail');
  });

  it("counts a token as dead from its exp plus the API's leeway, not from its whole-second exp", () => {
    const entries = [tokenIssued(1, { issued: { jti: jti(1), iat: T0 + 1, exp: T0 + 3 } }), apiCall(2, 1, { time: T0 + 1.1 }), apiCall(3, 1, { time: T0 + 4.5 })];
    const units = [unit(1, { handedAt: T0 + 1 }), unit(2, { handedAt: T0 + 4.4, handedSeq: 2 })];
    expect(run({ noReuseOfRefusedToken: {} }, entries, units, { apiLeeway: 2 }).verdict).toBe('not-exercised');
  });

  it('knows of a refusal before a checkpoint segment', () => {
    const before = [tokenIssued(1), apiCall(2, 1, invalidToken)];
    const result = judge({ noReuseOfRefusedToken: {} }, { entries: [apiCall(3, 1, { time: T0 + 9 })], before, origin: T0, units: [] }, DEFAULTS);
    expect(result.verdict).toBe('fail');
  });
});
