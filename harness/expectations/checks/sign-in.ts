import type { JournalEntry } from '../../../server/journal/types.ts';
import { inOrder, isApi, isToken, notExercised, plural, type Check, type JudgeInput, type SignInRecord } from '../judge-input.ts';

/** The sign-in steps of the segment (not the sign-outs). */
const signInsOf = (input: JudgeInput): SignInRecord[] => (input.signIns ?? []).filter((s) => s.kind === 'sign-in');
const isCodeRedemption = (e: JournalEntry): boolean => isToken(e) && e.grantType === 'authorization_code';
const isRefresh = (e: JournalEntry): boolean => isToken(e) && e.grantType === 'refresh_token';
/**
 * The grant judged the code or refresh token: it issued (even if the answer was then cut off on
 * its way) or refused it with invalid_grant. A request refused before the grant (client
 * authentication, a 5xx) or dropped before any answer did not spend it.
 */
const spent = (e: JournalEntry): boolean => e.decision === 'issued' || e.error === 'invalid_grant';
/** The answer reached the client whole. */
const delivered = (e: JournalEntry): boolean => e.status !== 0 && e.transport === undefined;

/**
 * Whether the person got signed in, sign-in by sign-in, as the client reported it. Forged callbacks
 * are not the person's sign-ins (refusesSignIn judges them); a sign-in that never reached the
 * callback (the client gave no URL, or its URL led to an error page) did not sign anyone in.
 */
export function signInOutcomes({ ok }: { ok: 'all' | 'none' | number }, input: JudgeInput): Check {
  const signIns = signInsOf(input).filter((s) => !s.forged);
  if (signIns.length === 0) return notExercised(signInsOf(input).length > 0 ? 'Every sign-in of the segment was a forged callback, which is not the person\'s sign-in.' : 'No sign-in step ran, so the client reported no callback.');
  const signedIn = (s: SignInRecord) => s.ok && s.unfinished === undefined;
  const okCount = signIns.filter(signedIn).length;
  const wanted = ok === 'all' ? signIns.length : ok === 'none' ? 0 : ok;
  const unfinished = signIns.filter((s) => s.unfinished !== undefined);
  // A sign-in that never reached the callback counts against "all"; it cannot show that the client
  // refused one ("none", or fewer than all): the client was never handed it.
  if (okCount === wanted && wanted < signIns.length && unfinished.length > 0) {
    return notExercised(`${plural(unfinished.length, 'sign-in')} never reached the client's callback (${unfinished.map((s) => s.unfinished).join('; ')}), so whether the client would have refused ${unfinished.length === 1 ? 'it' : 'them'} was not put to the test.`);
  }
  const said = signIns.map((s) => `sign-in ${s.id}: ${signedIn(s) ? `signed in${s.subject ? ` as ${s.subject}` : ''}` : s.unfinished !== undefined ? `never reached the callback (${s.unfinished})` : `refused (${s.error ?? 'no reason given'})`}`);
  return {
    verdict: okCount === wanted ? 'pass' : 'fail',
    explanation: `The client reported ${okCount} of ${plural(signIns.length, 'sign-in')} as signed in, expected ${ok}. It said: ${said.join('; ')}.`,
    evidence: input.entries.filter(isCodeRedemption).slice(-4),
  };
}

/**
 * A sign-in the client must refuse (a forged callback, an error callback, an ID token a fault
 * spoiled): reported failed, its code not redeemed (as the mode allows), nothing it yielded used,
 * and, after an error callback, no token request of any grant (RFC 6749 §4.1.2.1: report it).
 */
