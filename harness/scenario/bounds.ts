import { z } from 'zod';

/**
 * The bounds verdicts depend on: every one is printed in the verdict it decides, documented here
 * with its default and the reason for it, and settable per run (`--bound name=value`, `bounds:`
 * in a client declaration, `runScenarios({ bounds })`).
 */
export interface Bounds {
  /**
   * Seconds a call may reach the API after the token's told expiry (the instant the token
   * response was sent plus its `expires_in`) and still count as on time. Default 0.5: the time
   * from the server's answer to the client reading it, plus from the client's check to its call
   * arriving. A client that never refreshes presents its token seconds late, not milliseconds.
   */
  expiryLatency: number;
  /**
   * The largest refresh margin a sound client uses, in seconds. Default 300: MSAL and
   * google-auth-library refresh five minutes before expiry. A token request while the client
   * holds a token that lives longer than this margin is a reuse failure; a token living less
   * than it may be fetched again at any time.
   */
  refreshMargin: number;
  /**
   * Token requests a unit of work may make when the token endpoint refuses it with a permanent
   * error (invalid_client, invalid_scope, unauthorized_client, a 404 or a gateway's 403), the
   * refused one included. Default 1: no mainstream library retries a 4xx from the token endpoint,
   * and the same request cannot succeed.
   */
  failFastAttempts: number;
  /**
   * Token requests a unit of work may make while the endpoint fails transiently (5xx, an HTML
   * error page). Default 4: a client that retries caps its attempts (golang/oauth2#226 asks for
   * a retry; a storm is the bug).
   */
  retryAttempts: number;
  /**
   * Seconds a retrying client waits at least after a failed token request. Default 0.05: any
   * backoff at all; at once is a storm.
   */
  retrySpacing: number;
  /**
   * Seconds a client with a request timeout may take to report a token endpoint that never
   * answers. Default: its declared `requestTimeout` times `retryAttempts`, plus 2 s: each attempt
   * times out, the client backs off a little between them, then it reports the failure.
   */
  giveUpWithin?: number;
}

/** Bounds as a user gives them: any subset. */
export type BoundsInput = Partial<Bounds>;

/** The names of the bounds, e.g. for `--bound name=value`. */
export const BOUND_NAMES = ['expiryLatency', 'refreshMargin', 'failFastAttempts', 'retryAttempts', 'retrySpacing', 'giveUpWithin'] as const;
/** One bound's name. */
export type BoundName = (typeof BOUND_NAMES)[number];

const seconds = (max: number) => z.number().min(0).max(max);
const attempts = z.number().int().min(1).max(1000);

/** Bounds in a declaration file or a run option; each one validated on its own. */
export const boundsSchema = z
  .object({
    expiryLatency: seconds(60).describe('Seconds after the told expiry a call still counts as on time. Default: 0.5.').optional(),
    refreshMargin: seconds(86_400).describe('The largest refresh margin a sound client uses, in seconds. Default: 300.').optional(),
    failFastAttempts: attempts.describe('Token requests of a unit refused with a permanent error, the refused one included. Default: 1.').optional(),
    retryAttempts: attempts.describe('Token requests per unit while the endpoint fails transiently. Default: 4.').optional(),
    retrySpacing: seconds(60).describe('Least seconds between a failed token request and the next. Default: 0.05.').optional(),
    giveUpWithin: seconds(3600).describe('Seconds to report a hanging token endpoint. Default: requestTimeout x retryAttempts + 2.').optional(),
  })
  .strict();

const DEFAULTS: Omit<Bounds, 'giveUpWithin'> = {
  expiryLatency: 0.5,
  refreshMargin: 300,
  failFastAttempts: 1,
  retryAttempts: 4,
  retrySpacing: 0.05,
};

/** Seconds added to the timeouts of a hanging endpoint's attempts: backoff between them, and reporting. */
const GIVE_UP_SLACK_S = 2;

/** The bounds of a run, each with where its value came from (printed in verdicts). */
export interface ResolvedBounds extends Bounds {
  /** Per bound: "default", "set for this run", or how it was derived. */
  readonly origins: Readonly<Record<BoundName, string>>;
}

/**
 * The bounds of a run: the defaults, overridden by what was given. `requestTimeout` (seconds, as
 * the client declared it) derives `giveUpWithin` unless that was given.
 */
export function resolveBounds(given: BoundsInput = {}, requestTimeout?: number): ResolvedBounds {
  const set = withoutUndefined(given);
  const values: Bounds = { ...DEFAULTS, ...set };
  const origins = Object.fromEntries(BOUND_NAMES.map((name) => [name, name in set ? 'set for this run' : 'default'])) as Record<BoundName, string>;
  if (values.giveUpWithin === undefined && requestTimeout !== undefined) {
    values.giveUpWithin = requestTimeout * values.retryAttempts + GIVE_UP_SLACK_S;
    origins.giveUpWithin = `the declared requestTimeout ${requestTimeout} s x retryAttempts ${values.retryAttempts} + ${GIVE_UP_SLACK_S} s`;
  }
  return { ...values, origins };
}

/** How a verdict names a bound it used: `giveUpWithin = 6 s (the declared requestTimeout 1 s x retryAttempts 4 + 2 s)`. */
export function describeBound(name: BoundName, bounds: ResolvedBounds): string {
  const value = bounds[name];
  if (value === undefined) return `${name}: none`;
  const unit = name === 'failFastAttempts' || name === 'retryAttempts' ? '' : ' s';
  return `${name} = ${value}${unit} (${bounds.origins[name]})`;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
