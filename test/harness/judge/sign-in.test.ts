/**
 * The sign-in checks on hand-made journals: forged and error callbacks, fresh authorization
 * requests, refresh token rotation, single-use codes, "sign in again", logout and fresh assertions.
 */
import { describe, expect, it } from 'vitest';
import type { SignInRecord } from '../../../harness/expectations/judge.ts';
import type { JournalEntry } from '../../../server/journal/types.ts';
import { apiCall, entry, jti, T0, tokenIssued, tokenRefused, unit } from '../../support/journal-entries.ts';
import { quoted, run } from './support.ts';

const signIn = (fields: Partial<SignInRecord> = {}): SignInRecord => ({ kind: 'sign-in', id: 1, ok: true, startSeq: 0, endSeq: 10, harnessSeqs: [], ...fields });
const authorize = (seq: number, fields: Partial<JournalEntry> = {}) =>
  entry(seq, { endpoint: 'authorize', path: '/oauth2/v1/authorize', status: 302, interaction: 'login_required', authorization: { state: `s${seq}`, codeChallenge: `c${seq}`, codeChallengeMethod: 'S256' }, ...fields });
const redemption = (seq: number, code: string, fields: Partial<JournalEntry> = {}) => tokenIssued(seq, { grantType: 'authorization_code', grant: 'g1', credentials: { code, issuedRefreshToken: { fingerprint: 'r1', exp: T0 + 604800 } }, ...fields });
const refresh = (seq: number, presented: string, issued: string | undefined, fields: Partial<JournalEntry> = {}) =>
  tokenIssued(seq, { grantType: 'refresh_token', grant: 'g1', credentials: { refreshToken: presented, ...(issued ? { issuedRefreshToken: { fingerprint: issued, exp: T0 + 604800 } } : {}) }, ...fields });

describe('refusesSignIn', () => {
  it('passes a forged callback the client refused without a token request, and fails one whose code it redeemed', () => {
    const forged = signIn({ forged: 'wrong-state', grant: 'attacker', ok: false, error: 'state mismatch' });
    expect(run({ refusesSignIn: {} }, [authorize(1)], [], { signIns: [forged] }).verdict).toBe('pass');
    const redeemed = [authorize(1), redemption(2, 'code-a', { grant: 'attacker', decision: 'rejected', status: 400, error: 'invalid_grant', issued: undefined })];
    const strict = run({ refusesSignIn: {} }, redeemed, [], { signIns: [forged] });
    expect(strict.verdict).toBe('fail');
    expect(strict.explanation).toContain('redeemed the code of the forged callback');
    expect(quoted(strict)).toEqual([2]);
    // PKCE refused the redemption: allowed by RFC 9700 §4.7.1 in the refused-only mode.
    expect(run({ refusesSignIn: { codeRedemption: 'refused-only' } }, redeemed, [], { signIns: [forged] }).verdict).toBe('pass');
  });

  it('fails a spoiled ID token the client accepted, and one whose access token it then used', () => {
    const spoiled = redemption(2, 'code-a', { faults: [{ rule: 'f1', action: 'id_token_mutation', effect: 'nonce changed' }] });
    const accepted = run({ refusesSignIn: { codeRedemption: 'allowed' } }, [spoiled], [], { signIns: [signIn({ grant: 'g1', ok: true, subject: 'ada' })] });
    expect(accepted.verdict).toBe('fail');
    expect(accepted.explanation).toContain('accepted the ID token the fault spoiled');
    const used = run({ refusesSignIn: { codeRedemption: 'allowed' } }, [spoiled, apiCall(12, 2)], [], { signIns: [signIn({ grant: 'g1', ok: false })] });
    expect(used.verdict).toBe('fail');
    expect(used.explanation).toContain('went on to use');
    expect(run({ refusesSignIn: { codeRedemption: 'allowed' } }, [spoiled], [], { signIns: [signIn({ grant: 'g1', ok: false })] }).verdict).toBe('pass');
  });

  it('fails any token request after an error callback (a bare authlib session asks for client_credentials)', () => {
    const denied = signIn({ callbackError: 'access_denied', grant: 'g1', ok: false, callbackSeq: 3, endSeq: 5 });
    const result = run({ refusesSignIn: {} }, [authorize(1), tokenIssued(4)], [], { signIns: [denied] });
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('1 token request (client_credentials) instead of reporting the error');
  });

  it('does not judge a spoiled nonce for a client that sent none (OIDC Core §3.1.3.7 step 11)', () => {
    const spoiled = redemption(2, 'code-a', { faults: [{ rule: 'f1', preset: 'id_token.wrong_nonce', action: 'id_token_mutation', effect: 'nonce changed' }] });
    const noNonce = authorize(1, { authorization: { state: 's1', codeChallenge: 'c1', codeChallengeMethod: 'S256' } });
    const result = run({ refusesSignIn: { codeRedemption: 'allowed' } }, [noNonce, spoiled], [], { signIns: [signIn({ grant: 'g1', ok: true, callbackSeq: 1 })] });
    expect(result.verdict).toBe('not-exercised');
    expect(result.explanation).toContain('sent no nonce');
    const withNonce = authorize(1, { authorization: { state: 's1', nonce: 'n1' } });
    expect(run({ refusesSignIn: { codeRedemption: 'allowed' } }, [withNonce, spoiled], [], { signIns: [signIn({ grant: 'g1', ok: true, callbackSeq: 1 })] }).verdict).toBe('fail');
  });

  it('is not exercised when no sign-in carried anything to refuse, or none reached the client', () => {
    expect(run({ refusesSignIn: {} }, [redemption(2, 'code-a')], [], { signIns: [signIn({ grant: 'g1' })] }).verdict).toBe('not-exercised');
    const unfinished = run({ refusesSignIn: {} }, [], [], { signIns: [signIn({ unfinished: 'the client gave no authorization URL' })] });
    expect(unfinished.verdict).toBe('not-exercised');
    expect(unfinished.explanation).toContain('never reached the client');
  });
});

