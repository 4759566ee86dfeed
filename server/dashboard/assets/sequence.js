// @ts-check
/**
 * The three-legged flow as the sign-ins view draws it, worked out from journal entries alone and
 * without the DOM (so it is testable without a browser): which requests are steps of a person's
 * sign-in, what each step is called, who sent it (the browser or the client), whether its answer
 * went on to the client, and its colour; and which sign-in each step belongs to. A sign-in is
 * one authorization grant: the journal's `grant` ties its authorization request, login, consent,
 * code redemption and every refresh that continues it, whatever their order or interleaving.
 * Entries with no grant are placed as the journal shows them: userinfo by the token it presents
 * (one a sign-in was issued), logout by client and user (the latest sign-in of both), and, in a
 * journal that has no grants, every step by client, user and what the sign-in has done so far (a
 * sign-in starts at its authorization request; a code is redeemed by the sign-in that got it).
 */

/**
 * @typedef {import('./shared.js').JournalEntry & { grant?: string }} JournalEntry
 * @typedef {'browser' | 'client'} Caller
 * @typedef {'ok' | 'bad' | 'info'} Tone
 * @typedef {{
 *   seq: number, time: number, endpoint: string, method: string, path: string, status: number,
 *   kind: string, label: string, also?: string, from: Caller, toClient: boolean, tone: Tone,
 *   decision: string, reason: string, error?: string, clientId?: string, user?: string, faults: string[]
 * }} Step
 * @typedef {{ key: string, label: string, tone: Tone }} Outcome
 * @typedef {{
 *   id: number, grant?: string, clientId?: string, user?: string, attemptedUser?: string, steps: Step[], dropped: number,
 *   open: boolean, codesIssued: number, codesRedeemed: number, tokens: number, signedOut: boolean,
 *   refusal?: Step, startedHere: boolean, outcome: Outcome
 * }} SignIn
 * @typedef {{ signIn: SignIn, step: Step, created: boolean, removed: SignIn[] }} Placement
 */

/**
 * Who calls each face of the server, and its name in the page: every endpoint the journal knows
 * (server/journal/types.ts `ENDPOINTS`; a test keeps the two lists the same).
 * @type {Record<string, { label: string, caller: Caller, face: 'auth' | 'api' | 'none' }>}
 */
export const ENDPOINTS = {
  token: { label: 'token', caller: 'client', face: 'auth' },
  api: { label: 'API', caller: 'client', face: 'api' },
  jwks: { label: 'JWKS', caller: 'client', face: 'auth' },
  discovery: { label: 'discovery', caller: 'client', face: 'auth' },
  introspect: { label: 'introspect', caller: 'client', face: 'auth' },
  revoke: { label: 'revoke', caller: 'client', face: 'auth' },
  authorize: { label: 'authorize', caller: 'browser', face: 'auth' },
  login: { label: 'login', caller: 'browser', face: 'auth' },
  consent: { label: 'consent', caller: 'browser', face: 'auth' },
  userinfo: { label: 'userinfo', caller: 'client', face: 'auth' },
  logout: { label: 'logout', caller: 'browser', face: 'auth' },
  other: { label: 'other', caller: 'client', face: 'none' },
};

/** Who sent a request: a person's browser (authorize, login, consent, logout) or a client. @param {string} endpoint @returns {Caller} */
export function callerOf(endpoint) {
  return ENDPOINTS[endpoint]?.caller ?? 'client';
}

/** @param {string} endpoint */
export function endpointLabel(endpoint) {
  return ENDPOINTS[endpoint]?.label ?? endpoint;
}