export function refusesSignIn({ codeRedemption = 'forbidden' }: { codeRedemption?: 'forbidden' | 'refused-only' | 'allowed' }, input: JudgeInput): Check {
  const all = [...(input.before ?? []), ...input.entries];
  const problems: string[] = [];
  const evidence: JournalEntry[] = [];
  const unexercised: string[] = [];
  let judged = 0;
  for (const signIn of signInsOf(input)) {
    const label = `sign-in ${signIn.id}`;
    if (signIn.unfinished !== undefined) {
      unexercised.push(`${label} never reached the client's callback (${signIn.unfinished})`);
      continue;
    }
    const redemptions = signIn.grant === undefined ? [] : input.entries.filter((e) => isCodeRedemption(e) && e.grant === signIn.grant && e.seq > signIn.startSeq);
    const spoiled = redemptions.some((e) => e.faults?.some((f) => f.action === 'id_token_mutation'));
    if (!signIn.forged && !signIn.callbackError && !spoiled) {
      unexercised.push(codeRedemption === 'allowed' && redemptions.length === 0 ? `${label}: the client never redeemed the code, so it never saw the ID token it was to refuse` : `${label} carried nothing to refuse`);
      continue;
    }
    if (spoiled && !signIn.forged && !signIn.callbackError && nonceSpoiledUnasked(signIn, input, redemptions)) {
      unexercised.push(`${label}: the client sent no nonce, so the one the fault put in the ID token was never asked for (OpenID Connect Core §3.1.3.7 step 11 checks a nonce that was sent)`);
      continue;
    }
    judged += 1;
    evidence.push(...redemptions);
    const what = signIn.forged ? `the forged callback (${signIn.forged === 'no-state' ? 'no state' : 'an attacker\'s state'})` : signIn.callbackError ? `the callback with error=${signIn.callbackError}` : 'the ID token the fault spoiled';
    if (signIn.ok) problems.push(`${label}: the client accepted ${what} and reported the person signed in${signIn.subject ? ` as ${signIn.subject}` : ''}`);
    if (codeRedemption === 'forbidden' && redemptions.length > 0) problems.push(`${label}: the client redeemed the code of ${what} (#${redemptions.map((e) => e.seq).join(', #')}); check state before any token request`);
    const issued = redemptions.filter((e) => e.decision === 'issued');
    if (codeRedemption === 'refused-only' && issued.length > 0) problems.push(`${label}: the client redeemed the attacker's code and got tokens (#${issued.map((e) => e.seq).join(', #')}): neither state nor PKCE stopped it`);
    const tokens = new Set(all.filter((e) => e.grant === signIn.grant && e.issued).map((e) => e.issued?.jti));
    const used = input.entries.filter((e) => (isApi(e) && e.presented && tokens.has(e.presented.jti)) || (isRefresh(e) && e.grant === signIn.grant && e.seq > signIn.endSeq));
    if (signIn.grant !== undefined && used.length > 0) {
      evidence.push(...used);
      problems.push(`${label}: the client went on to use what ${what} gave it (#${used.map((e) => e.seq).join(', #')})`);
    }
    if (signIn.callbackError && signIn.callbackSeq !== undefined) {
      const after = input.entries.filter((e) => isToken(e) && e.seq > (signIn.callbackSeq as number) && e.seq <= signIn.endSeq);
      if (after.length > 0) {
        evidence.push(...after);
        problems.push(`${label}: after ${what} the client made ${plural(after.length, 'token request')} (${[...new Set(after.map((e) => e.grantType))].join(', ')}) instead of reporting the error`);
      }
    }
  }
  if (judged === 0) return notExercised(`No sign-in gave the client something to refuse: ${unexercised.join('; ') || 'no sign-in step ran'}.`);
  return {
    verdict: problems.length === 0 ? 'pass' : 'fail',
    explanation:
      problems.length === 0
        ? `The client refused ${plural(judged, 'bad sign-in')}, reported ${judged === 1 ? 'it' : 'each'} failed, and used nothing it yielded.`
        : `${problems.join('; ')}. A callback that does not match the request the client made, or an ID token that fails validation, ends the sign-in (RFC 6749 §10.12, OpenID Connect Core §3.1.3.7).`,
    evidence: inOrder(evidence),
  };
}