describe('signInOutcomes', () => {
  it('counts a sign-in that never reached the callback as not signed in, and leaves forged ones out', () => {
    const steps = [signIn({ id: 1 }), signIn({ id: 3, unfinished: 'the client gave no authorization URL', ok: false }), signIn({ id: 5, forged: 'no-state', ok: false })];
    const result = run({ signInOutcomes: { ok: 'all' } }, [], [], { signIns: steps });
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('1 of 2 sign-ins');
    expect(result.explanation).toContain('never reached the callback (the client gave no authorization URL)');
  });
});

describe('signInOutcomes with a sign-in that never reached the callback', () => {
  it('cannot show that the client refused it: "none" is not exercised', () => {
    const result = run({ signInOutcomes: { ok: 'none' } }, [], [], { signIns: [signIn({ id: 1, ok: false, unfinished: 'the client\'s authorization URL https://idcs.example.com/x is not on understudy' })] });
    expect(result.verdict).toBe('not-exercised');
    expect(result.explanation).toContain('never reached the client\'s callback');
  });
});

describe('authorizationRequests', () => {
  it('passes fresh S256 challenges, and names the request that reused one or sent plain', () => {
    expect(run({ authorizationRequests: { codeChallengeMethod: 'S256', fresh: ['codeChallenge', 'state'] } }, [authorize(1), authorize(2)]).verdict).toBe('pass');
    const reused = run({ authorizationRequests: { fresh: ['codeChallenge'] } }, [authorize(1), authorize(2, { authorization: { state: 's2', codeChallenge: 'c1', codeChallengeMethod: 'S256' } })]);
    expect(reused.verdict).toBe('fail');
    expect(reused.explanation).toContain('#2 sent the code_challenge of #1 again');
    const plain = run({ authorizationRequests: { codeChallengeMethod: 'S256' } }, [authorize(1, { authorization: { codeChallenge: 'c1' } })]);
    expect(plain.explanation).toContain('(none: plain)');
  });

  it('leaves out the attacker\'s requests, and needs two requests to judge freshness', () => {
    const entries = [authorize(1), authorize(2, { authorization: {} })];
    expect(run({ authorizationRequests: { fresh: ['state'] } }, entries, [], { signIns: [signIn({ harnessSeqs: [2] })] }).verdict).toBe('not-exercised');
  });
});

