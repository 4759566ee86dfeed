/**
 * The dashboard's sign-ins view works out the three-legged flow from journal entries alone
 * (server/dashboard/assets/sequence.js, plain browser JavaScript without the DOM): which requests
 * are steps, their names, lanes and colours, and which sign-in each belongs to. Judged on
 * hand-made journals and on the journal of a real sign-in over HTTP. A sign-in is one grant of the
 * journal (`grant`); entries without one are placed by inference.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDED_CONFIG, type JournalEntry } from '../../server/index.ts';
import { ENDPOINTS as JOURNAL_ENDPOINTS } from '../../server/journal/types.ts';
import { failedThenFullSignIn } from '../support/openid-sign-in.ts';
import { entry, jti, T0, tokenIssued } from '../support/journal-entries.ts';
import { startServer, type UnderstudyServer } from '../support/start-server.ts';

/** What the tests read of sequence.js (a browser module, not TypeScript: typed here by hand). */
interface Step {
  seq: number;
  kind: string;
  label: string;
  also?: string;
  from: 'browser' | 'client';
  toClient: boolean;
  tone: 'ok' | 'bad' | 'info';
  decision: string;
  reason: string;
  error?: string;
}
interface SignIn {
  id: number;
  grant?: string;
  clientId?: string;
  user?: string;
  attemptedUser?: string;
  steps: Step[];
  dropped: number;
  outcome: { key: string; label: string; tone: string };
}
interface SequenceModule {
  ENDPOINTS: Record<string, { label: string; caller: 'browser' | 'client'; face: string }>;
  STEP_LABELS: Record<string, string>;
  describeStep(entry: JournalEntry): Step | undefined;
  SignIns: new (options?: { maxSignIns?: number; maxSteps?: number }) => {
    add(entry: JournalEntry): { signIn: SignIn; step: Step; created: boolean; removed: SignIn[] } | undefined;
    list(): readonly SignIn[];
    clear(): void;
  };
}

// A specifier the compiler does not follow: the module is JavaScript, which tsc does not check here.
const sequenceUrl = new URL('../../server/dashboard/assets/sequence.js', import.meta.url).href;
const { ENDPOINTS, STEP_LABELS, SignIns, describeStep } = (await import(sequenceUrl)) as SequenceModule;

const AUTHORIZE = '/oauth2/v1/authorize';
const LOGIN = '/ui/v1/signin';
const CONSENT = '/ui/v1/myconsole/consent';
const TOKEN = '/oauth2/v1/token';