/** The fault spoiled only the nonce, and the sign-in's authorization request carried none. */
function nonceSpoiledUnasked(signIn: SignInRecord, input: JudgeInput, redemptions: JournalEntry[]): boolean {
  const onlyNonce = redemptions.every((e) => (e.faults ?? []).filter((f) => f.action === 'id_token_mutation').every((f) => f.preset === 'id_token.wrong_nonce'));
  const request = input.entries.find((e) => e.endpoint === 'authorize' && e.seq > signIn.startSeq && e.seq <= (signIn.callbackSeq ?? signIn.endSeq) && !signIn.harnessSeqs.includes(e.seq));
  return onlyNonce && request !== undefined && request.authorization?.nonce === undefined;
}

const FRESH_FACT = { state: 'state', nonce: 'nonce', codeChallenge: 'code_challenge' } as const;

/** Every authorization request the client made carries fresh state, nonce or PKCE values, and S256 (RFC 9700 §2.1.1, RFC 7636 §4.2). */
export function authorizationRequests({ fresh = [], codeChallengeMethod }: { fresh?: ('state' | 'nonce' | 'codeChallenge')[]; codeChallengeMethod?: 'S256' }, input: JudgeInput): Check {
  const harness = new Set((input.signIns ?? []).flatMap((s) => s.harnessSeqs));
  const requests = input.entries.filter((e) => e.endpoint === 'authorize' && !harness.has(e.seq));
  if (requests.length === 0) return notExercised('The client sent no authorization request.');
  const problems: string[] = [];
  const bad = new Set<JournalEntry>();
  if (codeChallengeMethod) {
    for (const request of requests) {
      const facts = request.authorization ?? {};
      if (!facts.codeChallenge) {
        problems.push(`#${request.seq} carried no code_challenge`);
        bad.add(request);
      } else if (facts.codeChallengeMethod !== codeChallengeMethod) {
        problems.push(`#${request.seq} sent code_challenge_method ${facts.codeChallengeMethod ?? '(none: plain)'}, not ${codeChallengeMethod}`);
        bad.add(request);
      }
    }
  }
  const earlierRequests = (input.before ?? []).filter((e) => e.endpoint === 'authorize' && !harness.has(e.seq));
  for (const name of fresh) {
    const seen = new Map<string, JournalEntry>();
    for (const earlier of earlierRequests) {
      const value = earlier.authorization?.[name];
      if (value) seen.set(value, earlier);
    }
    for (const request of requests) {
      const value = request.authorization?.[name];
      if (!value) {
        // A missing challenge is already said by the method check.
        if (!(name === 'codeChallenge' && codeChallengeMethod)) problems.push(`#${request.seq} carried no ${FRESH_FACT[name]}`);
        bad.add(request);
        continue;
      }
      const earlier = seen.get(value);
      if (earlier) {
        problems.push(`#${request.seq} sent the ${FRESH_FACT[name]} of #${earlier.seq} again`);
        bad.add(request);
      }
      seen.set(value, request);
    }
  }
  const checked = [codeChallengeMethod ? `an ${codeChallengeMethod} code_challenge` : undefined, fresh.length > 0 ? `a fresh ${fresh.map((n) => FRESH_FACT[n]).join(', ')}` : undefined].filter(Boolean).join(' and ');
  if (problems.length === 0 && fresh.length > 0 && requests.length < 2) {
    return notExercised(`Only one authorization request was made (it carried ${checked}); freshness needs two to compare.`, requests);
  }
  return {
    verdict: problems.length === 0 ? 'pass' : 'fail',
    explanation:
      problems.length === 0
        ? `Every authorization request (${requests.length}) carried ${checked}.`
        : `${problems.join('; ')}. Each authorization request needs ${checked} (RFC 9700 §2.1 and §4.7.1, RFC 7636 §4.2).`,
    evidence: bad.size > 0 ? inOrder(bad) : requests,
  };
}

/**
 * Refresh token rotation (RFC 9700 §4.14.2, RFC 6749 §6): the client presents the newest refresh
 * token. Presenting one the server refused is a loop; presenting one whose successor reached the
 * client is a lost rotation. A successor lost on the way (the answer was cut off) excuses one
 * more presentation of the old token, which the server then refuses.
 */