/** The name of each kind of step: the journal's interaction steps, and the refusals and token calls that have none. */
export const STEP_LABELS = /** @type {Record<string, string>} */ ({
  login_required: 'login required',
  login_shown: 'login page',
  login_succeeded: 'login succeeded',
  login_failed: 'login failed',
  consent_required: 'consent required',
  consent_shown: 'consent page',
  consent_given: 'consent given',
  consent_denied: 'consent denied',
  code_issued: 'code issued',
  code_redeemed: 'code redeemed',
  signed_out: 'signed out',
  authorize_refused: 'authorize refused',
  login_refused: 'login refused',
  consent_refused: 'consent refused',
  logout_refused: 'logout refused',
  code_refused: 'code refused',
  refresh: 'refresh',
  refresh_refused: 'refresh refused',
  userinfo: 'userinfo',
  userinfo_refused: 'userinfo refused',
});

/** Steps that went the person's way although the server "served" them (no token issued). */
const GOOD_STEPS = new Set(['login_succeeded', 'consent_given', 'signed_out', 'userinfo']);
const BROWSER_ENDPOINTS = new Set(['authorize', 'login', 'consent', 'logout']);

/** @param {JournalEntry} entry */
function refused(entry) {
  return entry.decision === 'rejected' || entry.status === 0 || entry.status >= 400;
}

/** What kind of step an entry is, or undefined when it is no step of a sign-in. @param {JournalEntry} entry */
function kindOf(entry) {
  const bad = refused(entry);
  if (entry.interaction && entry.interaction !== 'code_redeemed') return entry.interaction;
  if (entry.endpoint === 'token') {
    if (entry.interaction === 'code_redeemed' || entry.grantType === 'authorization_code') return bad ? 'code_refused' : 'code_redeemed';
    if (entry.grantType === 'refresh_token') return bad ? 'refresh_refused' : 'refresh';
    return undefined;
  }
  if (entry.endpoint === 'userinfo') return bad ? 'userinfo_refused' : 'userinfo';
  // A browser request the server refused before any step (a bad authorization request, a
  // cancelled login, an expired page): the error says why.
  if (BROWSER_ENDPOINTS.has(entry.endpoint)) return bad ? `${entry.endpoint}_refused` : entry.endpoint;
  return undefined;
}

/**
 * The step a journal entry is, or undefined for requests that are no part of a sign-in (client
 * credentials, API calls, metadata...).
 * @param {JournalEntry} entry
 * @returns {Step | undefined}
 */
export function describeStep(entry) {
  const kind = kindOf(entry);
  if (!kind) return undefined;
  const from = callerOf(entry.endpoint);
  const bad = refused(entry);
  const redirected = entry.status >= 300 && entry.status < 400;
  // A browser step whose answer sent the browser on to the client's redirect URI: a code, an
  // error (access_denied...), or the post-logout page. A login or consent page is the server's own.
  const toClient = from === 'browser' && redirected && (entry.decision !== 'served' || kind === 'signed_out');
  // A login or consent that also issued the code: the reason says both.
  const also = entry.decision === 'issued' && from === 'browser' && kind !== 'code_issued' ? STEP_LABELS.code_issued : undefined;
  /** @type {Tone} */
  const tone = bad ? 'bad' : entry.decision === 'issued' || entry.decision === 'allowed' || GOOD_STEPS.has(kind) ? 'ok' : 'info';
  /** @type {Step} */
  const step = {
    seq: entry.seq,
    time: entry.time,
    endpoint: entry.endpoint,
    method: entry.method,
    path: entry.path,
    status: entry.status,
    kind,
    label: STEP_LABELS[kind] ?? kind.replaceAll('_', ' '),
    from,
    toClient,
    tone,
    decision: entry.decision,
    reason: entry.reason,
    faults: (entry.faults ?? []).map((note) => note.preset ?? note.action),
  };
  if (also) step.also = also;
  if (entry.error) step.error = entry.error;
  if (entry.clientId) step.clientId = entry.clientId;
  if (entry.user) step.user = entry.user;
  return step;
}

