import type { JournalEntry } from '../../server/journal/types.ts';
import type { ClientExit, WorkResult } from '../drivers/driver.ts';
import type { Expectation, ExpectationKind, Level } from '../scenario/schema.ts';
import { EXPECTATION_KINDS } from '../scenario/schema.ts';
import { quote, short } from './evidence.ts';

/** What expectations are judged on. */
export interface JudgeInput {
  /** Journal entries of the scenario (or of the segment since the last checkpoint). */
  entries: JournalEntry[];
  /** Virtual time the scenario started, for relative times in quotes. */
  origin: number;
  /** The client's reports for the units of this segment. */
  units: WorkResult[];
  exit?: ClientExit;
}

/** The verdict on one expectation of a scenario, with the explanation and journal lines a reader needs to see why. */
export interface ExpectationResult {
  /** What the expectation checks, e.g. "Retry-After respected". */
  name: string;
  /** The contract rule it belongs to, e.g. "reuse". */
  rule: string;
  /** `must`: a failure fails the scenario; `should`: reported only. */
  level: Level;
  verdict: 'pass' | 'fail';
  /** One or two sentences a newcomer understands. */
  explanation: string;
  /** Journal lines that decided it. */
  evidence: string[];
}

interface Check {
  pass: boolean;
  explanation: string;
  evidence?: JournalEntry[];
  /**
   * False when the journal holds nothing the rule is about (no 429 to respect, no invalid_token
   * to recover from): the scenario's verdict stands as before, but a caller asking "did the
   * client follow this rule?" learns that nothing tried it. Default: true.
   */
  exercised?: boolean;
}

type Judge<K extends ExpectationKind> = (params: NonNullable<Expectation[K]>, input: JudgeInput) => Check;

const token = (e: JournalEntry) => e.endpoint === 'token';
const api = (e: JournalEntry) => e.endpoint === 'api';

function within(value: number, bounds: { exactly?: number; min?: number; max?: number }): boolean {
  if (bounds.exactly !== undefined && value !== bounds.exactly) return false;
  if (bounds.min !== undefined && value < bounds.min) return false;
  if (bounds.max !== undefined && value > bounds.max) return false;
  return true;
}

