import { createHash, randomBytes } from 'node:crypto';
import type { UnderstudyServer } from '../../server/index.ts';
import type { ClientEnvironment, ClientSession, WorkResult } from '../drivers/driver.ts';
import type { SignInRecord } from '../expectations/judge-input.ts';
import { PersonError, HttpPerson, type PersonChoices } from '../person/http-person.ts';
import type { Person } from '../person/person.ts';
import { reportFields } from '../drivers/report-fields.ts';
import type { Step } from '../scenario/schema.ts';
import { HarnessError } from '../errors.ts';

type SignInStep = Extract<Step, { 'sign-in': unknown }>['sign-in'];
type SignOutStep = Extract<Step, { 'sign-out': unknown }>['sign-out'];

/** What playing a sign-in needs from the scenario. */
export interface SignInStage {
  server: UnderstudyServer;
  session: ClientSession;
  env: ClientEnvironment;
  /** The scenario's browser: its session cookie lives from one sign-in to the next. */
  person: Person;
  nextId: () => number;
  /** The user the person logs in as unless the step names one (the scenario's client.user). */
  defaultUser?: string;
  /** The client listens on its own redirect URI: the callback is delivered there by a GET. */
  listener?: string;
  timeoutMs: number;
}

/**
 * A `sign-in` step: the client gives its authorization URL, the person signs in (or the attacker
 * does, for a forged callback), and the redirect is handed back to the client, which reports.
 */
export async function playSignIn(stage: SignInStage, step: SignInStep): Promise<SignInRecord> {
  const { server, session, timeoutMs } = stage;
  const startSeq = server.journal.recorded;
  const record: SignInRecord = { kind: 'sign-in', id: 0, ok: false, startSeq, endSeq: startSeq, harnessSeqs: [], ...(step.forge ? { forged: step.forge } : {}) };
  const begun = await session.work({ id: stage.nextId(), op: 'sign-in' }, timeoutMs);
  record.id = begun.id;
  if (!begun.ok || !begun.url) {
    record.unfinished = `the client gave no authorization URL${begun.error ? `: ${begun.error}` : begun.ok ? ' (its answer had no url)' : ''}`;
    return finish(record, server, begun);
  }
  const wrong = notOurUrl(begun.url, server.url, 'authorization URL', 'UNDERSTUDY_AUTHORIZATION_URL');
  if (wrong) {
    record.unfinished = wrong;
    return finish(record, server, { ...begun, ok: false, error: wrong });
  }
  const choices = { ...credentials(stage, step.user), consent: step.consent ?? 'allow' } satisfies PersonChoices;
  let landed: string;
  try {
    if (step.forge) {
      const from = server.journal.recorded;
      const attacker = new HttpPerson(server.url, choices, { stopAt: [stage.env.redirectUri] });
      landed = forgedCallback(await attacker.signIn(forgedAuthorizationUrl(begun.url), choices), step.forge);
      await server.settle();
      record.harnessSeqs = server.journal.entries({ since: from }).map((e) => e.seq);
    } else {
      landed = await stage.person.signIn(begun.url, choices);
      await server.settle();
    }
  } catch (error) {
    if (!(error instanceof PersonError)) throw error;
    record.unfinished = `the browser did not get back to the client: ${error.message}`;
    return finish(record, server, { id: begun.id, ok: false, error: record.unfinished, elapsedMs: 0 });
  }
  const steps = server.journal.entries({ since: startSeq }).filter((e) => e.grant !== undefined && e.endpoint !== 'token');
  const issued = steps.find((e) => e.interaction === 'code_issued') ?? steps[0];
  if (issued?.grant) record.grant = issued.grant;
  const error = callbackParameter(landed, 'error');
  if (error) record.callbackError = error.slice(0, 60);
  record.callbackSeq = server.journal.recorded;
  const answer = stage.listener ? await deliverToListener(landed, stage.nextId(), timeoutMs) : await session.work({ id: stage.nextId(), op: 'callback', url: landed }, timeoutMs);
  if ('noReport' in answer && answer.noReport) record.unfinished = answer.error;
  return finish(record, server, answer);
}

/** A `sign-out` step: the client signs the person out and the browser visits the URL it gives. */
export async function playSignOut(stage: SignInStage, _step: SignOutStep): Promise<SignInRecord> {
  const { server, session } = stage;
  const startSeq = server.journal.recorded;
  const answer = await session.work({ id: stage.nextId(), op: 'sign-out' }, stage.timeoutMs);
  const record: SignInRecord = { kind: 'sign-out', id: answer.id, ok: answer.ok, startSeq, endSeq: startSeq, harnessSeqs: [], ...(answer.url ? { url: answer.url } : {}) };
  const wrong = answer.url === undefined ? undefined : notOurUrl(answer.url, server.url, 'end-session URL', 'UNDERSTUDY_END_SESSION_URL');
  if (wrong) record.unfinished = wrong;
  else if (answer.ok && answer.url) {
    try {
      await stage.person.visit(answer.url);
    } catch (error) {
      if (!(error instanceof PersonError)) throw error;
      record.unfinished = `the browser could not follow the sign-out URL: ${error.message}`;
    }
  }
  return finish(record, server, answer);
}