/** What a sign-in came to, so far. @param {SignIn} signIn @returns {Outcome} */
function outcomeOf(signIn) {
  if (signIn.signedOut) return { key: 'signed_out', label: 'signed out', tone: 'info' };
  if (signIn.refusal && signIn.codesIssued === 0) {
    if (signIn.refusal.kind === 'consent_denied') return { key: 'denied', label: 'consent denied', tone: 'bad' };
    return { key: 'refused', label: signIn.refusal.error ? `refused: ${signIn.refusal.error}` : 'refused', tone: 'bad' };
  }
  if (signIn.codesRedeemed > 0) return { key: 'signed_in', label: 'signed in', tone: 'ok' };
  if (signIn.codesIssued > 0) return { key: 'code_issued', label: 'code issued', tone: 'ok' };
  const last = signIn.steps.at(-1);
  if (last?.kind === 'login_failed') return { key: 'login_failed', label: 'login failed', tone: 'bad' };
  if (last && last.tone === 'bad' && !signIn.open) return { key: 'refused', label: 'refused', tone: 'bad' };
  return { key: 'in_progress', label: 'in progress', tone: 'info' };
}

/**
 * The sign-ins of a journal, oldest first, each with its steps in journal order. Feed it every
 * entry in order (`add`); it keeps the latest `maxSignIns` sign-ins and `maxSteps` steps of each.
 */
export class SignIns {
  /** @type {SignIn[]} */
  #list = [];
  /** @type {Map<string, SignIn>} access token jti -> the sign-in it was issued to */
  #byJti = new Map();
  /** @type {Map<string, SignIn>} the journal's grant id -> its sign-in */
  #byGrant = new Map();
  #nextId = 1;
  #maxSignIns;
  #maxSteps;

  constructor({ maxSignIns = 60, maxSteps = 200 } = {}) {
    this.#maxSignIns = maxSignIns;
    this.#maxSteps = maxSteps;
  }

  /** Every sign-in kept, oldest first. @returns {readonly SignIn[]} */
  list() {
    return this.#list;
  }

  clear() {
    this.#list = [];
    this.#byJti.clear();
    this.#byGrant.clear();
  }

