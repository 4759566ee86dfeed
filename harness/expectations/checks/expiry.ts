import type { JournalEntry } from '../../../server/journal/types.ts';
import type { ResolvedBounds } from '../../scenario/bounds.ts';
import { clientClock, clientInstant, everything, firstRefusals, sentAfter, toldBefore, toldLifetimes, unitClock } from '../follow.ts';
import { inOrder, isApi, notExercised, plural, secs, type Check, type JudgeInput } from '../judge-input.ts';

/**
 * Refresh before expiry, judged on what the client was told: a call is late when it reaches the
 * API after the token response was sent plus its expires_in (less `margin`), by more than the
 * expiryLatency bound. The token's whole-second `exp` never decides it.
 */
export function noExpiredTokenUse({ margin = 0 }: { margin?: number }, input: JudgeInput, bounds: ResolvedBounds): Check {
  const at = clientClock(input);
  const told = toldLifetimes(input);
  const calls = input.entries.filter(isApi);
  const late: { call: JournalEntry; by: number; issued: JournalEntry }[] = [];
  for (const call of calls) {
    const lifetime = toldBefore(told, call.presented?.jti, call);
    if (lifetime?.expiresAt === undefined) continue;
    const by = at(call) - (lifetime.expiresAt - margin);
    if (by > bounds.expiryLatency) late.push({ call, by, issued: lifetime.entry });
  }
  const deadlines = [...told.values()].flat().map((t) => t.expiresAt).filter((t): t is number => t !== undefined);
  const firstDeadline = Math.min(...deadlines);
  const exercised = late.length > 0 || calls.some((call) => at(call) > firstDeadline - margin);
  if (!exercised) {
    return {
      ...notExercised(
        deadlines.length === 0
          ? 'No token response the client received said how long its token lives (expires_in), so there is no expiry it could have missed.'
          : `No API call came after the first token's told expiry (${secs(firstDeadline - input.origin)} into the scenario), so the client never needed to refresh.`,
        calls,
      ),
      bounds: ['expiryLatency'],
    };
  }
  return {
    verdict: late.length === 0 ? 'pass' : 'fail',
    explanation:
      late.length === 0
        ? 'No API call presented a token after the expiry the client was told (response sent + expires_in): it refreshed in time.'
        : `${plural(late.length, 'API call')} presented a token after the expiry the client was told (${late
            .slice(0, 3)
            .map(({ call, by, issued }) => `#${call.seq} ${secs(by)} after token #${issued.seq} expired`)
            .join('; ')}): take expires_in from the token response, count it from when the response arrived, and refresh a little early.`,
    evidence: late.length > 0 ? inOrder(late.flatMap(({ call, issued }) => [issued, call])) : calls,
    bounds: ['expiryLatency'],
  };
}

/**
 * A token the API refused (invalid_token) is not presented again: the client drops it, instead of
 * staying stuck on a dead token (the harm of caching a token with no stated lifetime forever).
 * Put to the test when work followed a token's death: the API refusing it, or its `exp` plus the
 * API's leeway passing.
 */
export function noReuseOfRefusedToken(_params: Record<string, never>, input: JudgeInput): Check {
  const refusals = firstRefusals(input);
  const calls = input.entries.filter(isApi);
  const again: { call: JournalEntry; refusal: JournalEntry }[] = [];
  for (const call of calls) {
    const refusal = call.presented?.jti ? refusals.get(call.presented.jti) : undefined;
    // A call sent before the refusal was answered could not know of it (concurrent units).
    if (refusal && sentAfter(input, call, refusal)) again.push({ call, refusal });
  }
  const deaths = [...refusals.values()].map((refusal) => ({ at: clientClock(input)(refusal, 'end'), seq: refusal.seq }));
  for (const entry of everything(input)) {
    if (entry.issued?.exp !== undefined && entry.transport === undefined) {
      deaths.push({ at: clientInstant(input, entry.issued.exp + (input.apiLeeway ?? 0), entry.seq), seq: entry.seq });
    }
  }
  const at = clientClock(input);
  const workAfter = deaths.some((death) =>
    calls.some((call) => call.seq > death.seq && at(call) > death.at) || input.units.some((unit) => (unitClock(input, unit)?.handedAt ?? Number.NEGATIVE_INFINITY) > death.at),
  );
  if (!workAfter && again.length === 0) {
    return notExercised('No work followed the death of a token (the API refusing it, or its expiry and the API\'s leeway passing), so the client had no chance to keep using a dead one.', calls);
  }
  const refusedHere = [...refusals.values()].filter((refusal) => input.entries.includes(refusal));
  return {
    verdict: again.length === 0 ? 'pass' : 'fail',
    explanation:
      again.length === 0
        ? refusedHere.length === 0
          ? 'Work went on past the token\'s death and the client never presented a dead token: it replaced it in time.'
          : `After the API refused ${plural(refusedHere.length, 'token')}, the client never presented ${refusedHere.length === 1 ? 'it' : 'them'} again.`
        : `${plural(again.length, 'API call')} presented a token the API had already refused (${again
            .slice(0, 3)
            .map(({ call, refusal }) => `#${call.seq} after #${refusal.seq}`)
            .join('; ')}): a token without a stated lifetime must not be cached forever; drop it when the API says it is invalid and get a new one.`,
    evidence: again.length > 0 ? inOrder(again.flatMap(({ call, refusal }) => [refusal, call])) : refusedHere,
  };
}
