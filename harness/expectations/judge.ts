import type { Expectation, ExpectationKind, Level } from '../scenario/schema.ts';
import { EXPECTATION_KINDS } from '../scenario/schema.ts';
import { describeBound, resolveBounds, type BoundName, type ResolvedBounds } from '../scenario/bounds.ts';
import { apiCalls, failsFast, reusesToken, singleFlight, tokenRequests, tokenRequestsPerUnit } from './checks/counts.ts';
import { noExpiredTokenUse, noReuseOfRefusedToken } from './checks/expiry.ts';
import { fallsBackAfterInvalidGrant, noRefreshAfterInsufficientScope, replayOnceAfterInvalidToken } from './checks/recovery.ts';
import { exitCode, headersPresent, outcomes, paramsPresent } from './checks/reports.ts';
import { abandonedWithin, backoff, retryAfterRespected } from './checks/token-endpoint.ts';
import { authorizationRequests, codeUsedOnce, freshAssertions, loginAfterSignOut, noStaleRefreshToken, refusesSignIn, reportsSignInNeeded, signInOutcomes } from './checks/sign-in.ts';
import { quote } from './evidence.ts';
import type { Check, CheckVerdict, JudgeInput } from './judge-input.ts';

export type { JudgeInput, UnitRecord, CheckVerdict, SignInRecord } from './judge-input.ts';

/**
 * The verdict on one expectation, the same in every report and in the vitest matchers:
 * - `pass`: the client had the chance to break the rule and did not;
 * - `fail`: it broke the rule (the explanation quotes the journal lines);
 * - `not-exercised`: the scenario ran, but nothing gave the client a chance to break the rule
 *   (the explanation says what was missing): neither a pass nor a failure;
 * - `not-applicable`: the client does not do what the scenario is about (the explanation says why).
 */
export type ExpectationVerdict = CheckVerdict;

/** The verdict on one expectation of a scenario, with the explanation and journal lines a reader needs to see why. */
export interface ExpectationResult {
  /** What the expectation checks, e.g. "Retry-After respected". */
  name: string;
  /** The contract rule it belongs to (docs/rules.md), e.g. "reuse". */
  rule: string;
  /** `must`: a failure fails the scenario; `should`: reported only. */
  level: Level;
  verdict: ExpectationVerdict;
  /** One or two sentences a newcomer understands, ending with the bounds the verdict used. */
  explanation: string;
  /** Journal lines that decided it. */
  evidence: string[];
  /** The bounds the verdict depended on, by name (see docs/rules.md), e.g. `{ "giveUpWithin": 6 }`. */
  bounds?: Record<string, number>;
}

type Judge<K extends ExpectationKind> = (params: NonNullable<Expectation[K]>, input: JudgeInput, bounds: ResolvedBounds) => Check;

const JUDGES: { [K in ExpectationKind]: Judge<K> } = {
  tokenRequests,
  apiCalls,
  tokenRequestsPerUnit,
  failsFast,
  reusesToken,
  singleFlight,
  noExpiredTokenUse,
  noReuseOfRefusedToken,
  replayOnceAfterInvalidToken,
  noRefreshAfterInsufficientScope,
  retryAfterRespected,
  fallsBackAfterInvalidGrant,
  backoff,
  abandonedWithin,
  headersPresent,
  paramsPresent,
  outcomes,
  exitCode,
  signInOutcomes,
  refusesSignIn,
  authorizationRequests,
  noStaleRefreshToken,
  codeUsedOnce,
  reportsSignInNeeded,
  loginAfterSignOut,
  freshAssertions,
};

const DEFAULT_NAMES: Record<ExpectationKind, string> = {
  tokenRequests: 'token requests',
  apiCalls: 'API calls',
  tokenRequestsPerUnit: 'token requests per unit',
  failsFast: 'fails fast',
  reusesToken: 'reuses a valid token',
  singleFlight: 'one token request for concurrent calls',
  noExpiredTokenUse: 'no API call with an expired token',
  noReuseOfRefusedToken: 'no API call with a token the API refused',
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
  signInOutcomes: 'sign-ins reported by the client',
  refusesSignIn: 'refuses a bad sign-in',
  authorizationRequests: 'authorization requests carry fresh protection',
  noStaleRefreshToken: 'presents the newest refresh token',
  codeUsedOnce: 'uses an authorization code once',
  reportsSignInNeeded: 'reports that the person must sign in again',
  loginAfterSignOut: 'sign-out ends the session',
  freshAssertions: 'a new assertion for every token request',
};

/** One check judged on its own, without a scenario's level and rule. */
export interface CheckOutcome {
  kind: ExpectationKind;
  /** The check's default name, e.g. "Retry-After respected". */
  name: string;
  verdict: ExpectationVerdict;
  explanation: string;
  /** Journal lines that decided it, quoted relative to `input.origin`. */
  evidence: string[];
  /** The bounds the verdict depended on, with their values. */
  bounds: Record<string, number>;
}

/**
 * Runs the check of one expectation on a journal: the building block of {@link judge}, and of
 * callers that assert one rule at a time (the vitest matchers).
 */
export function runCheck(expectation: Expectation, input: JudgeInput): CheckOutcome {
  const kind = EXPECTATION_KINDS.find((k) => expectation[k] !== undefined) as ExpectationKind;
  const bounds = input.bounds ?? resolveBounds();
  const check = (JUDGES[kind] as Judge<typeof kind>)(expectation[kind] as never, input, bounds);
  const used = check.bounds ?? [];
  const named = used.length > 0 ? ` Bounds: ${used.map((name) => describeBound(name, bounds)).join('; ')}.` : '';
  return {
    kind,
    name: DEFAULT_NAMES[kind],
    verdict: check.verdict,
    explanation: `${check.explanation}${named}`,
    evidence: quote(check.evidence ?? [], input.origin),
    bounds: Object.fromEntries(used.map((name: BoundName) => [name, bounds[name] as number])),
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
    verdict: check.verdict,
    explanation: `${check.explanation}${why}`,
    evidence: check.evidence,
    ...(Object.keys(check.bounds).length > 0 ? { bounds: check.bounds } : {}),
  };
}

/**
 * A scenario's verdict from its expectations: `fail` when a `must` failed; `not-exercised` when
 * none failed but a `must` was not put to the test (the scenario says nothing about the client
 * then); `not-applicable` when every `must` was not applicable; else `pass`. `should`
 * expectations never decide it.
 */
export function scenarioVerdict(expectations: readonly ExpectationResult[]): 'pass' | 'fail' | 'not-exercised' | 'not-applicable' {
  const musts = expectations.filter((e) => e.level === 'must');
  if (musts.some((e) => e.verdict === 'fail')) return 'fail';
  if (musts.length > 0 && musts.every((e) => e.verdict === 'not-applicable')) return 'not-applicable';
  if (musts.some((e) => e.verdict === 'not-exercised' || e.verdict === 'not-applicable')) return 'not-exercised';
  return 'pass';
}