describe('noStaleRefreshToken', () => {
  it('passes a client that presents each rotated token once', () => {
    const entries = [redemption(1, 'code-a'), refresh(2, 'r1', 'r2'), refresh(3, 'r2', 'r3')];
    expect(run({ noStaleRefreshToken: {} }, entries).verdict).toBe('pass');
  });

  it('fails a client that presents a rotated token whose successor it received', () => {
    const result = run({ noStaleRefreshToken: {} }, [redemption(1, 'code-a'), refresh(2, 'r1', 'r2'), refresh(3, 'r1', 'r3')]);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('#3 presented a refresh token that #2 had already rotated');
    expect(quoted(result)).toEqual([2, 3]);
  });

  it('excuses one presentation after a lost answer, not a second after the refusal', () => {
    const lost = refresh(2, 'r1', 'r2', { transport: 'truncated' });
    const again = tokenRefused(3, 400, 'invalid_grant', { grantType: 'refresh_token', credentials: { refreshToken: 'r1' } });
    expect(run({ noStaleRefreshToken: {} }, [redemption(1, 'code-a'), lost, again]).verdict).toBe('pass');
    const loop = tokenRefused(4, 400, 'invalid_grant', { grantType: 'refresh_token', credentials: { refreshToken: 'r1' } });
    const result = run({ noStaleRefreshToken: {} }, [redemption(1, 'code-a'), lost, again, loop]);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('#4 presented a refresh token the server had refused in #3');
  });

  it('does not blame two refreshes that left together (a single-flight bug, not a lost rotation)', () => {
    const first = refresh(2, 'r1', 'r2', { time: T0 + 2, endTime: T0 + 2.3 });
    const second = tokenRefused(3, 400, 'invalid_grant', { grantType: 'refresh_token', credentials: { refreshToken: 'r1' }, time: T0 + 2.1, endTime: T0 + 2.4 });
    expect(run({ noStaleRefreshToken: {} }, [redemption(1, 'code-a'), first, second]).verdict).toBe('pass');
  });

  it('is not exercised with fewer than two refreshes', () => {
    expect(run({ noStaleRefreshToken: {} }, [redemption(1, 'code-a'), refresh(2, 'r1', 'r2')]).verdict).toBe('not-exercised');
  });
});

describe('codeUsedOnce', () => {
  it('fails a code sent again after the server redeemed it, even when the answer was lost', () => {
    const result = run({ codeUsedOnce: {} }, [redemption(1, 'code-a', { transport: 'truncated' }), redemption(2, 'code-a')]);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('the answer was lost on its way, but the code was spent');
  });

  it('passes a retry after a reset that came before the grant ran, and is not exercised when every redemption went well', () => {
    const reset = redemption(1, 'code-a', { status: 0, transport: 'reset', decision: 'rejected', issued: undefined });
    expect(run({ codeUsedOnce: {} }, [reset, redemption(2, 'code-a')]).verdict).toBe('pass');
    expect(run({ codeUsedOnce: {} }, [redemption(1, 'code-a')]).verdict).toBe('not-exercised');
  });
});

describe('reportsSignInNeeded', () => {
  const dead = tokenRefused(3, 400, 'invalid_grant', { grantType: 'refresh_token', credentials: { refreshToken: 'r1' }, reason: 'refresh token expired' });

  it('passes units that say needsSignIn and ask for nothing more', () => {
    const units = [unit(1, { handedSeq: 2, reportedSeq: 3, ok: false, needsSignIn: true }), unit(2, { handedSeq: 3, reportedSeq: 3, ok: false, needsSignIn: true })];
    expect(run({ reportsSignInNeeded: {} }, [tokenIssued(1), dead], units).verdict).toBe('pass');
  });

  it('fails a unit that fails without saying so, and token requests after the refusal', () => {
    const units = [unit(1, { handedSeq: 2, reportedSeq: 4, ok: false, error: 'invalid_grant' })];
    const result = run({ reportsSignInNeeded: {} }, [tokenIssued(1), dead, tokenRefused(4, 400, 'invalid_grant', { grantType: 'refresh_token' })], units);
    expect(result.verdict).toBe('fail');
    expect(result.explanation).toContain('unit 1 failed without needsSignIn (invalid_grant)');
    expect(result.explanation).toContain('1 token request followed the refusal (#4)');
  });
});

