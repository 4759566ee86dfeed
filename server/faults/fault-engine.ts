import type { Clock } from '../base/clock.ts';
import { formatPath } from '../config/errors.ts';
import { globToRegExp, inCountWindow, matchesRequest, resolveTime } from './match.ts';
import { PRESETS } from './presets.ts';
import { createRandom } from './random.ts';
import type { RequestFacts } from './request-facts.ts';
import { ACTION_ENDPOINTS, ruleSchema, type FaultAction, type FaultRule, type FaultRuleInput } from './rule-schema.ts';
import { Listeners } from '../base/listeners.ts';

/** A fault rule that cannot be applied: the message names what is wrong and how to fix it. */
export class FaultRuleError extends Error {
  readonly code = 'FAULT_RULE_INVALID';
  readonly issues: { path: string; message: string }[];

  constructor(issues: { path: string; message: string }[]) {
    super(`Invalid fault rule: ${issues.map((i) => `${i.path || '(rule)'}: ${i.message}`).join('; ')}`);
    this.name = 'FaultRuleError';
    this.issues = issues;
  }
}

/** A rule as listed: its definition and how often it matched and fired. */
export interface FaultRuleView extends FaultRule {
  /** Requests that met its conditions (the count nth/from/times refer to). */
  matched: number;
  /** Times its action was applied. */
  applied: number;
}

/** A rule that a request reached and whose conditions it met. */
export interface Firing {
  rule: FaultRule;
  action: FaultAction;
  /** Deterministic random draw in [0, 1) for jitter, from the rule's seeded sequence. */
  draw: number;
  /** Counts the rule as applied: call it when (and only when) the rule changed the exchange. */
  acted(): void;
}

/**
 * One request's fault decisions, made once. A rule counts a request (toward `nth`, `from`,
 * `times`, its chance) when the request reaches the step the rule acts on, and never otherwise:
 * - `now`: rules that act before the endpoint (delay, clock_skew, invalid_token), reached by every
 *   request the plan is for;
 * - `later`: rules that act on the issued token or the answer (token_mutation, token_response,
 *   id_token_mutation, truncate) or at a step of the browser flow (authorization_error), reached
 *   only if the request gets that far (`reach()`, at most once each);
 * - answering rules, tried in the order they were added until one answers (`nextAnswer()`).
 */
export interface FaultPlan {
  now: Firing[];
  later: Deferred[];
  /** The next answering rule that fires for the request, or undefined when none is left. */
  nextAnswer(): Firing | undefined;
}

/** A rule of a later step: counted when the step is reached. */
export interface Deferred {
  rule: FaultRule;
  /** Counts the request against the rule (once); a firing when the rule applies to it. */
  reach(): Firing | undefined;
}

/** Actions that act before the endpoint runs; the other shaping actions act on its answer. */
const BEFORE_ENDPOINT: ReadonlySet<FaultAction['type']> = new Set(['delay', 'clock_skew', 'invalid_token']);
const ON_ANSWER: ReadonlySet<FaultAction['type']> = new Set(['token_mutation', 'token_response', 'truncate', 'id_token_mutation', 'authorization_error']);

interface RuleState {
  rule: FaultRule;
  pathPattern: RegExp | undefined;
  random: () => number;
  matched: number;
  applied: number;
}

/**
 * The fault rules and their counters. `plan()` is called once per request and is the only place
 * rules are evaluated, so the same rules and the same requests give the same decisions.
 */
export class FaultEngine {
  #rules = new Map<string, RuleState>();
  /** Endpoints some rule can match; undefined = a rule matches any endpoint. Rebuilt on change. */
  #endpoints: Set<string> | undefined = new Set();
  #nextId = 1;
  #clock: Clock;
  #removalListeners = new Set<(id: string) => void>();
  #changeListeners = new Listeners();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /**
   * Validates and adds a rule (a preset name or a full rule); it takes effect on the next request.
   * @throws FaultRuleError when the rule is invalid; nothing is added then.
   */
  add(input: unknown): FaultRule {
    const rule = this.compile(input);
    this.#install(rule);
    this.#changed();
    return rule;
  }