export function noStaleRefreshToken(_: Record<string, never>, input: JudgeInput): Check {
  const before = (input.before ?? []).filter(isRefresh);
  const refreshes = input.entries.filter((e) => isRefresh(e) && e.credentials?.refreshToken);
  const history = [...before, ...refreshes];
  const problems: string[] = [];
  const evidence: JournalEntry[] = [];
  let challenged = 0;
  for (const refresh of refreshes) {
    const token = refresh.credentials?.refreshToken;
    const earlier = history.filter((e) => e.seq < refresh.seq && e.credentials?.refreshToken === token);
    if (earlier.length === 0) continue;
    challenged += 1;
    const refused = earlier.find((e) => e.error === 'invalid_grant' && e.endTime <= refresh.time);
    // Its successor reached the client before this request left: an answer still on its way
    // (two refreshes at once) or one with no new refresh token (RFC 6749 §6) does not count.
    const rotated = earlier.find((e) => e.decision === 'issued' && delivered(e) && e.endTime <= refresh.time && e.credentials?.issuedRefreshToken !== undefined && e.credentials.issuedRefreshToken.fingerprint !== token);
    if (refused) {
      problems.push(`#${refresh.seq} presented a refresh token the server had refused in #${refused.seq} (${refused.error})`);
      evidence.push(refused, refresh);
    } else if (rotated) {
      problems.push(`#${refresh.seq} presented a refresh token that #${rotated.seq} had already rotated: its successor reached the client`);
      evidence.push(rotated, refresh);
    }
  }
  const refusedAny = refreshes.some((e) => e.error !== undefined || (e.decision === 'issued' && !delivered(e)));
  if (problems.length === 0 && refreshes.length < 2 && !refusedAny) {
    return notExercised(`${refreshes.length === 0 ? 'No refresh' : 'Only one refresh'} was made, so rotation was not put to the test.`, refreshes);
  }
  return {
    verdict: problems.length === 0 ? 'pass' : 'fail',
    explanation:
      problems.length === 0
        ? `${refreshes.length} ${refreshes.length === 1 ? 'refresh' : 'refreshes'} each presented the newest refresh token${challenged > 0 ? `; the ${plural(challenged, 'time')} an old one came back, its successor had been lost on the way` : ''}.`
        : `${problems.join('; ')}. Keep the refresh token each answer brings (RFC 6749 §6), and after invalid_grant drop the old one: ask the person to sign in again.`,
    evidence: inOrder(evidence.length > 0 ? evidence : refreshes.slice(-4)),
  };
}

/** An authorization code is used once (RFC 6749 §4.1.2, §10.5): not sent again after the server answered its redemption. */
export function codeUsedOnce(_: Record<string, never>, input: JudgeInput): Check {
  const all = [...(input.before ?? []), ...input.entries].filter((e) => isCodeRedemption(e) && e.credentials?.code);
  const segment = new Set(input.entries);
  const problems: string[] = [];
  const evidence: JournalEntry[] = [];
  for (const redemption of all) {
    if (!segment.has(redemption)) continue;
    const used = all.find((e) => e.seq < redemption.seq && e.credentials?.code === redemption.credentials?.code && spent(e));
    if (used) {
      problems.push(`#${redemption.seq} presented the code that #${used.seq} had already ${used.decision === 'issued' ? `redeemed${used.transport ? ' (the answer was lost on its way, but the code was spent)' : ''}` : `refused (${used.error})`}`);
      evidence.push(used, redemption);
    }
  }
  const redemptions = input.entries.filter((e) => isCodeRedemption(e));
  const troubled = redemptions.filter((e) => e.error !== undefined || !delivered(e));
  if (problems.length === 0 && troubled.length === 0) {
    return notExercised(`${redemptions.length === 0 ? 'No code was redeemed' : 'Every code redemption was answered with tokens'}, so the client had no reason to send a code again.`, redemptions);
  }
  return {
    verdict: problems.length === 0 ? 'pass' : 'fail',
    explanation:
      problems.length === 0
        ? `${plural(troubled.length, 'redemption')} failed or lost ${troubled.length === 1 ? 'its' : 'their'} answer, and no code was sent again: the client reported it instead.`
        : `${problems.join('; ')}. A code is good for one redemption: a second one is refused and revokes what the first gave (RFC 6749 §4.1.2); start a new sign-in instead.`,
    evidence: inOrder(evidence.length > 0 ? evidence : troubled),
  };
}