/** Hand-made steps of a browser flow, as the server journals them. */
const steps = {
  loginRequired: (seq: number, clientId = 'web-app') =>
    entry(seq, { endpoint: 'authorize', path: AUTHORIZE, status: 302, clientId, interaction: 'login_required', reason: `${clientId} needs a login: sent to the login page` }),
  loginShown: (seq: number, clientId = 'web-app') => entry(seq, { endpoint: 'login', path: LOGIN, clientId, interaction: 'login_shown', reason: `showed the login page for ${clientId}` }),
  loginFailed: (seq: number, user = 'ada', clientId = 'web-app') =>
    entry(seq, { endpoint: 'login', method: 'POST', path: LOGIN, clientId, user, interaction: 'login_failed', decision: 'rejected', reason: `wrong password for ${user}` }),
  loginSucceeded: (seq: number, user = 'ada', clientId = 'web-app') =>
    entry(seq, { endpoint: 'login', method: 'POST', path: LOGIN, status: 303, clientId, user, interaction: 'login_succeeded', reason: `${user} logged in; ${user} must consent to ${clientId}: sent to the consent page` }),
  consentShown: (seq: number, user = 'ada', clientId = 'web-app') =>
    entry(seq, { endpoint: 'consent', path: CONSENT, clientId, user, interaction: 'consent_shown', reason: `asked ${user} to consent to ${clientId}: openid profile` }),
  consentGiven: (seq: number, user = 'ada', clientId = 'web-app') =>
    entry(seq, {
      endpoint: 'consent',
      method: 'POST',
      path: CONSENT,
      status: 303,
      clientId,
      user,
      interaction: 'consent_given',
      decision: 'issued',
      reason: `${user} consented to ${clientId}; issued a 300s authorization code to ${clientId} for ${user}`,
    }),
  consentDenied: (seq: number, user = 'ada', clientId = 'web-app') =>
    entry(seq, { endpoint: 'consent', method: 'POST', path: CONSENT, status: 303, clientId, user, interaction: 'consent_denied', decision: 'rejected', error: 'access_denied', reason: `${user} denied consent to ${clientId}` }),
  codeIssued: (seq: number, user = 'ada', clientId = 'web-app') =>
    entry(seq, { endpoint: 'authorize', path: AUTHORIZE, status: 302, clientId, user, interaction: 'code_issued', decision: 'issued', reason: `issued a 300s authorization code to ${clientId} for ${user}` }),
  codeRedeemed: (seq: number, user = 'ada', clientId = 'web-app') =>
    tokenIssued(seq, { clientId, user, grantType: 'authorization_code', interaction: 'code_redeemed', reason: `issued a 3600s token to ${clientId} with an ID token and a refresh token` }),
  codeRefused: (seq: number, clientId = 'web-app') =>
    tokenIssued(seq, { clientId, grantType: 'authorization_code', status: 400, error: 'invalid_grant', decision: 'rejected', issued: undefined, reason: 'code reused (redeemed at 1700000009)' }),
  userinfo: (seq: number, tokenSeq: number, user = 'ada', clientId = 'web-app') =>
    entry(seq, { endpoint: 'userinfo', path: '/oauth2/v1/userinfo', clientId, user, presented: { jti: jti(tokenSeq) }, reason: `served the claims of ${user} (openid profile)` }),
  refresh: (seq: number, user = 'ada', clientId = 'web-app') => tokenIssued(seq, { clientId, user, grantType: 'refresh_token', reason: `issued a 3600s token to ${clientId} with a refresh token` }),
  refreshRefused: (seq: number, clientId = 'web-app') =>
    tokenIssued(seq, { clientId, grantType: 'refresh_token', status: 400, error: 'invalid_grant', decision: 'rejected', issued: undefined, reason: 'refresh token reused; it was consumed at 1700000011' }),
  signedOut: (seq: number, user = 'ada', clientId = 'web-app') =>
    entry(seq, { endpoint: 'logout', path: '/oauth2/v1/userlogout', status: 302, clientId, user, interaction: 'signed_out', reason: `ended the session of ${user}; sent back to http://127.0.0.1:7999/signed-out` }),
};

function signInsOf(entries: JournalEntry[]) {
  const signIns = new SignIns();
  for (const e of entries) signIns.add(e);
  return signIns.list();
}

/** The entry as a server that journals grants records it: one of grant `grant`. */
const of = (grant: string, e: JournalEntry): JournalEntry => ({ ...e, grant });
/** The entries as a journal without grants has them. */
const withoutGrants = (entries: JournalEntry[]) => entries.map(({ grant: _grant, ...e }) => e as JournalEntry);
/** "client user: seq seq..." of each sign-in, oldest first. */
const grouping = (list: readonly SignIn[]) => list.map((s) => `${s.clientId} ${s.user}: ${s.steps.map((step) => step.seq).join(' ')}`);

/** "label: reason" of each step of a sign-in, in order. */
const story = (signIn: SignIn | undefined) => signIn?.steps.map((s) => `${s.label}${s.also ? ` + ${s.also}` : ''}: ${s.reason}`);

