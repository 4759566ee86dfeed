import type { JournalEntry } from '../../../server/journal/types.ts';
import type { ResolvedBounds } from '../../scenario/bounds.ts';
import { batchesOf, clientClock, firstRefusals, toldLifetimes, type Batch } from '../follow.ts';
import { inOrder, isApi, isToken, notExercised, plural, secs, type Check, type JudgeInput } from '../judge-input.ts';

type CountBounds = { exactly?: number; min?: number; max?: number };

function within(value: number, bounds: CountBounds): boolean {
  if (bounds.exactly !== undefined && value !== bounds.exactly) return false;
  if (bounds.min !== undefined && value < bounds.min) return false;
  if (bounds.max !== undefined && value > bounds.max) return false;
  return true;
}

function describeCount(bounds: CountBounds): string {
  if (bounds.exactly !== undefined) return `exactly ${bounds.exactly}`;
  if (bounds.min !== undefined && bounds.max !== undefined) return `between ${bounds.min} and ${bounds.max}`;
  return bounds.min !== undefined ? `at least ${bounds.min}` : `at most ${bounds.max}`;
}

/** Counts the requests `counted` picks against `bounds`; a journal with no work at all says nothing about the client. */
function count(bounds: CountBounds, input: JudgeInput, counted: (e: JournalEntry) => boolean, word: string): Check {
  if (input.units.length === 0 && input.entries.length === 0) {
    return notExercised('No unit of work was handed to the client and no request reached the server, so there is nothing to count.');
  }
  const requests = input.entries.filter(counted);
  return {
    verdict: within(requests.length, bounds) ? 'pass' : 'fail',
    explanation: `The client made ${plural(requests.length, word)} for ${plural(input.units.length, 'unit')} of work; expected ${describeCount(bounds)}.`,
    evidence: requests,
  };
}

export const tokenRequests = (bounds: CountBounds, input: JudgeInput): Check => count(bounds, input, isToken, 'token request');
export const apiCalls = (bounds: CountBounds, input: JudgeInput): Check => count(bounds, input, isApi, 'API call');

/** A refusal asking again cannot change: a 4xx other than 429 (invalid_client, invalid_scope, a 404, a gateway's 403...). */
const isPermanentRefusal = (e: JournalEntry) => isToken(e) && e.status >= 400 && e.status < 500 && e.status !== 429;

const describeBatch = (batch: Batch) =>
  `${batch.units.length === 1 ? `unit ${batch.units[0]?.id}` : `units ${batch.units.map((u) => u.id).join(', ')}`}: ${plural(batch.tokenRequests.length, 'token request')}`;

/**
 * At most `max` token requests per unit of work (retries after the unit reported included),
 * followed unit by unit: a storm of token requests, whatever the answers.
 */
export function tokenRequestsPerUnit({ max }: { max?: number }, input: JudgeInput, bounds: ResolvedBounds): Check {
  const limit = max ?? bounds.failFastAttempts;
  const requests = input.entries.filter(isToken);
  if (requests.length === 0) {
    return notExercised(`The client made no token request${input.units.length === 0 ? ' and was given no work' : ''}, so it had no chance to ask too often.`);
  }
  const used = max === undefined ? (['failFastAttempts'] as const) : [];
  const batches = batchesOf(input);
  if (!batches) {
    const per = input.units.length === 0 ? requests.length : requests.length / input.units.length;
    return {
      verdict: per <= limit ? 'pass' : 'fail',
      explanation: `${plural(requests.length, 'token request')} for ${plural(input.units.length, 'unit')} (${per.toFixed(2)} per unit); expected at most ${limit} per unit.`,
      evidence: requests,
      bounds: [...used],
    };
  }
  const over = batches.filter((batch) => batch.tokenRequests.length > limit * batch.units.length);
  return {
    verdict: over.length === 0 ? 'pass' : 'fail',
    explanation:
      over.length === 0
        ? `Every unit made at most ${plural(limit, 'token request')} (${plural(requests.length, 'request')} for ${plural(input.units.length, 'unit')}).`
        : `${over.map(describeBatch).join('; ')}: more than ${limit} per unit, a storm of token requests.`,
    evidence: over.length > 0 ? over.flatMap((batch) => batch.tokenRequests) : requests,
    bounds: [...used],
  };
}

/**
 * Fail fast, followed unit by unit: a unit whose token request was refused with an error that
 * asking again cannot change makes at most the failFastAttempts bound of token requests (retries
 * after it reported included). Units that got no such refusal are not judged.
 */
export function failsFast(_params: Record<string, never>, input: JudgeInput, bounds: ResolvedBounds): Check {
  const limit = bounds.failFastAttempts;
  const refusals = input.entries.filter(isPermanentRefusal);
  if (refusals.length === 0) {
    return {
      ...notExercised(
        input.entries.some(isToken)
          ? 'No token request was refused with a permanent error (the client still held a token, or asked before the refusals began), so it had no chance to ask again.'
          : 'The client made no token request, so it met no permanent error to fail fast on.',
        input.entries.filter(isToken),
      ),
      bounds: ['failFastAttempts'],
    };
  }
  const first = refusals[0] as JournalEntry;
  const error = `${first.status}${first.error ? ` ${first.error}` : ''}`;
  const batches = (batchesOf(input) ?? [{ units: input.units.length > 0 ? input.units : [{ id: 1, ok: false, elapsedMs: 0 }], tokenRequests: input.entries.filter(isToken) }]).filter((batch) =>
    batch.tokenRequests.some(isPermanentRefusal),
  );
  const over = batches.filter((batch) => batch.tokenRequests.length > limit * batch.units.length);
  return {
    verdict: over.length === 0 ? 'pass' : 'fail',
    explanation:
      over.length === 0
        ? `The token endpoint answered ${error}; every unit it refused made at most ${plural(limit, 'token request')} and surfaced the error.`
        : `${over.map(describeBatch).join('; ')}: more than ${limit} per unit after the token endpoint answered ${error}, which asking again with the same request cannot change. Surface the error instead.`,
    evidence: over.length > 0 ? over.flatMap((batch) => batch.tokenRequests) : refusals,
    bounds: ['failFastAttempts'],
  };
}

