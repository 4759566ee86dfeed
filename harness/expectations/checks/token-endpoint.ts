import type { JournalEntry } from '../../../server/journal/types.ts';
import type { ResolvedBounds } from '../../scenario/bounds.ts';
import { batchesOf, clientClock, unitClock } from '../follow.ts';
import { inOrder, isToken, notExercised, plural, secs, type Check, type JudgeInput } from '../judge-input.ts';

/**
 * RFC 9110 §10.2.3, RFC 6585 §4: after a 429 with Retry-After, no token request before that time
 * has passed, judged on the client's clock from when the 429 was sent and the Retry-After it
 * carried (the server also refuses an early request again, and journals it as a violation). Put
 * to the test when the client had work while the window was open.
 */
export function retryAfterRespected(_params: Record<string, never>, input: JudgeInput): Check {
  const at = clientClock(input);
  const limited = input.entries.filter((e) => e.status === 429 && e.retryAfter !== undefined);
  if (limited.length === 0) {
    return notExercised(
      input.entries.some((e) => e.status === 429) ? 'The 429 answers carried no Retry-After, so there was no wait to respect.' : 'No request was answered 429 with Retry-After, so there was no wait to respect.',
      input.entries.filter(isToken),
    );
  }
  const windows = limited.map((e) => ({ entry: e, from: at(e, 'end'), to: at(e, 'end') + (e.retryAfter as number) }));
  const early: { request: JournalEntry; window: (typeof windows)[number] }[] = [];
  for (const request of input.entries.filter(isToken)) {
    const window = windows.find((w) => request.seq > w.entry.seq && at(request) >= w.from && at(request) < w.to);
    if (window) early.push({ request, window });
  }
  const units = input.units.map((unit) => unitClock(input, unit));
  const busy = (from: number, to: number) =>
    units.length > 0 && units.every((u) => u !== undefined) ? units.some((u) => (u?.reportedAt ?? 0) > from && (u?.handedAt ?? 0) < to) : input.entries.some((e) => e.seq > (limited[0] as JournalEntry).seq);
  const first = limited[0] as JournalEntry;
  if (early.length === 0 && !windows.some((w) => busy(w.from, w.to))) {
    return notExercised(`After the 429 (#${first.seq}, Retry-After ${secs(first.retryAfter ?? 0)}) the client was given no work while the wait was on, so it had no chance to ask too early.`, limited);
  }
  return {
    verdict: early.length === 0 ? 'pass' : 'fail',
    explanation:
      early.length === 0
        ? `After ${plural(limited.filter((e) => !e.violation).length, '429')} the client had work to do during the Retry-After wait and asked again only once it had passed.`
        : `${plural(early.length, 'token request')} came before Retry-After had passed (${early
            .slice(0, 3)
            .map(({ request, window }) => `#${request.seq} ${secs(window.to - at(request))} early`)
            .join('; ')}). RFC 9110 §10.2.3 and RFC 6585 §4: wait at least that long before asking again, for every unit of work, not only the one that got the 429.`,
    evidence: early.length > 0 ? inOrder([first, ...early.map((e) => e.request)]) : limited,
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
  // Spacing is judged on units handed over alone: concurrent units' first attempts are not retries.
  for (const group of groups.filter((g) => g.units === 1 || g.label === 'all')) {
    for (let i = 1; i < group.requests.length; i += 1) {
      const previous = group.requests[i - 1] as JournalEntry;
      const current = group.requests[i] as JournalEntry;
      if (failedTransiently(previous) && at(current) - at(previous, 'end') < spacing) tight.push(current);
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
  // Still held when the run ended (reset then); a hold released by removing the rule was answered.
  const kept = held.filter((e) => e.transport === 'reset');
  const slow = input.units.filter((u) => u.elapsedMs > limit * 1000);
  // A hold released by removing the rule was answered: a unit may then succeed.
  const reportedOk = held.every((e) => e.transport !== undefined) ? input.units.filter((u) => u.ok) : [];
  let explanation = `The client gave up on the hanging endpoint (${plural(held.length, 'request')} abandoned) and reported the failure within ${secs(limit)}.`;
  if (kept.length > 0) explanation = `The client never gave up on ${plural(kept.length, 'hanging request')} (still open when the run ended): it needs a request timeout shorter than ${secs(limit)}.`;
  else if (slow.length > 0) explanation = `${plural(slow.length, 'unit')} took longer than ${secs(limit)} to report (${slow.map((u) => `unit ${u.id}: ${secs(u.elapsedMs / 1000)}`).join(', ')}): the timeout or the number of attempts is too large.`;
  else if (reportedOk.length > 0) explanation = `${plural(reportedOk.length, 'unit')} reported ok although the token endpoint never answered: the failure must be surfaced.`;
  return { verdict: kept.length === 0 && slow.length === 0 && reportedOk.length === 0 ? 'pass' : 'fail', explanation, evidence: held, bounds: [...used] };
}