describe('which requests are steps of a sign-in, and how they are drawn', () => {
  it('names every endpoint the journal knows, with who calls it (the browser for the pages, the client for the rest)', () => {
    expect(Object.keys(ENDPOINTS).sort()).toEqual([...JOURNAL_ENDPOINTS].sort());
    const byBrowser = Object.entries(ENDPOINTS)
      .filter(([, e]) => e.caller === 'browser')
      .map(([name]) => name);
    expect(byBrowser.sort()).toEqual(['authorize', 'consent', 'login', 'logout']);
  });

  it('names every interaction step the journal records', () => {
    for (const step of ['login_required', 'login_shown', 'login_succeeded', 'login_failed', 'consent_required', 'consent_shown', 'consent_given', 'consent_denied', 'code_issued', 'code_redeemed', 'signed_out']) {
      expect(STEP_LABELS[step], step).toMatch(/^[a-z ]+$/);
    }
  });

  it('leaves out what is no part of a sign-in: client credentials, API calls, metadata', () => {
    expect(describeStep(tokenIssued(1))).toBeUndefined();
    expect(describeStep(entry(2, { endpoint: 'api', path: '/emps' }))).toBeUndefined();
    expect(describeStep(entry(3, { endpoint: 'discovery' }))).toBeUndefined();
    expect(describeStep(entry(4, { endpoint: 'jwks' }))).toBeUndefined();
  });

  it('draws browser steps from the browser, token and userinfo calls from the client, and a code or an error sent back as going on to the client', () => {
    expect(describeStep(steps.loginRequired(1))).toMatchObject({ from: 'browser', toClient: false, tone: 'info', label: 'login required' });
    expect(describeStep(steps.consentGiven(2))).toMatchObject({ from: 'browser', toClient: true, tone: 'ok', label: 'consent given', also: 'code issued' });
    expect(describeStep(steps.consentDenied(3))).toMatchObject({ from: 'browser', toClient: true, tone: 'bad', error: 'access_denied' });
    expect(describeStep(steps.codeRedeemed(4))).toMatchObject({ from: 'client', toClient: false, tone: 'ok', label: 'code redeemed' });
    expect(describeStep(steps.userinfo(5, 4))).toMatchObject({ from: 'client', tone: 'ok', label: 'userinfo' });
    expect(describeStep(steps.signedOut(6))).toMatchObject({ from: 'browser', toClient: true, label: 'signed out' });
  });

  it('colours a failed login, a refused code or refresh and a refused authorization request as rejected', () => {
    expect(describeStep(steps.loginFailed(1))).toMatchObject({ kind: 'login_failed', label: 'login failed', tone: 'bad', decision: 'rejected', reason: 'wrong password for ada' });
    expect(describeStep(steps.codeRefused(2))).toMatchObject({ kind: 'code_refused', tone: 'bad', error: 'invalid_grant' });
    expect(describeStep(steps.refreshRefused(3))).toMatchObject({ kind: 'refresh_refused', tone: 'bad' });
    const refusedAuthorize = entry(4, { endpoint: 'authorize', path: AUTHORIZE, status: 302, clientId: 'web-app', decision: 'rejected', error: 'login_required', reason: 'no session: the user is not signed in' });
    expect(describeStep(refusedAuthorize)).toMatchObject({ kind: 'authorize_refused', label: 'authorize refused', tone: 'bad', toClient: true });
  });
});