function describeBounds(bounds: { exactly?: number; min?: number; max?: number }): string {
  if (bounds.exactly !== undefined) return `exactly ${bounds.exactly}`;
  if (bounds.min !== undefined && bounds.max !== undefined) return `between ${bounds.min} and ${bounds.max}`;
  return bounds.min !== undefined ? `at least ${bounds.min}` : `at most ${bounds.max}`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

const JUDGES: { [K in ExpectationKind]: Judge<K> } = {
  tokenRequests(bounds, { entries, units }) {
    const requests = entries.filter(token);
    const pass = within(requests.length, bounds);
    return {
      pass,
      explanation: `The client made ${plural(requests.length, 'token request')} for ${plural(units.length, 'unit')} of work; expected ${describeBounds(bounds)}.`,
      evidence: requests,
    };
  },
  apiCalls(bounds, { entries, units }) {
    const calls = entries.filter(api);
    return {
      pass: within(calls.length, bounds),
      explanation: `The client made ${plural(calls.length, 'API call')} for ${plural(units.length, 'unit')} of work; expected ${describeBounds(bounds)}.`,
      evidence: calls,
    };
  },
  tokenRequestsPerUnit({ max }, { entries, units }) {
    const requests = entries.filter(token);
    const per = units.length === 0 ? requests.length : requests.length / units.length;
    return {
      pass: per <= max,
      explanation: `${plural(requests.length, 'token request')} for ${plural(units.length, 'unit')} (${per.toFixed(2)} per unit); a client that fails fast asks at most ${max} per unit.`,
      evidence: requests,
    };
  },
  noExpiredTokenUse({ margin = 0 }, { entries }) {
    const late = entries.filter((e) => api(e) && e.presented?.exp !== undefined && e.time >= e.presented.exp - margin);
    return {
      pass: late.length === 0,
      explanation:
        late.length === 0
          ? 'No API call presented a token past its expiry: the client refreshed in time.'
          : `${plural(late.length, 'API call')} presented a token at or after its exp: the client did not refresh before expiry (it should use expires_in from the token response and refresh a little early).`,
      evidence: late,
    };
  },
  replayOnceAfterInvalidToken(_params, { entries, units }) {
    const rejected = entries.filter((e) => api(e) && e.error === 'invalid_token');
    const calls = entries.filter(api);
    if (rejected.length === 0) {
      // A client that never presented a stale token had nothing to recover from.
      return { pass: true, exercised: false, explanation: 'No API call was refused with invalid_token (the client never presented a token the API had stopped accepting), so no replay was needed.', evidence: calls };
    }
    // A refusal of a token fetched after an earlier refusal is the refusal of a replay: RFC 6750
    // makes that a hard failure, to be surfaced, not replayed again.
    const issuedAt = new Map(entries.filter((e) => e.issued).map((e) => [e.issued?.jti, e.seq]));
    const firsts = rejected.filter((refusal) => {
      const issued = issuedAt.get(refusal.presented?.jti);
      return !rejected.some((earlier) => earlier.seq < refusal.seq && issued !== undefined && issued > earlier.seq);
    });
    const replays = calls.length - units.length;
    const problems: string[] = [];
    const evidence: JournalEntry[] = [];
    for (const refusal of firsts) {
      const after = entries.filter((e) => e.seq > refusal.seq);
      const nextToken = after.find(token);
      const nextCall = after.find(api);
      evidence.push(refusal);
      if (!nextToken || (nextCall && nextCall.seq < nextToken.seq && nextCall.presented?.jti === refusal.presented?.jti)) {
        problems.push(`after #${refusal.seq} the client did not fetch a new token before calling again`);
        if (nextCall) evidence.push(nextCall);
      } else evidence.push(nextToken);
    }
    if (replays < firsts.length) problems.push(`${plural(firsts.length, 'call')} refused with invalid_token but only ${plural(Math.max(0, replays), 'replay')}: the refused work was dropped instead of retried once with a new token`);
    if (replays > firsts.length) problems.push(`${plural(replays, 'replay')} for ${plural(firsts.length, 'refused call')}: the client replays more than once, or replays work the API had already refused after a fresh token`);
    return {
      pass: problems.length === 0,
      explanation:
        problems.length === 0
          ? `Each of the ${plural(firsts.length, 'invalid_token refusal')} was followed by a new token and exactly one replay.`
          : `${problems.join('; ')}. RFC 6750 §3.1: on invalid_token, evict the token, fetch a new one and replay once; a second refusal is a hard failure.`,
      evidence: [...new Set([...evidence, ...calls])].sort((a, b) => a.seq - b.seq),
    };
  },
  noRefreshAfterInsufficientScope(_params, { entries, units }) {
    const first = entries.find((e) => api(e) && e.error === 'insufficient_scope');
    if (!first) return { pass: false, exercised: false, explanation: 'No API call was refused with insufficient_scope: the scenario set-up did not take effect.', evidence: entries.filter(api) };
    const tokensAfter = entries.filter((e) => token(e) && e.seq > first.seq);
    const calls = entries.filter(api);
    const extraCalls = calls.length - units.length;
    const unitsAfter = units.length - calls.filter((c) => c.seq < first.seq).length - 1;
    // A replay is an API call more than there were units; a refresh loop is more token requests
    // after the 403 than the units that came after it could need.
    const pass = extraCalls <= 0 && tokensAfter.length <= Math.max(0, unitsAfter);
    return {
      pass,
      explanation: pass
        ? 'The 403 insufficient_scope was surfaced without a refresh and a replay.'
        : `After the 403 insufficient_scope (#${first.seq}) the client made ${plural(tokensAfter.length, 'token request')} and ${plural(Math.max(0, extraCalls), 'extra API call')}: a new token has the same scope, so refreshing cannot help (RFC 6750 §3.1).`,
      evidence: [first, ...tokensAfter, ...calls.filter((c) => c.seq > first.seq)].sort((a, b) => a.seq - b.seq),
    };
  },
  retryAfterRespected(_params, { entries }) {
    const violations = entries.filter((e) => e.violation?.kind === 'retry_after');
    const limited = entries.filter((e) => e.status === 429);
    if (limited.length === 0) return { pass: false, exercised: false, explanation: 'No request was answered 429: the scenario set-up did not take effect.', evidence: entries.filter(token) };
    return {
      pass: violations.length === 0,
      explanation:
        violations.length === 0
          ? `After ${plural(limited.length, '429')} the client waited at least as long as Retry-After said.`
          : `${plural(violations.length, 'request')} came before Retry-After had passed (RFC 9110 §10.2.3, RFC 6585 §4): the client must wait at least that long.`,
      evidence: violations.length > 0 ? [...limited.slice(0, 1), ...violations] : limited,
    };
  },
  fallsBackAfterInvalidGrant(_params, { entries }) {
    const refused = entries.filter((e) => token(e) && e.grantType === 'refresh_token' && e.error === 'invalid_grant');
    if (refused.length === 0) return { pass: false, exercised: false, explanation: 'No refresh was refused with invalid_grant: the scenario set-up did not take effect.', evidence: entries.filter(token) };
    const problems: string[] = [];
    const evidence: JournalEntry[] = [];
    for (const refusal of refused) {
      evidence.push(refusal);
      const next = entries.find((e) => token(e) && e.seq > refusal.seq);
      if (!next) problems.push(`after #${refusal.seq} the client never asked for a token again`);
      else {
        evidence.push(next);
        if (next.grantType === 'refresh_token') problems.push(`after #${refusal.seq} the client tried a refresh token again (#${next.seq}) instead of falling back to its base grant`);
      }
    }
    return {
      pass: problems.length === 0,
      explanation:
        problems.length === 0
          ? 'After the refused refresh the client dropped its refresh token and used its base grant.'
          : `${problems.join('; ')}. IDCS refresh tokens are single-use: on invalid_grant, drop the refresh token and fall back to the base grant once.`,
      evidence,
    };
  },
  backoff({ maxAttempts, minSpacingMs }, { entries, units }) {
    const requests = entries.filter(token);
    const failedUnits = units.filter((u) => !u.ok).length || units.length;
    const problems: string[] = [];
    if (maxAttempts !== undefined && requests.length > maxAttempts * failedUnits) {
      problems.push(`${plural(requests.length, 'token request')} for ${plural(failedUnits, 'failing unit')}: more than the cap of ${maxAttempts} each`);
    }
    const tight: JournalEntry[] = [];
    if (minSpacingMs !== undefined) {
      for (let i = 1; i < requests.length; i += 1) {
        const previous = requests[i - 1] as JournalEntry;
        const current = requests[i] as JournalEntry;
        if (previous.status >= 500 || previous.status === 0) {
          const gap = Date.parse(current.realTime) - Date.parse(previous.realTime) - previous.durationMs;
          if (gap < minSpacingMs) tight.push(current);
        }
      }
      if (tight.length > 0) problems.push(`${plural(tight.length, 'retry')} came less than ${minSpacingMs} ms after a failure`);
    }
    return {
      pass: problems.length === 0,
      explanation:
        problems.length === 0
          ? `${plural(requests.length, 'token request')} in all, spaced and capped: the client backs off.`
          : `${problems.join('; ')}. A client backs off exponentially with jitter and gives up after a few attempts (FAULTS.md, 5xx row).`,
      evidence: tight.length > 0 ? tight : requests,
    };
  },
  abandonedWithin({ seconds }, { entries, units }) {
    const abandoned = entries.filter((e) => e.transport === 'abandoned');
    const slow = units.filter((u) => u.elapsedMs > seconds * 1000 + 1000);
    const reportedOk = units.filter((u) => u.ok);
    const pass = abandoned.length > 0 && slow.length === 0 && reportedOk.length === 0;
    let explanation = `The client gave up on the hanging endpoint and reported the failure within ${seconds} s.`;
    if (abandoned.length === 0) explanation = `The client never gave up on the hanging request (no abandoned connection in the journal): it needs a request timeout, ${seconds} s here.`;
    else if (slow.length > 0) explanation = `${plural(slow.length, 'unit')} took longer than ${seconds} s to report (${slow.map((u) => `unit ${u.id}: ${(u.elapsedMs / 1000).toFixed(1)} s`).join(', ')}): the timeout is too long.`;
    else if (reportedOk.length > 0) explanation = `${plural(reportedOk.length, 'unit')} reported ok although the token endpoint never answered: the failure must be surfaced.`;
    return {
      pass,
      explanation,
      evidence: abandoned.length > 0 ? abandoned : entries.filter(token),
    };
  },
  headersPresent({ endpoint, headers }, { entries }) {
    const wanted = headers.map((h) => h.toLowerCase());
    const relevant = entries.filter((e) => e.endpoint === endpoint);
    const missing = relevant.filter((e) => !wanted.every((h) => e.requestHeaders.includes(h)));
    if (relevant.length === 0) return { pass: false, exercised: false, explanation: `No ${endpoint} request was made, so the headers could not be checked.`, evidence: [] };
    return {
      pass: missing.length === 0,
      explanation:
        missing.length === 0
          ? `Every ${endpoint} request (${relevant.length}) carried ${headers.join(', ')}.`
          : `${plural(missing.length, `${endpoint} request`)} of ${relevant.length} lacked ${headers.join(', ')}: send them on every request, re-fetches and retries included.`,
      evidence: missing.length > 0 ? missing : relevant,
    };
  },
  paramsPresent({ params }, { entries }) {
    const relevant = entries.filter(token);
    if (relevant.length === 0) return { pass: false, exercised: false, explanation: 'No token request was made, so the parameters could not be checked.', evidence: [] };
    const missing = relevant.filter((e) => !params.every((p) => e.params?.includes(p)));
    return {
      pass: relevant.length > 0 && missing.length === 0,
      explanation:
        missing.length === 0
          ? `Every token request (${relevant.length}) carried ${params.join(', ')}.`
          : `${plural(missing.length, 'token request')} lacked ${params.join(', ')}: send them on every token request, re-fetches included.`,
      evidence: missing.length > 0 ? missing : relevant,
    };
  },
  outcomes({ ok, failed, reportedWithin }, { units, entries }) {
    const okCount = units.filter((u) => u.ok).length;
    const failedCount = units.length - okCount;
    const problems: string[] = [];
    const expect = (actual: number, wanted: 'all' | 'none' | number | undefined, word: string) => {
      if (wanted === undefined) return;
      const target = wanted === 'all' ? units.length : wanted === 'none' ? 0 : wanted;
      if (actual !== target) problems.push(`${actual} of ${units.length} units ${word}, expected ${wanted === 'all' || wanted === 'none' ? wanted : target}`);
    };
    expect(okCount, ok, 'succeeded');
    expect(failedCount, failed, 'failed');
    if (reportedWithin !== undefined) {
      const slow = units.filter((u) => u.elapsedMs > reportedWithin * 1000);
      if (slow.length > 0) problems.push(`${plural(slow.length, 'unit')} took longer than ${reportedWithin} s to report`);
    }
    const failures = units.filter((u) => !u.ok).slice(0, 3).map((u) => `unit ${u.id}: ${u.error ?? `status ${u.status}`}`);
    return {
      pass: problems.length === 0,
      explanation:
        problems.length === 0
          ? `The client reported ${okCount} ok and ${failedCount} failed, as expected.`
          : `${problems.join('; ')}.${failures.length ? ` The client said: ${failures.join('; ')}.` : ''}`,
      evidence: entries.filter(api).slice(-4),
    };
  },
  exitCode(code, { exit }) {
    return {
      pass: exit?.code === code,
      explanation: exit ? `The program exited with ${exit.code ?? `signal ${exit.signal}`}; expected ${code}.` : 'The program did not exit.',
    };
  },
};

const DEFAULT_NAMES: Record<ExpectationKind, string> = {
  tokenRequests: 'token requests',
  apiCalls: 'API calls',
  tokenRequestsPerUnit: 'fails fast',
  noExpiredTokenUse: 'no API call with an expired token',
  replayOnceAfterInvalidToken: 'exactly one replay after invalid_token',
  noRefreshAfterInsufficientScope: 'no refresh loop on insufficient_scope',
  retryAfterRespected: 'Retry-After respected',
  fallsBackAfterInvalidGrant: 'falls back to the base grant after invalid_grant',
  backoff: 'backs off with a cap',
  abandonedWithin: 'abandons a hanging endpoint',
  headersPresent: 'required headers on every request',
  paramsPresent: 'required parameters on every token request',
  outcomes: 'outcome reported by the client',
  exitCode: 'exit code',
};

/** One check judged on its own, without a scenario's level and rule. */
export interface CheckOutcome {
  kind: ExpectationKind;
  /** The check's default name, e.g. "Retry-After respected". */
  name: string;
  pass: boolean;
  /** False when the journal holds nothing the rule is about (see the set-up notes in `explanation`). */
  exercised: boolean;
  explanation: string;
  /** Journal lines that decided it, quoted relative to `input.origin`. */
  evidence: string[];
}

/**
 * Runs the check of one expectation on a journal: the building block of {@link judge}, and of
 * callers that assert one rule at a time (the vitest matchers).
 */
export function runCheck(expectation: Expectation, input: JudgeInput): CheckOutcome {
  const kind = EXPECTATION_KINDS.find((k) => expectation[k] !== undefined) as ExpectationKind;
  const check = (JUDGES[kind] as Judge<typeof kind>)(expectation[kind] as never, input);
  return {
    kind,
    name: DEFAULT_NAMES[kind],
    pass: check.pass,
    exercised: check.exercised ?? true,
    explanation: check.explanation,
    evidence: quote(check.evidence ?? [], input.origin),
  };
}

/** Judges one expectation. */
export function judge(expectation: Expectation, input: JudgeInput, defaults: { level: Level; rule: string }): ExpectationResult {
  const check = runCheck(expectation, input);
  const level = expectation.level ?? defaults.level;
  const why = expectation.why ? ` (${level}: ${expectation.why})` : '';
  return {
    name: expectation.name ?? check.name,
    rule: expectation.rule ?? defaults.rule,
    level,
    verdict: check.pass ? 'pass' : 'fail',
    explanation: `${check.explanation}${why}`,
    evidence: check.evidence,
  };
}

export { short };