  /**
   * Adds several rules, all or nothing (a config file or a `--fault` file).
   * @throws FaultRuleError whose issue paths start with the rule's index, e.g. `[2].params.retryAfter`.
   */
  addAll(inputs: readonly unknown[]): FaultRule[] {
    const rules: FaultRule[] = [];
    const ids = new Set<string>();
    inputs.forEach((input, index) => {
      try {
        const rule = this.compile(input);
        if (ids.has(rule.id)) throw new FaultRuleError([{ path: 'id', message: `duplicate rule id ${rule.id}` }]);
        ids.add(rule.id);
        rules.push(rule);
      } catch (error) {
        if (error instanceof FaultRuleError) throw new FaultRuleError(error.issues.map((issue) => ({ path: `[${index}]${issue.path ? `.${issue.path}` : ''}`, message: issue.message })));
        throw error;
      }
    });
    for (const rule of rules) this.#install(rule);
    if (rules.length > 0) this.#changed();
    return rules;
  }

  #install(rule: FaultRule): void {
    const random = createRandom(rule.match.seed ?? 1);
    this.#rules.set(rule.id, { rule, pathPattern: rule.match.path ? globToRegExp(rule.match.path) : undefined, random, matched: 0, applied: 0 });
    this.#indexEndpoints();
  }

  #indexEndpoints(): void {
    const endpoints = new Set<string>();
    for (const { rule } of this.#rules.values()) {
      if (rule.match.endpoint === undefined) {
        this.#endpoints = undefined;
        return;
      }
      for (const endpoint of Array.isArray(rule.match.endpoint) ? rule.match.endpoint : [rule.match.endpoint]) endpoints.add(endpoint);
    }
    this.#endpoints = endpoints;
  }

  /**
   * Can any rule touch a request to this endpoint? Lets the fault layer skip reading the request
   * when the loaded rules are all for other endpoints (inactive rules then cost one lookup).
   */
  mayMatch(endpoint: string): boolean {
    return this.#rules.size > 0 && (this.#endpoints === undefined || this.#endpoints.has(endpoint));
  }

  /** Validates a rule without adding it (for loading many at once, all or nothing). */
  compile(input: unknown): FaultRule {
    const parsed = ruleSchema.safeParse(input);
    if (!parsed.success) {
      throw new FaultRuleError(parsed.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })));
    }
    const given: FaultRuleInput = parsed.data;
    if (given.id !== undefined && this.#rules.has(given.id)) {
      throw new FaultRuleError([{ path: 'id', message: `a rule with id ${given.id} already exists; remove it first or pick another id` }]);
    }
    let description = given.description;
    let match = given.match ?? {};
    let action = given.action;
    if (given.preset !== undefined) {
      const preset = PRESETS[given.preset];
      if (!preset) {
        throw new FaultRuleError([
          { path: 'preset', message: `unknown preset ${given.preset}; did you mean ${closestNames(given.preset, Object.keys(PRESETS)).join(', ')}? (GET /_understudy/faults/presets lists them all)` },
        ]);
      }
      const params = preset.params.safeParse(given.params ?? {});
      if (!params.success) {
        throw new FaultRuleError(params.error.issues.map((issue) => ({ path: `params${issue.path.length ? `.${formatPath(issue.path)}` : ''}`, message: issue.message })));
      }
      const expansion = preset.expand(params.data);
      description ??= expansion.description;
      match = { ...expansion.match, ...match };
      action = expansion.action;
    } else if (given.params !== undefined) {
      throw new FaultRuleError([{ path: 'params', message: 'params belong to a preset; a full rule puts its settings in "action"' }]);
    }
    const acts = ACTION_ENDPOINTS[(action as FaultAction).type];
    const named = match.endpoint === undefined ? [] : Array.isArray(match.endpoint) ? match.endpoint : [match.endpoint];
    const never = named.filter((endpoint) => acts !== undefined && !acts.includes(endpoint));
    if (acts && never.length > 0) {
      throw new FaultRuleError([
        {
          path: 'match.endpoint',
          message: `a ${(action as FaultAction).type} rule acts on ${acts.join(', ')} only, never on ${never.join(', ')}; leave ${never.length > 1 ? 'them' : 'it'} out`,
        },
      ]);
    }
    const id = given.id ?? this.#freshId();
    return {
      id,
      preset: given.preset,
      description: description ?? `${(action as FaultAction).type} fault`,
      match,
      action: action as FaultAction,
      addedAt: this.#clock.nowMs() / 1000,
    };
  }

  #freshId(): string {
    let id: string;
    do id = `f${this.#nextId++}`;
    while (this.#rules.has(id));
    return id;
  }

  /** Removes a rule; requests it holds (hang) are released. */
  remove(id: string): boolean {
    const existed = this.#rules.delete(id);
    if (existed) this.#indexEndpoints();
    if (existed) for (const listener of this.#removalListeners) listener(id);
    if (existed) this.#changed();
    return existed;
  }

  clear(): number {
    const ids = [...this.#rules.keys()];
    for (const id of ids) this.remove(id);
    return ids.length;
  }

  has(id: string): boolean {
    return this.#rules.has(id);
  }

  get size(): number {
    return this.#rules.size;
  }

  list(): FaultRuleView[] {
    return [...this.#rules.values()].map((state) => ({ ...state.rule, matched: state.matched, applied: state.applied }));
  }

  /** Called with the id of every removed rule (hung requests wait on this). */
  onRemove(listener: (id: string) => void): () => void {
    this.#removalListeners.add(listener);
    return () => this.#removalListeners.delete(listener);
  }

  /**
   * Called after rules were added or removed (not when a rule's counters move: requests do that,
   * and each leaves a journal entry). Returns an unsubscribe function.
   */
  onChange(listener: () => void): () => void {
    return this.#changeListeners.add(listener);
  }

  #changed(): void {
    this.#changeListeners.notify();
  }

  /**
   * The plan for a request. `binds(rule)` says whether an earlier answer of the rule still binds
   * this request (a client told to wait by a 429): such a rule is reached whatever its count,
   * time window or chance, so that it can police what it told.
   */
  plan(facts: RequestFacts, binds: (rule: FaultRule) => boolean = () => false): FaultPlan {
    if (this.#rules.size === 0) return { now: [], later: [], nextAnswer: () => undefined };
    const now: Firing[] = [];
    const later: Deferred[] = [];
    const answering: RuleState[] = [];
    const time = () => this.#clock.nowMs() / 1000;
    for (const state of this.#rules.values()) {
      if (!matchesRequest(state.rule.match, facts, state.pathPattern)) continue;
      const type = state.rule.action.type;
      if (BEFORE_ENDPOINT.has(type)) {
        const firing = this.#fire(state, time());
        if (firing) now.push(firing);
      } else if (ON_ANSWER.has(type)) {
        let reached: { firing: Firing | undefined } | undefined;
        later.push({ rule: state.rule, reach: () => (reached ??= { firing: this.#fire(state, time()) }).firing });
      } else answering.push(state);
    }
    let next = 0;
    return {
      now,
      later,
      nextAnswer: () => {
        while (next < answering.length) {
          const state = answering[next++] as RuleState;
          const firing = binds(state.rule) ? this.#firing(state, 0) : this.#fire(state, time());
          if (firing) return firing;
        }
        return undefined;
      },
    };
  }

  /** Counts the request against the rule's window and chance; a firing when the rule applies. */
  #fire(state: RuleState, now: number): Firing | undefined {
    const { match, addedAt } = state.rule;
    if (match.after !== undefined && now < resolveTime(match.after, addedAt)) return undefined;
    if (match.until !== undefined && now >= resolveTime(match.until, addedAt)) return undefined;
    state.matched += 1;
    if (!inCountWindow(match, state.matched)) return undefined;
    // Each counted request draws its chance, and a firing one then its jitter: the same rules and
    // requests give the same sequence of draws, and so the same decisions, run after run.
    const chance = state.random();
    if (match.probability !== undefined && chance >= match.probability) return undefined;
    return this.#firing(state, state.random());
  }

  #firing(state: RuleState, draw: number): Firing {
    let counted = false;
    return {
      rule: state.rule,
      action: state.rule.action,
      draw,
      acted: () => {
        if (counted) return;
        counted = true;
        state.applied += 1;
      },
    };
  }
}

/** The three names closest to `wanted` by edit distance, for "did you mean". */
function closestNames(wanted: string, names: string[]): string[] {
  const distance = (a: string, b: string): number => {
    let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i += 1) {
      const current = [i];
      for (let j = 1; j <= b.length; j += 1) {
        current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
      }
      previous = current;
    }
    return previous[b.length] as number;
  };
  return names
    .map((name) => ({ name, score: distance(wanted.toLowerCase(), name) }))
    .sort((x, y) => x.score - y.score)
    .slice(0, 3)
    .map((x) => x.name);
}
