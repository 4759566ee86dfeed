import type { JournalEntry } from '../../../server/journal/types.ts';
import { batchesOf, hasWindow, tokenRequestsOf, trailsOf } from '../follow.ts';
import { inOrder, isApi, isInvalidToken, isToken, notExercised, plural, type Check, type JudgeInput } from '../judge-input.ts';

/**
 * RFC 6750 §3.1, followed unit by unit: after a call refused with invalid_token the unit gets
 * another token and replays the call exactly once; a refused replay is a hard failure, not
 * replayed again. A unit whose new token the token endpoint refused owes no replay.
 */
export function replayOnceAfterInvalidToken({ mayGiveUp = false }: { mayGiveUp?: boolean }, input: JudgeInput): Check {
  const problems: string[] = [];
  const evidence: JournalEntry[] = [];
  let refusedUnits = 0;
  let replayed = 0;
  // Concurrent units share the client's new token: any of their token requests may be the one.
  const batches = batchesOf(input);
  for (const { unit, calls } of trailsOf(input)) {
    const refusals = calls.filter(isInvalidToken);
    const first = refusals[0];
    if (!first) continue;
    refusedUnits += 1;
    evidence.push(...calls);
    const label = `unit ${unit.id}`;
    let replays = 0;
    for (const refusal of refusals) {
      const next = calls[calls.indexOf(refusal) + 1];
      if (!next) continue;
      if (next.presented?.jti !== undefined && next.presented.jti === refusal.presented?.jti) {
        problems.push(`${label} called again (#${next.seq}) with the token the API had just refused (#${refusal.seq}) instead of getting a new one`);
      } else {
        replays += 1;
      }
    }
    replayed += replays > 0 ? 1 : 0;
    if (replays > 1) problems.push(`${label} replayed ${replays} times (#${calls.filter((c) => c.seq > first.seq).map((c) => c.seq).join(', #')}): a refused replay is a hard failure, to be reported, not replayed again`);
    if (calls.at(-1) === first) {
      const batch = batches?.find((b) => b.units.includes(unit));
      const asked = (batch ? batch.tokenRequests : input.entries.filter(isToken)).filter((e) => e.seq > first.seq);
      evidence.push(...asked);
      const refusedToken = asked.length > 0 && asked.every((request) => !request.issued || request.transport !== undefined);
      if (!refusedToken && !mayGiveUp) {
        problems.push(`${label} was refused (#${first.seq}) and never replayed${asked.length > 0 ? ' although a new token was issued' : ': no new token, no second attempt'}; the work was dropped instead of retried once with a new token`);
      }
    }
  }
  if (refusedUnits === 0) {
    return notExercised('No API call was refused with invalid_token, so there was nothing to recover from: the rule was not put to the test.', input.entries.filter(isApi));
  }
  return {
    verdict: problems.length === 0 ? 'pass' : 'fail',
    explanation:
      problems.length === 0
        ? `${plural(refusedUnits, 'unit')} refused with invalid_token; ${mayGiveUp ? `${replayed} replayed once with a new token and the rest gave up: none looped` : 'each got a new token and replayed exactly once'}.`
        : `${problems.join('; ')}. RFC 6750 §3.1: on invalid_token, drop the token, get a new one and replay once; a second refusal is a hard failure.`,
    evidence: inOrder(evidence),
  };
}

/**
 * A 403 insufficient_scope is surfaced: the unit neither fetches a new token for it (one with the
 * same scope cannot help) nor replays the call (RFC 6750 §3.1).
 */
export function noRefreshAfterInsufficientScope(_params: Record<string, never>, input: JudgeInput): Check {
  const problems: string[] = [];
  const evidence: JournalEntry[] = [];
  let refused = 0;
  for (const { unit, calls } of trailsOf(input)) {
    const first = calls.find((c) => isApi(c) && c.status === 403 && c.error === 'insufficient_scope');
    if (!first) continue;
    refused += 1;
    evidence.push(first);
    const replays = calls.filter((c) => c.seq > first.seq);
    const tokens = hasWindow(unit) ? tokenRequestsOf(unit, input, first) : [];
    evidence.push(...replays, ...tokens);
    if (replays.length > 0 || tokens.length > 0) {
      problems.push(`unit ${unit.id} answered the 403 (#${first.seq}) with ${plural(tokens.length, 'token request')} and ${plural(replays.length, 'more API call')}`);
    }
  }
  if (refused === 0) return notExercised('No API call was refused with insufficient_scope, so there was no refusal to surface.', input.entries.filter(isApi));
  return {
    verdict: problems.length === 0 ? 'pass' : 'fail',
    explanation:
      problems.length === 0
        ? `Each of the ${plural(refused, '403 insufficient_scope')} was surfaced without a new token or a replay.`
        : `${problems.join('; ')}: a new token has the same scope, so refreshing and replaying cannot help (RFC 6750 §3.1); surface the error, or ask for the scope named in the challenge.`,
    evidence: inOrder(evidence),
  };
}

/** IDCS refresh tokens are single-use: after invalid_grant on a refresh, the next token request uses the base grant. */
export function fallsBackAfterInvalidGrant(_params: Record<string, never>, input: JudgeInput): Check {
  const refused = input.entries.filter((e) => isToken(e) && e.grantType === 'refresh_token' && e.error === 'invalid_grant');
  if (refused.length === 0) {
    const refreshed = input.entries.some((e) => isToken(e) && e.grantType === 'refresh_token');
    return notExercised(
      refreshed ? 'No refresh was refused with invalid_grant, so there was nothing to fall back from.' : 'The client never presented a refresh token, so it could not meet a consumed one.',
      input.entries.filter(isToken),
    );
  }
  const problems: string[] = [];
  const evidence: JournalEntry[] = [];
  for (const refusal of refused) {
    evidence.push(refusal);
    const next = input.entries.find((e) => isToken(e) && e.seq > refusal.seq);
    if (!next) problems.push(`after #${refusal.seq} the client never asked for a token again`);
    else {
      evidence.push(next);
      if (next.grantType === 'refresh_token') problems.push(`after #${refusal.seq} the client tried a refresh token again (#${next.seq}) instead of falling back to its base grant`);
    }
  }
  return {
    verdict: problems.length === 0 ? 'pass' : 'fail',
    explanation:
      problems.length === 0
        ? 'After the refused refresh the client dropped its refresh token and used its base grant.'
        : `${problems.join('; ')}. IDCS refresh tokens are single-use: on invalid_grant, drop the refresh token and fall back to the base grant once.`,
    evidence,
  };
}