describe('sign-ins: steps grouped by client and user, in journal order', () => {
  const fullFlow = () => [
    steps.loginRequired(1),
    steps.loginShown(2),
    steps.loginFailed(3),
    steps.loginSucceeded(4),
    steps.consentShown(5),
    steps.consentGiven(6),
    steps.codeRedeemed(7),
    steps.userinfo(8, 7),
    steps.refresh(9),
    steps.refreshRefused(10),
    steps.signedOut(11),
  ];

  it('a full flow is one sign-in, its steps in order with their reasons', () => {
    const [signIn, ...others] = signInsOf([tokenIssued(0, { clientId: 'demo-client' }), ...fullFlow()]);
    expect(others).toEqual([]);
    expect(signIn).toMatchObject({ clientId: 'web-app', user: 'ada', outcome: { key: 'signed_out' } });
    expect(story(signIn)).toEqual([
      'login required: web-app needs a login: sent to the login page',
      'login page: showed the login page for web-app',
      'login failed: wrong password for ada',
      'login succeeded: ada logged in; ada must consent to web-app: sent to the consent page',
      'consent page: asked ada to consent to web-app: openid profile',
      'consent given + code issued: ada consented to web-app; issued a 300s authorization code to web-app for ada',
      'code redeemed: issued a 3600s token to web-app with an ID token and a refresh token',
      'userinfo: served the claims of ada (openid profile)',
      'refresh: issued a 3600s token to web-app with a refresh token',
      'refresh refused: refresh token reused; it was consumed at 1700000011',
      'signed out: ended the session of ada; sent back to http://127.0.0.1:7999/signed-out',
    ]);
    expect(signIn?.steps.map((s) => s.tone)).toEqual(['info', 'info', 'bad', 'ok', 'info', 'ok', 'ok', 'ok', 'ok', 'bad', 'ok']);
  });

  it('a login that only failed is a sign-in of nobody yet, rejected: the name tried is kept apart from the user', () => {
    const [signIn] = signInsOf([steps.loginRequired(1), steps.loginShown(2), steps.loginFailed(3, 'adaa')]);
    expect(signIn).toMatchObject({ clientId: 'web-app', attemptedUser: 'adaa', outcome: { key: 'login_failed', tone: 'bad' } });
    expect(signIn?.user).toBeUndefined();
    expect(signIn?.steps.at(-1)).toMatchObject({ kind: 'login_failed', tone: 'bad', decision: 'rejected', reason: 'wrong password for adaa' });
  });

  it('a retry after a failed login with another name is the same sign-in', () => {
    const [signIn, ...others] = signInsOf([steps.loginRequired(1), steps.loginShown(2), steps.loginFailed(3, 'adaa'), steps.loginSucceeded(4, 'ada')]);
    expect(others).toEqual([]);
    expect(signIn).toMatchObject({ user: 'ada', attemptedUser: 'adaa' });
  });

  it('every authorization request starts a sign-in, one a session answers at once with a code too', () => {
    const list = signInsOf([...fullFlow().slice(0, 7), steps.codeIssued(12), steps.codeRedeemed(13)]);
    expect(list.map((s) => [s.user, s.steps.map((step) => step.kind)])).toEqual([
      ['ada', ['login_required', 'login_shown', 'login_failed', 'login_succeeded', 'consent_shown', 'consent_given', 'code_redeemed']],
      ['ada', ['code_issued', 'code_redeemed']],
    ]);
    expect(list.map((s) => s.outcome.key)).toEqual(['signed_in', 'signed_in']);
  });

  it('keeps two people signing in to one client at once apart, and two clients apart', () => {
    const list = signInsOf([
      steps.loginRequired(1),
      steps.loginRequired(2, 'other-app'),
      steps.loginShown(3),
      steps.loginSucceeded(4, 'ada'),
      steps.loginRequired(5),
      steps.loginSucceeded(6, 'grace'),
      steps.loginSucceeded(7, 'alan', 'other-app'),
      steps.consentGiven(8, 'grace'),
      steps.consentGiven(9, 'ada'),
      steps.codeRedeemed(10, 'ada'),
      steps.codeRedeemed(11, 'grace'),
      steps.signedOut(12, 'grace'),
    ]);
    expect(list.map((s) => `${s.clientId} ${s.user}: ${s.steps.map((step) => step.seq).join(' ')}`)).toEqual(['web-app ada: 1 3 4 9 10', 'other-app alan: 2 7', 'web-app grace: 5 6 8 11 12']);
  });

  it('a denied consent ends the sign-in as denied; the next attempt is a sign-in of its own', () => {
    const list = signInsOf([steps.loginRequired(1), steps.loginSucceeded(2), steps.consentShown(3), steps.consentDenied(4), steps.loginRequired(5), steps.consentShown(6)]);
    expect(list.map((s) => [s.outcome.key, s.steps.map((step) => step.seq)])).toEqual([
      ['denied', [1, 2, 3, 4]],
      ['in_progress', [5, 6]],
    ]);
  });

  it('a refused code redemption joins the sign-in whose code it was; a refresh with no sign-in in view starts one of its own', () => {
    const list = signInsOf([steps.refresh(1, 'ada', 'web-app'), steps.loginRequired(2), steps.loginSucceeded(3), steps.consentGiven(4), steps.codeRefused(5)]);
    expect(list.map((s) => s.steps.map((step) => step.kind))).toEqual([['refresh'], ['login_required', 'login_succeeded', 'consent_given', 'code_refused']]);
    expect(list[1]?.outcome.key).toBe('code_issued');
  });

  it('stays bounded: the oldest sign-ins leave, and a long sign-in keeps its latest steps', () => {
    const signIns = new SignIns({ maxSignIns: 2, maxSteps: 3 });
    const removed: number[] = [];
    for (let i = 0; i < 4; i += 1) removed.push(...(signIns.add(steps.loginRequired(i + 1))?.removed.map((s) => s.id) ?? []));
    expect(signIns.list().map((s) => s.steps[0]?.seq)).toEqual([3, 4]);
    expect(removed).toHaveLength(2);
    for (let seq = 10; seq < 15; seq += 1) signIns.add(steps.loginShown(seq));
    expect(signIns.list()[1]).toMatchObject({ dropped: 3, steps: [{ seq: 12 }, { seq: 13 }, { seq: 14 }] });
  });
});