/**
 * Single flight, batch by batch: the units of a concurrent step that needed a token share one
 * token request. A batch that fetched none (its cached token was still good) did not put it to
 * the test.
 */
export function singleFlight(_params: Record<string, never>, input: JudgeInput): Check {
  const batches = (batchesOf(input) ?? [{ units: input.units, tokenRequests: input.entries.filter(isToken) }]).filter((batch) => batch.units.length > 1);
  if (batches.length === 0) return notExercised('No units of work were handed over together, so there was nothing to share a token request.');
  const asked = batches.filter((batch) => batch.tokenRequests.length > 0);
  if (asked.length === 0) {
    return notExercised(`The ${plural(batches[0]?.units.length ?? 0, 'concurrent unit')} made no token request (the client still held a token it took as good), so there was no token request to share.`, input.entries.filter(isToken));
  }
  const storms = asked.filter((batch) => batch.tokenRequests.length > 1);
  const label = (batch: (typeof batches)[number]) => `units ${batch.units.map((u) => u.id).join(', ')}`;
  return {
    verdict: storms.length === 0 ? 'pass' : 'fail',
    explanation:
      storms.length === 0
        ? `${asked.map((batch) => `${batch.units.length} concurrent units`).join(' and ')} shared one token request.`
        : `${storms.map((batch) => `${label(batch)}: ${plural(batch.tokenRequests.length, 'token request')}`).join('; ')}: concurrent calls that need a token must share one token request (single flight), or the token endpoint sees a storm at every expiry.`,
    evidence: storms.length > 0 ? storms.flatMap((batch) => batch.tokenRequests) : asked.flatMap((batch) => batch.tokenRequests),
  };
}

/**
 * Reuse, followed: no token request while the client holds a token that is still good outside
 * the largest sound refresh margin (the token it was issued last, that the API did not refuse,
 * whose told expiry less the margin is still ahead). A reissued token counts issuance by issuance.
 */
export function reusesToken(_params: Record<string, never>, input: JudgeInput, bounds: ResolvedBounds): Check {
  const at = clientClock(input);
  const issuances = [...toldLifetimes(input).values()].flat().sort((a, b) => a.entry.seq - b.entry.seq);
  const requests = input.entries.filter(isToken);
  const refusals = firstRefusals(input);
  if (issuances.length === 0) return notExercised('The client was issued no token, so it had none to reuse.', requests);
  const longLived = issuances.filter((t) => t.expiresIn !== undefined && t.expiresIn > bounds.refreshMargin);
  if (longLived.length === 0) {
    return {
      ...notExercised(
        `Every token the client was told about lived ${[...new Set(issuances.map((t) => (t.expiresIn === undefined ? 'an unstated time' : secs(t.expiresIn))))].join(', ')}, not longer than the refresh margin a sound client may use, so fetching again was never wrong.`,
        requests,
      ),
      bounds: ['refreshMargin'],
    };
  }
  const needless: { request: JournalEntry; held: JournalEntry; left: number }[] = [];
  for (const request of requests) {
    const held = issuances.findLast((t) => t.entry.seq < request.seq);
    if (held?.expiresAt === undefined || !held.entry.issued) continue;
    const refusal = refusals.get(held.entry.issued.jti);
    if (refusal && refusal.seq < request.seq) continue;
    const left = held.expiresAt - at(request);
    if (left > bounds.refreshMargin) needless.push({ request, held: held.entry, left });
  }
  // Work after the first long-lived token: a later token request, or a unit handed over once it was journaled.
  const first = longLived[0]?.entry.seq ?? Number.POSITIVE_INFINITY;
  const later = requests.some((r) => r.seq > first) || input.units.some((unit) => unit.handedSeq === undefined || unit.handedSeq >= first);
  if (needless.length === 0 && !later) {
    return { ...notExercised('No work followed the first long-lived token, so the client had no chance to fetch another needlessly.', requests), bounds: ['refreshMargin'] };
  }
  return {
    verdict: needless.length === 0 ? 'pass' : 'fail',
    explanation:
      needless.length === 0
        ? `The client reused its token: ${plural(requests.length, 'token request')} in all, none while it held a token good for longer than the refresh margin.`
        : `${plural(needless.length, 'token request')} while the client held a token that was still good: ${needless
            .slice(0, 3)
            .map(({ request, held, left }) => `#${request.seq} while token ${held.issued?.jti.slice(0, 8)} (#${held.seq}) had ${secs(left)} left`)
            .join('; ')}. Cache the token and reuse it until shortly before its expires_in runs out.`,
    evidence: needless.length > 0 ? inOrder(needless.flatMap(({ request, held }) => [held, request])) : requests,
    bounds: ['refreshMargin'],
  };
}