/** A step not played: the client left an earlier sign-in operation unanswered. */
export function skippedStep(kind: 'sign-in' | 'sign-out', why: string, seq: number): SignInRecord {
  return { kind, id: 0, ok: false, error: why, unfinished: why, startSeq: seq, endSeq: seq, harnessSeqs: [] };
}

async function finish(record: SignInRecord, server: UnderstudyServer, answer: WorkResult): Promise<SignInRecord> {
  await server.settle();
  record.id = answer.id;
  record.ok = answer.ok;
  if (answer.error) record.error = answer.error;
  if (answer.timedOut) record.timedOut = true;
  if (answer.subject) record.subject = answer.subject;
  record.endSeq = server.journal.recorded;
  return record;
}

function credentials(stage: SignInStage, named: string | undefined): Pick<PersonChoices, 'username' | 'password'> {
  const user = signInUser(stage.server.config.users, named ?? stage.defaultUser);
  return { username: user.username, password: user.password };
}

/**
 * The configured user a sign-in step logs in as; the runner asks before the timeline starts, so
 * that a scenario naming no user, or an unknown one, is invalid whatever the client does.
 * @throws HarnessError SCENARIO_INVALID naming the fix.
 */
export function signInUser<U extends { username: string }>(users: readonly U[], username: string | undefined): U {
  if (username === undefined) throw new HarnessError('SCENARIO_INVALID', 'sign-in: no user to sign in as; give client.user (or sign-in.user) one of server.users');
  const user = users.find((u) => u.username === username);
  if (!user) throw new HarnessError('SCENARIO_INVALID', `sign-in: user ${username} is not one of the server's users (${users.map((u) => u.username).join(', ') || 'none configured: add server.users'})`);
  return user;
}

/** Why a URL the client gave cannot be where the browser goes (it must be understudy's), or undefined when it can. */
function notOurUrl(url: string, origin: string, what: string, variable: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `the client's ${what} is not a URL: ${url.slice(0, 120)}`;
  }
  if (parsed.origin !== new URL(origin).origin) return `the client's ${what} ${parsed.origin}${parsed.pathname} is not on understudy (${origin}); use ${variable}`;
  return undefined;
}

/**
 * The attacker's own authorization request (RFC 6749 §10.12): the client's request with the
 * attacker's state, nonce and PKCE challenge (RFC 9700 §4.5), so that only the client's own checks
 * can stop the code. A client that sends no PKCE challenge meets an attacker who sends none.
 */
function forgedAuthorizationUrl(clientUrl: string): string {
  const url = new URL(clientUrl);
  const random = () => randomBytes(24).toString('base64url');
  url.searchParams.set('state', random());
  if (url.searchParams.has('nonce')) url.searchParams.set('nonce', random());
  if (url.searchParams.has('code_challenge')) {
    url.searchParams.set('code_challenge', createHash('sha256').update(random()).digest('base64url'));
    url.searchParams.set('code_challenge_method', 'S256');
  }
  return url.href;
}

/** The callback the attacker hands the client: its code, with its own state or none. */
function forgedCallback(landed: string, forge: 'wrong-state' | 'no-state'): string {
  if (forge === 'wrong-state') return landed;
  const url = new URL(landed);
  url.searchParams.delete('state');
  return url.href;
}

/** A parameter of the callback, in its query or (response_mode=fragment) its fragment. */
function callbackParameter(url: string, name: string): string | undefined {
  const parsed = new URL(url);
  return parsed.searchParams.get(name) ?? new URLSearchParams(parsed.hash.slice(1)).get(name) ?? undefined;
}

/** A client with a callback listener of its own: the browser's return is a GET there; its answer is the report. */
async function deliverToListener(url: string, id: number, timeoutMs: number): Promise<WorkResult & { noReport?: true }> {
  const started = performance.now();
  try {
    const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    let report: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object' && typeof (parsed as { ok?: unknown }).ok === 'boolean') report = parsed as Record<string, unknown>;
    } catch {
      // Not a JSON report: the status says it.
    }
    // A JSON report, or a 2xx (signed in) or 4xx/5xx (refused). A redirect (a web app's 302 to
    // /home, or to /login?error=) says nothing of how the sign-in went: it is no report.
    if (!report && response.status >= 300 && response.status < 400) {
      return { id, ok: false, error: `the callback listener answered a redirect (${response.status}), not a report: answer the harness's GET with a JSON report or a 2xx`, noReport: true, elapsedMs: performance.now() - started };
    }
    const ok = report ? report.ok === true : response.status >= 200 && response.status < 300;
    return { id, ...(report ? reportFields(report) : {}), ok, ...(ok || report?.error ? {} : { error: `the callback listener answered ${response.status}` }), elapsedMs: performance.now() - started };
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    return { id, ok: false, error: `the callback listener at ${url.split('?')[0]} did not answer: ${(error as Error).message}`, ...(timedOut ? { timedOut: true } : {}), elapsedMs: performance.now() - started };
  }
}