describe('sign-ins: one per grant of the journal, whatever the order of its entries', () => {
  it('keeps two browsers signing in to one client at the same moment apart, their steps interleaved', () => {
    // Ada on her laptop (grant a) and on her phone (grant b), then Grace (grant c), all at once:
    // every step at the same time, the pages and redemptions crossing.
    const A = (e: JournalEntry) => of('a', { ...e, time: T0 + 1 });
    const B = (e: JournalEntry) => of('b', { ...e, time: T0 + 1 });
    const C = (e: JournalEntry) => of('c', { ...e, time: T0 + 1 });
    const journal = [
      A(steps.loginRequired(1)),
      B(steps.loginRequired(2)),
      C(steps.loginRequired(3)),
      A(steps.loginShown(4)),
      B(steps.loginShown(5)),
      B(steps.loginSucceeded(6, 'ada')),
      C(steps.loginShown(7)),
      A(steps.loginSucceeded(8, 'ada')),
      C(steps.loginFailed(9, 'grace')),
      B(steps.consentShown(10, 'ada')),
      A(steps.consentShown(11, 'ada')),
      C(steps.loginSucceeded(12, 'grace')),
      A(steps.consentGiven(13, 'ada')),
      B(steps.consentGiven(14, 'ada')),
      C(steps.consentGiven(15, 'grace')),
      A(steps.codeRedeemed(16, 'ada')),
      C(steps.codeRedeemed(17, 'grace')),
      B(steps.codeRedeemed(18, 'ada')),
      B(steps.refresh(19, 'ada')),
      A(steps.refresh(20, 'ada')),
    ];
    const expected = ['web-app ada: 1 4 8 11 13 16 20', 'web-app ada: 2 5 6 10 14 18 19', 'web-app grace: 3 7 9 12 15 17'];
    const list = signInsOf(journal);
    expect(grouping(list)).toEqual(expected);
    expect(list.map((s) => s.grant)).toEqual(['a', 'b', 'c']);
    expect(list.map((s) => s.outcome.key)).toEqual(['signed_in', 'signed_in', 'signed_in']);
    expect(list[2]).toMatchObject({ attemptedUser: 'grace', user: 'grace' });
    // Client, user and time order alone cannot tell these apart.
    expect(grouping(signInsOf(withoutGrants(journal)))).not.toEqual(expected);
  });

  it('files a refresh days later with the sign-in whose grant it continues, among later sign-ins of the same client and user', () => {
    const DAY = 86_400;
    const journal = [
      of('g1', steps.codeIssued(1, 'ada')),
      of('g1', steps.codeRedeemed(2, 'ada')),
      of('g2', steps.loginRequired(3)),
      of('g2', steps.loginSucceeded(4, 'ada')),
      of('g2', steps.consentGiven(5, 'ada')),
      of('g2', steps.codeRedeemed(6, 'ada')),
      of('g3', steps.codeIssued(7, 'ada', 'other-app')),
      of('g3', steps.codeRedeemed(8, 'ada', 'other-app')),
      of('g1', { ...steps.refresh(9, 'ada'), time: T0 + 3 * DAY }),
      // The refresh token it consumed, presented again: refused, still of the grant.
      of('g1', { ...steps.refreshRefused(10), time: T0 + 3 * DAY + 1 }),
      of('g2', { ...steps.refresh(11, 'ada'), time: T0 + 3 * DAY + 2 }),
      of('g3', { ...steps.refresh(12, 'ada', 'other-app'), time: T0 + 4 * DAY }),
    ];
    const expected = ['web-app ada: 1 2 9 10', 'web-app ada: 3 4 5 6 11', 'other-app ada: 7 8 12'];
    expect(grouping(signInsOf(journal))).toEqual(expected);
    expect(grouping(signInsOf(withoutGrants(journal)))).not.toEqual(expected);
  });

  it('a refresh of a grant whose sign-in is not in view starts one, and the grant\'s later refreshes join it, not a browser sign-in of the same client and user', () => {
    // Grant p began with a password grant (no step of a sign-in) or before the journal shown.
    const list = signInsOf([of('p', steps.refresh(1, 'ada')), of('g', steps.codeIssued(2, 'ada')), of('g', steps.codeRedeemed(3, 'ada')), of('p', steps.refresh(4, 'ada')), of('p', steps.refreshRefused(5))]);
    expect(list.map((s) => [s.grant, s.steps.map((step) => step.seq)])).toEqual([
      ['p', [1, 4, 5]],
      ['g', [2, 3]],
    ]);
  });

  it('places entries without a grant as before: userinfo by its token, logout by client and user; a refusal the server tied to no grant stands alone', () => {
    const refusedAuthorize = entry(8, { endpoint: 'authorize', path: AUTHORIZE, status: 302, clientId: 'web-app', decision: 'rejected', error: 'login_required', reason: 'no session: the user is not signed in' });
    const list = signInsOf([
      of('g1', steps.codeIssued(1, 'ada')),
      of('g1', steps.codeRedeemed(2, 'ada')),
      of('g2', steps.codeIssued(3, 'ada')),
      steps.userinfo(4, 2),
      // A code and a refresh token the server did not know: no sign-in's.
      steps.codeRefused(5),
      steps.refreshRefused(6),
      steps.signedOut(7, 'ada'),
      refusedAuthorize,
    ]);
    expect(list.map((s) => [s.grant, s.steps.map((step) => step.kind)])).toEqual([
      ['g1', ['code_issued', 'code_redeemed', 'userinfo']],
      ['g2', ['code_issued', 'signed_out']],
      [undefined, ['code_refused']],
      [undefined, ['refresh_refused']],
      [undefined, ['authorize_refused']],
    ]);
  });

  it('a grant whose sign-in left the bounds starts a new one', () => {
    const signIns = new SignIns({ maxSignIns: 1 });
    signIns.add(of('g1', steps.codeIssued(1, 'ada')));
    expect(signIns.add(of('g2', steps.codeIssued(2, 'ada')))?.removed.map((s) => s.grant)).toEqual(['g1']);
    const placed = signIns.add(of('g1', steps.codeRedeemed(3, 'ada')));
    expect(placed).toMatchObject({ created: true, signIn: { grant: 'g1', steps: [{ seq: 3 }] } });
    expect(placed?.removed.map((s) => s.grant)).toEqual(['g2']);
  });
});

