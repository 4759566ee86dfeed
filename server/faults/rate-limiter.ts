import type { FaultRule } from './rule-schema.ts';

export interface RateLimitVerdict {
  /** Seconds until the client may ask again; undefined = allowed. */
  retryAfter?: number;
  /** The request came before a Retry-After it was given had passed. */
  violation?: { rule: FaultRule; earlyBy: number };
  /** Budget mode: requests used in the current window, after this one. */
  used?: number;
}

interface Budget {
  windowStart: number;
  count: number;
}

/**
 * State of `rate_limit` actions per rule and client (virtual time). A client told to wait that
 * asks again early is refused again and the request is marked as a violation: that is the
 * behaviour a contract scenario judges.
 */
export class RateLimiter {
  #blockedUntil = new Map<string, Map<string, number>>();
  #budgets = new Map<string, Map<string, Budget>>();

  /** Is the client still inside a Retry-After given under this rule? */
  police(rule: FaultRule, client: string, now: number): RateLimitVerdict | undefined {
    const until = this.#blockedUntil.get(rule.id)?.get(client);
    if (until === undefined || now >= until) return undefined;
    return { retryAfter: until - now, violation: { rule, earlyBy: until - now } };
  }

  /** The rule fired with no budget: refuse and block for retryAfter seconds. */
  block(rule: FaultRule, client: string, retryAfter: number, now: number): RateLimitVerdict {
    this.#map(this.#blockedUntil, rule.id).set(client, now + retryAfter);
    return { retryAfter };
  }

  /** The rule fired with a budget of `limit` per `window` seconds: allowed until it is spent. */
  spend(rule: FaultRule, client: string, limit: number, window: number, now: number): RateLimitVerdict {
    const budgets = this.#map(this.#budgets, rule.id);
    let budget = budgets.get(client);
    if (!budget || now >= budget.windowStart + window) {
      budget = { windowStart: now, count: 0 };
      budgets.set(client, budget);
    }
    if (budget.count < limit) {
      budget.count += 1;
      return { used: budget.count };
    }
    const retryAfter = budget.windowStart + window - now;
    this.#map(this.#blockedUntil, rule.id).set(client, budget.windowStart + window);
    return { retryAfter, used: budget.count };
  }

  forget(ruleId: string): void {
    this.#blockedUntil.delete(ruleId);
    this.#budgets.delete(ruleId);
  }

  #map<V>(outer: Map<string, Map<string, V>>, key: string): Map<string, V> {
    let inner = outer.get(key);
    if (!inner) {
      inner = new Map();
      outer.set(key, inner);
    }
    return inner;
  }
}

/** A Retry-After as sent: the header value, and the seconds it tells the client to wait. */
export interface RetryAfterHeader {
  /** The header value; undefined when the format is `none` (no header). */
  value?: string;
  /** Seconds the value tells a client to wait, counted from the response's Date; undefined without a header. */
  seconds?: number;
}

/**
 * RFC 9110 §10.2.3: Retry-After is delay-seconds or an HTTP-date. Both are whole seconds, so
 * they round up: a client that waits exactly as long as told is never early. An HTTP-date is
 * counted from `wallNowSeconds`, the clock of the response's Date header (RFC 9110 §10.2.3 has a
 * client compare the two), not from the virtual clock, which a client on real time does not see.
 */
export function formatRetryAfter(seconds: number, format: 'seconds' | 'http-date' | 'none' | undefined, wallNowSeconds: number): RetryAfterHeader {
  if (format === 'none') return {};
  const wait = Math.max(0, seconds);
  if (format === 'http-date') {
    const at = Math.ceil(wallNowSeconds + wait);
    return { value: new Date(at * 1000).toUTCString(), seconds: Math.round((at - wallNowSeconds) * 1000) / 1000 };
  }
  return { value: String(Math.ceil(wait)), seconds: Math.ceil(wait) };
}