/** After the refresh token is refused (invalid_grant), the client says the person must sign in again, and asks no more tokens until they do. */
export function reportsSignInNeeded(_: Record<string, never>, input: JudgeInput): Check {
  const refusal = input.entries.find((e) => isRefresh(e) && e.error === 'invalid_grant');
  if (!refusal) return notExercised('No refresh was refused with invalid_grant, so the client never needed a new sign-in.', input.entries.filter(isRefresh));
  const nextSignIn = (input.signIns ?? []).find((s) => s.kind === 'sign-in' && s.startSeq >= refusal.seq);
  const until = nextSignIn?.startSeq ?? Number.POSITIVE_INFINITY;
  const problems: string[] = [];
  const affected = input.units.filter((u) => (u.reportedSeq ?? Number.POSITIVE_INFINITY) >= refusal.seq && (u.handedSeq ?? 0) < until);
  // A unit may still succeed on an access token that outlives a refused early refresh; one that
  // fails must say why.
  const failed = affected.filter((unit) => !unit.ok);
  for (const unit of failed) if (!unit.needsSignIn) problems.push(`unit ${unit.id} failed without needsSignIn (${unit.error ?? 'no reason given'})`);
  const more = input.entries.filter((e) => isToken(e) && e.seq > refusal.seq && e.seq <= until && e.grantType !== 'authorization_code');
  if (more.length > 0) problems.push(`${plural(more.length, 'token request')} followed the refusal (#${more.map((e) => e.seq).join(', #')}), ${[...new Set(more.map((e) => e.grantType))].join(', ')}`);
  if (failed.length === 0 && problems.length === 0) return notExercised('No unit failed after the refresh was refused (none came, or the access token still served), so the client had nothing to report.', [refusal]);
  return {
    verdict: problems.length === 0 ? 'pass' : 'fail',
    explanation:
      problems.length === 0
        ? `After the refresh was refused (#${refusal.seq}: ${refusal.reason}), ${plural(failed.length, 'unit')} reported needsSignIn and no token was asked for until the person signed in again.`
        : `The refresh was refused (#${refusal.seq}: ${refusal.reason}), then ${problems.join('; ')}. A refused refresh token ends the grant: report that the person must sign in again (needsSignIn), once per unit, without asking again.`,
    evidence: inOrder([refusal, ...more]),
  };
}

/**
 * RP-initiated logout ends the server's session too (OpenID Connect RP-Initiated Logout 1.0 §2):
 * the sign-out step reached the end-session endpoint and it ended a session, and the next
 * sign-in, if any, asked for the login again.
 */