describe('sign-ins from the journal of a real sign-in over HTTP', () => {
  const REDIRECT = 'http://127.0.0.1:7999/callback';
  const SIGNED_OUT = 'http://127.0.0.1:7999/signed-out';
  let server: UnderstudyServer;

  beforeAll(async () => {
    server = await startServer({
      config: {
        users: [{ username: 'ada', password: 'lovelace', email: 'ada@example.test' }],
        clients: [
          ...(EMBEDDED_CONFIG.clients ?? []).filter((c) => c.id === 'demo-client'),
          { id: 'web-app', secret: 'web-secret', grants: ['authorization_code', 'refresh_token'], redirectUris: [REDIRECT], postLogoutRedirectUris: [SIGNED_OUT] },
        ],
      },
    });
  });
  afterAll(() => server?.close());

  it('shows a failed sign-in, then the full flow (login, consent, code, token, userinfo, refresh, logout), in order and with the server\'s reasons', async () => {
    await failedThenFullSignIn(server.url, { redirect: REDIRECT, signedOut: SIGNED_OUT });

    const [failed, signedIn, ...others] = signInsOf(server.journal.entries());
    expect(others).toEqual([]);
    expect(failed).toMatchObject({ clientId: 'web-app', attemptedUser: 'ada', outcome: { key: 'login_failed' } });
    expect(failed?.user).toBeUndefined();
    expect(failed?.steps.map((s) => [s.kind, s.tone])).toEqual([
      ['login_required', 'info'],
      ['login_shown', 'info'],
      ['login_failed', 'bad'],
    ]);
    expect(failed?.steps.at(-1)?.reason).toBe('wrong password for ada');

    expect(signedIn).toMatchObject({ clientId: 'web-app', user: 'ada', outcome: { key: 'signed_out' } });
    expect(signedIn?.steps.map((s) => s.kind)).toEqual(['login_required', 'login_shown', 'login_succeeded', 'consent_shown', 'consent_given', 'code_redeemed', 'userinfo', 'refresh', 'signed_out']);
    // The reasons are the journal's own.
    const journal = new Map(server.journal.entries().map((e) => [e.seq, e.reason]));
    for (const step of signedIn?.steps ?? []) expect(step.reason).toBe(journal.get(step.seq));
    expect(signedIn?.steps.map((s) => s.seq)).toEqual([...(signedIn?.steps.map((s) => s.seq) ?? [])].sort((a, b) => a - b));
    expect(signedIn?.steps.find((s) => s.kind === 'consent_given')).toMatchObject({ also: 'code issued', toClient: true, tone: 'ok' });

    // Each sign-in is one grant: every entry of it carries the grant (userinfo and logout carry
    // none), each sign-in its own, and every entry of a grant is in its sign-in.
    const grantOf = new Map(server.journal.entries().map((e) => [e.seq, e.grant]));
    const grants = (signIn: SignIn | undefined) => (signIn?.steps ?? []).filter((s) => s.kind !== 'userinfo' && s.kind !== 'signed_out').map((s) => grantOf.get(s.seq));
    expect(new Set(grants(failed)).size).toBe(1);
    expect(new Set(grants(signedIn)).size).toBe(1);
    expect(grants(signedIn)).toHaveLength((signedIn?.steps.length ?? 0) - 2);
    expect(failed?.grant).toEqual(expect.any(String));
    expect(signedIn?.grant).toEqual(expect.any(String));
    expect(grants(failed)[0]).toBe(failed?.grant);
    expect(grants(signedIn)[0]).toBe(signedIn?.grant);
    expect(signedIn?.grant).not.toBe(failed?.grant);
    for (const step of signedIn?.steps ?? []) if (step.kind === 'userinfo' || step.kind === 'signed_out') expect(grantOf.get(step.seq)).toBeUndefined();
    for (const signIn of [failed, signedIn]) {
      const seqs = server.journal
        .entries()
        .filter((e) => e.grant === signIn?.grant)
        .map((e) => e.seq);
      expect(signIn?.steps.filter((s) => grantOf.get(s.seq) !== undefined).map((s) => s.seq)).toEqual(seqs);
    }
  });
});
