import type { JournalEntry } from '../../../server/journal/types.ts';
import type { ResolvedBounds } from '../../scenario/bounds.ts';
import { batchesOf, clientClock, hasWindow } from '../follow.ts';
import { inOrder, isToken, notExercised, plural, secs, type Check, type JudgeInput } from '../judge-input.ts';

/**
 * RFC 9110 §10.2.3, RFC 6585 §4: after a 429 with Retry-After, no request before that time has
 * passed. The server polices it (an early request is refused again and journaled as a
 * violation); the rule was put to the test when the client had work while the window was open.
 */
export function retryAfterRespected(_params: Record<string, never>, input: JudgeInput): Check {
  const at = clientClock(input);
  const told = input.entries.filter((e) => e.status === 429 && e.retryAfter !== undefined && !e.violation);
  const violations = input.entries.filter((e) => e.violation?.kind === 'retry_after');
  if (told.length === 0) {
    return notExercised(
      input.entries.some((e) => e.status === 429) ? 'The 429 answers carried no Retry-After, so there was no wait to respect.' : 'No request was answered 429 with Retry-After, so there was no wait to respect.',
      input.entries.filter(isToken),
    );
  }
  const windows = told.map((e) => ({ entry: e, from: at(e.endTime ?? e.time), to: at(e.endTime ?? e.time) + (e.retryAfter as number) }));
  const busy = (from: number, to: number) =>
    input.units.length > 0 && input.units.every(hasWindow)
      ? input.units.some((u) => at(u.reportedAt as number) > from && at(u.handedAt as number) < to)
      : input.entries.some((e) => e.seq > (told[0] as JournalEntry).seq);
  if (violations.length === 0 && !windows.some((w) => busy(w.from, w.to))) {
    return notExercised(
      `After the 429 (#${told[0]?.seq}, Retry-After ${secs(told[0]?.retryAfter ?? 0)}) the client was given no work while the wait was on, so it had no chance to ask too early.`,
      told,
    );
  }
  return {
    verdict: violations.length === 0 ? 'pass' : 'fail',
    explanation:
      violations.length === 0
        ? `After ${plural(told.length, '429')} the client had work to do during the Retry-After wait and asked again only once it had passed.`
        : `${plural(violations.length, 'request')} came before Retry-After had passed (${violations
            .slice(0, 3)
            .map((v) => `#${v.seq} ${secs(v.violation?.earlyBySeconds ?? 0)} early`)
            .join('; ')}). RFC 9110 §10.2.3 and RFC 6585 §4: wait at least that long before asking again, for every unit of work, not only the one that got the 429.`,
    evidence: violations.length > 0 ? inOrder([...told.slice(0, 1), ...violations]) : told,
  };
}

const failedTransiently = (e: JournalEntry) => e.status >= 500 || e.status === 0;

/**
 * While the token endpoint fails transiently, a client that retries spaces its attempts and caps
 * them (per unit of work, retries after the unit reported included).
 */
export function backoff({ maxAttempts, minSpacingMs }: { maxAttempts?: number; minSpacingMs?: number }, input: JudgeInput, bounds: ResolvedBounds): Check {
  const at = clientClock(input);
  const cap = maxAttempts ?? bounds.retryAttempts;
  const spacing = minSpacingMs === undefined ? bounds.retrySpacing : minSpacingMs / 1000;
  const used = [...(maxAttempts === undefined ? (['retryAttempts'] as const) : []), ...(minSpacingMs === undefined ? (['retrySpacing'] as const) : [])];
  const requests = input.entries.filter(isToken);
  if (!requests.some(failedTransiently)) return notExercised('No token request failed with a 5xx or a dropped connection, so there was nothing to back off from.', requests);
  const problems: string[] = [];
  const groups = batchesOf(input)?.map((batch) => ({ units: batch.units.length, label: batch.units.map((u) => u.id).join(', '), requests: batch.tokenRequests })) ?? [
    { units: Math.max(1, input.units.filter((u) => !u.ok).length || input.units.length), label: 'all', requests },
  ];
  const capped = groups.filter((group) => group.requests.length > cap * group.units);
  for (const group of capped) problems.push(`${plural(group.requests.length, 'token request')} for unit${group.units > 1 || group.label === 'all' ? 's' : ''} ${group.label}: more than the cap of ${cap} each`);
  const tight: JournalEntry[] = [];
  for (const group of groups) {
    for (let i = 1; i < group.requests.length; i += 1) {
      const previous = group.requests[i - 1] as JournalEntry;
      const current = group.requests[i] as JournalEntry;
      if (failedTransiently(previous) && at(current.time) - at(previous.endTime ?? previous.time) < spacing) tight.push(current);
    }
  }
  if (tight.length > 0) problems.push(`${plural(tight.length, 'retry')} came less than ${secs(spacing)} after a failure`);
  return {
    verdict: problems.length === 0 ? 'pass' : 'fail',
    explanation:
      problems.length === 0
        ? `${plural(requests.length, 'token request')} in all, at most ${cap} per unit and spaced: the client backs off, or does not retry at all.`
        : `${problems.join('; ')}. A client that retries a failing token endpoint backs off exponentially with jitter and gives up after a few attempts.`,
    evidence: tight.length > 0 ? tight : capped.length > 0 ? capped.flatMap((g) => g.requests) : requests,
    bounds: used,
  };
}

/** A client with a request timeout gives up on a token endpoint that never answers, and reports the failure, within the bound. */
export function abandonedWithin({ seconds }: { seconds?: number }, input: JudgeInput, bounds: ResolvedBounds): Check {
  const limit = seconds ?? bounds.giveUpWithin;
  if (limit === undefined) {
    return {
      verdict: 'not-applicable',
      explanation: 'The client declares no request timeout, so there is no bound to give up within (declare requestTimeout, or give abandonedWithin.seconds).',
    };
  }
  const used = seconds === undefined ? (['giveUpWithin'] as const) : [];
  const held = input.entries.filter((e) => e.faults?.some((f) => f.action === 'hang'));
  if (held.length === 0) return { ...notExercised('No request was held by a hang fault (the client asked for no token while it was on), so there was nothing to give up on.', input.entries.filter(isToken)), bounds: [...used] };
  const kept = held.filter((e) => e.transport !== 'abandoned');
  const slow = input.units.filter((u) => u.elapsedMs > limit * 1000);
  const reportedOk = input.units.filter((u) => u.ok);
  let explanation = `The client gave up on the hanging endpoint (${plural(held.length, 'request')} abandoned) and reported the failure within ${secs(limit)}.`;
  if (kept.length > 0) explanation = `The client never gave up on ${plural(kept.length, 'hanging request')} (still open when the run ended): it needs a request timeout shorter than ${secs(limit)}.`;
  else if (slow.length > 0) explanation = `${plural(slow.length, 'unit')} took longer than ${secs(limit)} to report (${slow.map((u) => `unit ${u.id}: ${secs(u.elapsedMs / 1000)}`).join(', ')}): the timeout or the number of attempts is too large.`;
  else if (reportedOk.length > 0) explanation = `${plural(reportedOk.length, 'unit')} reported ok although the token endpoint never answered: the failure must be surfaced.`;
  return { verdict: kept.length === 0 && slow.length === 0 && reportedOk.length === 0 ? 'pass' : 'fail', explanation, evidence: held, bounds: [...used] };
}