export function loginAfterSignOut(_: Record<string, never>, input: JudgeInput): Check {
  const steps = input.signIns ?? [];
  const harness = new Set(steps.flatMap((s) => s.harnessSeqs));
  const problems: string[] = [];
  const evidence: JournalEntry[] = [];
  const unexercised: string[] = [];
  let judged = 0;
  for (const [index, signOut] of steps.entries()) {
    if (signOut.kind !== 'sign-out') continue;
    const logouts = input.entries.filter((e) => e.endpoint === 'logout' && e.seq > signOut.startSeq && e.seq <= signOut.endSeq);
    const ended = logouts.find((e) => e.interaction === 'signed_out');
    const answered = logouts.find((e) => e.status > 0 && e.status < 400);
    if (!ended && answered) {
      // The client did its part, and the browser had no session left (it had expired, or was ended).
      unexercised.push(`sign-out ${signOut.id} reached the end-session endpoint with no session to end (#${answered.seq})`);
      continue;
    }
    judged += 1;
    if (ended) evidence.push(ended);
    else {
      evidence.push(...logouts);
      const how =
        signOut.unfinished ??
        (logouts[0] ? `the end-session endpoint refused it (#${logouts[0].seq}: ${logouts[0].reason})` : signOut.url ? `the browser was sent to ${signOut.url.split('?')[0]}, which is no end-session endpoint` : !signOut.ok ? `the client's sign-out failed (${signOut.error ?? 'no reason given'})` : 'the client gave no end-session URL to send the browser to');
      problems.push(`sign-out ${signOut.id} left the server's session alive: ${how}`);
    }
    const next = steps.slice(index + 1).find((s) => s.kind === 'sign-in' && !s.forged);
    const first = next && input.entries.find((e) => e.endpoint === 'authorize' && e.seq > next.startSeq && !harness.has(e.seq));
    if (first) {
      evidence.push(first);
      if (ended && first.interaction !== 'login_required') problems.push(`after sign-out ${signOut.id}, the authorization request #${first.seq} went on without a login (${first.interaction ?? first.reason})`);
    }
  }
  if (judged === 0) return notExercised(unexercised.length > 0 ? `${unexercised.join('; ')}: there was nothing for the sign-out to end.` : 'No sign-out step ran.');
  return {
    verdict: problems.length === 0 ? 'pass' : 'fail',
    explanation:
      problems.length === 0
        ? `Each sign-out (${judged}) ended the server's session${evidence.some((e) => e.endpoint === 'authorize') ? ', and the next sign-in asked for the login again' : ''}.`
        : `${problems.join('; ')}. Signing out of the app must end the server's session too: send the browser to the end_session_endpoint, with id_token_hint (OpenID Connect RP-Initiated Logout 1.0 §2).`,
    evidence: inOrder(evidence),
  };
}

/** RFC 7523 §3: a new assertion per token request, not expired, and (when asked) a jti never used twice. */
export function freshAssertions({ jti = false }: { jti?: boolean }, input: JudgeInput): Check {
  const isAssertion = (e: JournalEntry) => isToken(e) && e.credentials?.assertion !== undefined;
  const history = [...(input.before ?? []), ...input.entries].filter(isAssertion);
  const requests = input.entries.filter(isAssertion);
  const problems: string[] = [];
  const evidence: JournalEntry[] = [];
  for (const request of requests) {
    const assertion = request.credentials?.assertion;
    if (!assertion) continue;
    const earlier = history.filter((e) => e.seq < request.seq);
    const resent = earlier.find((e) => e.credentials?.assertion?.fingerprint === assertion.fingerprint);
    if (resent) {
      problems.push(`#${request.seq} resent the assertion of #${resent.seq}`);
      evidence.push(resent, request);
    }
    // The client signed exp on its own clock: compare it with that clock's now.
    const now = input.clientTime?.(request.time, request.seq) ?? request.time;
    if (assertion.exp !== undefined && assertion.exp <= now) {
      problems.push(`#${request.seq} presented an assertion that had expired ${Math.round(now - assertion.exp)} s before`);
      evidence.push(request);
    }
    if (jti) {
      if (assertion.jti === undefined) {
        problems.push(`#${request.seq}'s assertion had no jti`);
        evidence.push(request);
      } else {
        const again = earlier.find((e) => e.credentials?.assertion?.jti === assertion.jti);
        if (again) {
          problems.push(`#${request.seq} used the jti of #${again.seq} again`);
          evidence.push(again, request);
        }
      }
    }
  }
  if (problems.length === 0 && history.length < 2) {
    return notExercised(`${history.length === 0 ? 'No JWT bearer token request was made' : 'Only one JWT bearer token request was made'}, so freshness was not put to the test.`, requests);
  }
  return {
    verdict: problems.length === 0 ? 'pass' : 'fail',
    explanation:
      problems.length === 0
        ? `${plural(requests.length, 'token request')} each presented a new, unexpired assertion${jti ? ' with a jti of its own' : ''}.`
        : `${problems.join('; ')}. Sign a new assertion for every token request: iat now, a short exp${jti ? ', a new jti' : ''} (RFC 7523 §3).`,
    evidence: inOrder(evidence.length > 0 ? evidence : requests.slice(-4)),
  };
}