  /**
   * Files one journal entry: the step it is, and the sign-in it joined (or started). Undefined
   * for entries that are no step of a sign-in. `removed` are sign-ins dropped to stay in bounds.
   * @param {JournalEntry} entry
   * @returns {Placement | undefined}
   */
  add(entry) {
    const step = describeStep(entry);
    if (!step) return undefined;
    let signIn = this.#find(entry, step);
    const created = signIn === undefined;
    if (!signIn) {
      signIn = {
        id: this.#nextId++,
        steps: [],
        dropped: 0,
        // Open to the login and consent steps that follow: one its authorization request (or the
        // login page, when the journal shown starts mid-way) began, not one a token call began.
        open: entry.endpoint === 'authorize' || entry.endpoint === 'login' || entry.endpoint === 'consent',
        codesIssued: 0,
        codesRedeemed: 0,
        tokens: 0,
        signedOut: false,
        startedHere: entry.endpoint === 'authorize',
        outcome: { key: 'in_progress', label: 'in progress', tone: 'info' },
      };
      if (step.clientId) signIn.clientId = step.clientId;
      if (entry.grant) {
        signIn.grant = entry.grant;
        this.#byGrant.set(entry.grant, signIn);
      }
      this.#list.push(signIn);
    }
    this.#record(signIn, entry, step);
    /** @type {SignIn[]} */
    const removed = [];
    while (this.#list.length > this.#maxSignIns) {
      const oldest = /** @type {SignIn} */ (this.#list.shift());
      removed.push(oldest);
      for (const [jti, owner] of this.#byJti) if (owner === oldest) this.#byJti.delete(jti);
      if (oldest.grant !== undefined && this.#byGrant.get(oldest.grant) === oldest) this.#byGrant.delete(oldest.grant);
    }
    return { signIn, step, created, removed };
  }

  /** @param {SignIn} signIn @param {JournalEntry} entry @param {Step} step */
  #record(signIn, entry, step) {
    signIn.steps.push(step);
    if (signIn.steps.length > this.#maxSteps) {
      signIn.steps.shift();
      signIn.dropped += 1;
    }
    if (!signIn.clientId && step.clientId) signIn.clientId = step.clientId;
    const bad = step.tone === 'bad';
    if (step.kind === 'login_failed') {
      if (step.user) signIn.attemptedUser = step.user;
    } else if (step.user && !bad) {
      signIn.user ??= step.user;
    }
    if (step.kind === 'code_issued' || step.also) {
      signIn.codesIssued += 1;
      signIn.open = false;
    }
    if (step.kind === 'code_redeemed') signIn.codesRedeemed += 1;
    if (entry.issued && !bad) {
      signIn.tokens += 1;
      this.#byJti.set(entry.issued.jti, signIn);
    }
    if (step.kind === 'signed_out') {
      signIn.signedOut = true;
      signIn.open = false;
    }
    // A refused authorize, cancelled login or denied consent ends the sign-in; a wrong password does not.
    if (bad && step.from === 'browser' && step.kind !== 'login_failed' && signIn.open) {
      signIn.open = false;
      signIn.refusal = step;
    }
    signIn.outcome = outcomeOf(signIn);
  }

  /**
   * The sign-in an entry belongs to, or undefined when it starts one.
   * @param {JournalEntry} entry @param {Step} step
   * @returns {SignIn | undefined}
   */
  #find(entry, step) {
    // The grant decides: its sign-in, or a new one when it is the first entry of it in view (an
    // authorization request, or a later step whose start has left the journal or the view).
    if (entry.grant) return this.#byGrant.get(entry.grant);
    const { clientId, user } = entry;
    const ofClient = (/** @type {SignIn} */ s) => clientId === undefined || s.clientId === undefined || s.clientId === clientId;
    const latest = (/** @type {(s: SignIn) => boolean} */ test) => this.#list.findLast(test);
    // A login, consent or token step of a sign-in that has a grant carries it: one without is no
    // step of such a sign-in (a code or refresh token the server did not know), and is placed
    // among the sign-ins of a journal that had no grants.
    const undecided = (/** @type {SignIn} */ s) => s.grant === undefined;
    switch (entry.endpoint) {
      case 'authorize':
        // Every authorization request is a sign-in of its own, even one a session answers at once.
        return undefined;
      case 'login':
      case 'consent': {
        // A page that could not tell its sign-in (expired, another browser's) stands alone.
        if (clientId === undefined) return undefined;
        const open = (/** @type {SignIn} */ s) => s.open && ofClient(s) && undecided(s);
        if (user && step.kind !== 'login_failed') return latest((s) => open(s) && s.user === user) ?? latest((s) => open(s) && s.user === undefined);
        return latest((s) => open(s) && (s.user === undefined || s.user === user)) ?? latest(open);
      }
      case 'logout':
        if (user) return latest((s) => s.user === user && ofClient(s));
        return clientId ? latest((s) => s.clientId === clientId && s.user !== undefined) : undefined;
      case 'userinfo': {
        const jti = entry.presented?.jti;
        const owner = jti ? this.#byJti.get(jti) : undefined;
        if (owner && this.#list.includes(owner)) return owner;
        return user ? latest((s) => s.user === user && ofClient(s) && s.tokens > 0) : undefined;
      }
      case 'token': {
        const mine = (/** @type {SignIn} */ s) => s.clientId === clientId && (user === undefined || s.user === user) && undecided(s);
        if (step.kind === 'code_redeemed' || step.kind === 'code_refused') {
          return latest((s) => mine(s) && s.codesIssued > s.codesRedeemed) ?? latest((s) => mine(s) && s.codesIssued > 0);
        }
        return latest((s) => mine(s) && s.tokens > 0) ?? (user ? latest(mine) : undefined);
      }
      default:
        return undefined;
    }
  }
}