describe('loginAfterSignOut', () => {
  const steps = [signIn({ startSeq: 0, endSeq: 2 }), { ...signIn({ startSeq: 2, endSeq: 3 }), kind: 'sign-out' as const, url: 'http://127.0.0.1/oauth2/v1/userlogout?id_token_hint=x' }, signIn({ startSeq: 3, endSeq: 5 })];
  const loggedOut = entry(3, { endpoint: 'logout', path: '/oauth2/v1/userlogout', status: 302, interaction: 'signed_out', reason: 'ended the session of ada' });

  it('passes when the sign-out ended the session and the next sign-in met the login page', () => {
    expect(run({ loginAfterSignOut: {} }, [authorize(1), loggedOut, authorize(4)], [], { signIns: steps }).verdict).toBe('pass');
    const silent = run({ loginAfterSignOut: {} }, [authorize(1), loggedOut, authorize(4, { interaction: 'code_issued' })], [], { signIns: steps });
    expect(silent.verdict).toBe('fail');
    expect(silent.explanation).toContain('went on without a login (code_issued)');
  });

  it('is not exercised when the end-session endpoint had no session left to end', () => {
    const noSession = entry(3, { endpoint: 'logout', path: '/oauth2/v1/userlogout', status: 302, reason: 'no session to end' });
    const result = run({ loginAfterSignOut: {} }, [authorize(1), noSession, authorize(4)], [], { signIns: steps });
    expect(result.verdict).toBe('not-exercised');
    expect(result.explanation).toContain('with no session to end (#3)');
  });

  it('fails a sign-out that ended no session, even when the next sign-in forced a login (prompt=login)', () => {
    const forced = authorize(4, { authorization: { prompt: 'login' } });
    const local = run({ loginAfterSignOut: {} }, [authorize(1), forced], [], { signIns: [steps[0] as SignInRecord, { ...(steps[1] as SignInRecord), url: undefined }, steps[2] as SignInRecord] });
    expect(local.verdict).toBe('fail');
    expect(local.explanation).toContain('left the server\'s session alive: the client gave no end-session URL');
  });
});

describe('freshAssertions', () => {
  const assertion = (seq: number, fingerprint: string, claims: { jti?: string; exp?: number } = {}) =>
    tokenIssued(seq, { grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer', credentials: { assertion: { fingerprint, iat: T0, exp: T0 + 300, ...claims } } });

  it('passes new assertions, fails a resent or expired one, and asks for jti only when told', () => {
    expect(run({ freshAssertions: {} }, [assertion(1, 'a1'), assertion(2, 'a2')]).verdict).toBe('pass');
    const resent = run({ freshAssertions: {} }, [assertion(1, 'a1'), assertion(2, 'a1')]);
    expect(resent.explanation).toContain('#2 resent the assertion of #1');
    const expired = run({ freshAssertions: {} }, [assertion(1, 'a1'), assertion(900, 'a2', { exp: T0 + 300 })]);
    expect(expired.explanation).toContain('#900 presented an assertion that had expired 600 s before');
    expect(run({ freshAssertions: { jti: true } }, [assertion(1, 'a1'), assertion(2, 'a2')]).explanation).toContain("#1's assertion had no jti");
    expect(run({ freshAssertions: {} }, [assertion(1, 'a1')]).verdict).toBe('not-exercised');
    // A client on real time signed exp on its own clock: the server's advance does not age it.
    expect(run({ freshAssertions: {} }, [assertion(1, 'a1'), assertion(900, 'a2', { exp: T0 + 300 })], [], { clientTime: (virtual) => virtual - 800 }).verdict).toBe('pass');
    expect(jti(1)).toBeTruthy();
  });
});
