/**
 * The timeline's refresh-token bars work out each refresh token's life from journal entries alone
 * (server/dashboard/assets/refresh-spans.js, plain browser JavaScript without the DOM): from the
 * token response that issued it to the refresh that rotated it, a revocation, or its expiry, with
 * the refreshes that presented it and were refused. Judged on hand-made journals, and on the
 * journal of a real sign-in as the dashboard's event stream sends it to the page.
 */
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../server/index.ts';
import { HttpPerson } from '../support/http-person.ts';
import { T0, tokenIssued } from '../support/journal-entries.ts';
import { startServer, type UnderstudyServer } from '../support/start-server.ts';
import { readSse } from './sse-reader.ts';

/** What the tests read of refresh-spans.js (a browser module, not TypeScript: typed here by hand). */
interface Presentation {
  seq: number;
  time: number;
  ok: boolean;
  refusal?: 'expired' | 'reused' | 'revoked' | 'other';
  error?: string;
  reason: string;
}
interface RefreshSpan {
  fingerprint: string;
  seq: number;
  start: number;
  exp: number;
  jti?: string;
  grant?: string;
  clientId?: string;
  user?: string;
  grantType?: string;
  delivered: boolean;
  rotatedFrom?: string;
  rotatedAt?: number;
  rotatedSeq?: number;
  rotatedTo?: string;
  revokedAt?: number;
  presentations: Presentation[];
  droppedPresentations: number;
}
interface RefreshLife {
  state: 'live' | 'rotated' | 'expired' | 'revoked';
  end: number;
  lived: number;
  left?: number;
  refused: boolean;
  label: string;
}
interface RefreshSpansModule {
  refreshSpans(entries: Iterable<JournalEntry>, options?: { maxSpans?: number }): RefreshSpan[];
  refreshLife(span: RefreshSpan, now: number): RefreshLife;
  describeRefreshSpan(span: RefreshSpan, life: RefreshLife, time: (seconds: number) => string): string;
  RefreshSpans: new (options?: { maxSpans?: number }) => {
    add(entry: JournalEntry): RefreshSpan[];
    revokeClient(clientId: string, time: number): RefreshSpan[];
    get(fingerprint: string): RefreshSpan | undefined;
    list(): RefreshSpan[];
    clear(): void;
  };
}

// A specifier the compiler does not follow: the module is JavaScript, which tsc does not check here.
const moduleUrl = new URL('../../server/dashboard/assets/refresh-spans.js', import.meta.url).href;
const { RefreshSpans, describeRefreshSpan, refreshLife, refreshSpans } = (await import(moduleUrl)) as RefreshSpansModule;

const HOUR = 3600;
const DAY = 86_400;
const WEEK = 7 * DAY;
/** Fingerprints as the journal writes them: 12 base64url characters. */
const fp = (name: string) => `${name}`.padEnd(12, '_');

/** A token response of grant `g` that issued refresh token `issues` (valid a week), presenting `presents` if given. */
function issuing(seq: number, fields: { issues: string; presents?: string; time?: number; grant?: string } & Partial<JournalEntry>): JournalEntry {
  const { issues, presents, grant = 'g1', ...rest } = fields;
  const time = rest.time ?? T0 + seq;
  return tokenIssued(seq, {
    clientId: 'web-app',
    user: 'ada',
    grant,
    grantType: presents ? 'refresh_token' : 'authorization_code',
    ...(presents ? {} : { interaction: 'code_redeemed' as const }),
    credentials: { ...(presents ? { refreshToken: fp(presents) } : { code: fp('code') }), issuedRefreshToken: { fingerprint: fp(issues), exp: time + WEEK } },
    reason: 'issued a 3600s token to web-app with an ID token and a refresh token',
    ...rest,
  });
}

/** A refresh presenting `presents`, refused with invalid_grant (or `error`) for `reason`. */
function refusedRefresh(seq: number, presents: string, reason: string, fields: Partial<JournalEntry> = {}): JournalEntry {
  return tokenIssued(seq, {
    clientId: 'web-app',
    grant: 'g1',
    grantType: 'refresh_token',
    status: 400,
    error: 'invalid_grant',
    decision: 'rejected',
    issued: undefined,
    credentials: { refreshToken: fp(presents) },
    reason,
    ...fields,
  });
}

const byName = (spans: RefreshSpan[]) => new Map(spans.map((span) => [span.fingerprint.replace(/_+$/, ''), span]));

describe('refresh-token spans from hand-made journals', () => {
  it('a refresh token lives from the response that issued it to the refresh that rotated it; the one issued then lives on, its time left counting down', () => {
    const spans = byName(
      refreshSpans([
        tokenIssued(1, { clientId: 'demo-client' }),
        issuing(2, { issues: 'rt1' }),
        issuing(3, { issues: 'rt2', presents: 'rt1', time: T0 + 2 + HOUR }),
      ]),
    );
    expect([...spans.keys()]).toEqual(['rt1', 'rt2']);
    const rt1 = spans.get('rt1') as RefreshSpan;
    const rt2 = spans.get('rt2') as RefreshSpan;
    expect(rt1).toMatchObject({ seq: 2, start: T0 + 2, exp: T0 + 2 + WEEK, grant: 'g1', clientId: 'web-app', user: 'ada', jti: expect.any(String), delivered: true });
    expect(rt1).toMatchObject({ rotatedAt: T0 + 2 + HOUR, rotatedSeq: 3, rotatedTo: fp('rt2') });
    expect(rt1.presentations).toEqual([{ seq: 3, time: T0 + 2 + HOUR, ok: true, reason: expect.any(String) }]);
    expect(rt2).toMatchObject({ seq: 3, start: T0 + 2 + HOUR, rotatedFrom: fp('rt1'), presentations: [] });
    expect(rt2.rotatedAt).toBeUndefined();

    // Days later the first is still rotated at the same point; the second has time left.
    const now = T0 + 2 + HOUR + 2 * DAY;
    expect(refreshLife(rt1, now)).toEqual({ state: 'rotated', end: T0 + 2 + HOUR, lived: HOUR, refused: false, label: 'rotated after 1 h' });
    expect(refreshLife(rt2, now)).toEqual({ state: 'live', end: rt2.exp, lived: 2 * DAY, left: 5 * DAY, refused: false, label: '5 d left' });
    expect(refreshLife(rt2, rt2.start + 30).label).toBe('7 d left');
    expect(refreshLife(rt2, rt2.exp - 90).label).toBe('90 s left');
  });

  it('one never used expires at its exp, and a refresh that presents it afterwards is refused: expired, and marked so', () => {
    const journal = [issuing(1, { issues: 'rt1' })];
    const exp = T0 + 1 + WEEK;
    const idle = byName(refreshSpans(journal)).get('rt1') as RefreshSpan;
    expect(refreshLife(idle, exp - 1)).toMatchObject({ state: 'live', left: 1 });
    expect(refreshLife(idle, exp)).toEqual({ state: 'expired', end: exp, lived: WEEK, refused: false, label: 'expired after 7 d' });

    journal.push(refusedRefresh(2, 'rt1', `refresh token expired at ${exp}`, { time: exp + 60 }));
    const refused = byName(refreshSpans(journal)).get('rt1') as RefreshSpan;
    expect(refused.presentations).toEqual([{ seq: 2, time: exp + 60, ok: false, refusal: 'expired', error: 'invalid_grant', reason: `refresh token expired at ${exp}` }]);
    expect(refreshLife(refused, exp + 61)).toEqual({ state: 'expired', end: exp, lived: WEEK, refused: true, label: 'expired after 7 d · refresh refused' });
    // The server forgets an expired refresh token after a while: "unknown" then, expired all the same.
    const forgotten = byName(refreshSpans([journal[0] as JournalEntry, refusedRefresh(2, 'rt1', 'unknown refresh token', { time: exp + DAY, grant: undefined })])).get('rt1') as RefreshSpan;
    expect(forgotten.presentations[0]?.refusal).toBe('expired');
    expect(refreshLife(forgotten, exp + DAY)).toMatchObject({ state: 'expired', refused: true });
  });

  it('a rotated one presented again is a reuse: refused after its end, the bar still ends at the rotation', () => {
    const spans = byName(
      refreshSpans([issuing(1, { issues: 'rt1' }), issuing(2, { issues: 'rt2', presents: 'rt1' }), refusedRefresh(3, 'rt1', `refresh token reused; it was consumed at ${T0 + 2}`)]),
    );
    const rt1 = spans.get('rt1') as RefreshSpan;
    expect(rt1.presentations.map((p) => [p.seq, p.ok, p.refusal])).toEqual([
      [2, true, undefined],
      [3, false, 'reused'],
    ]);
    expect(refreshLife(rt1, T0 + 10)).toEqual({ state: 'rotated', end: T0 + 2, lived: 1, refused: true, label: 'rotated after 1 s · reused' });
    expect(refreshLife(spans.get('rt2') as RefreshSpan, T0 + 10).state).toBe('live');
  });

  it('a refresh refused for another reason, or one a fault answered before the server saw the token, leaves it alive', () => {
    const spans = byName(
      refreshSpans([
        issuing(1, { issues: 'rt1' }),
        refusedRefresh(2, 'rt1', 'the refresh token does not carry admin', { error: 'invalid_scope' }),
        // A fault answered before the token endpoint read the form: no credentials in the entry.
        refusedRefresh(3, 'rt1', 'fault: temporarily unavailable', { status: 503, error: 'temporarily_unavailable', credentials: undefined }),
      ]),
    );
    const rt1 = spans.get('rt1') as RefreshSpan;
    expect(rt1.presentations).toMatchObject([{ seq: 2, ok: false, refusal: 'other', error: 'invalid_scope' }]);
    expect(refreshLife(rt1, T0 + 10)).toMatchObject({ state: 'live', refused: false });
  });

  it('a refresh refused as revoked ends every refresh token of its grant still alive at the revocation, not another grant\'s', () => {
    const spans = byName(
      refreshSpans([
        issuing(1, { issues: 'rt1' }),
        issuing(2, { issues: 'rt2', presents: 'rt1' }),
        issuing(3, { issues: 'other', grant: 'g2' }),
        // The client presents the old one after its grant was revoked at T0 + 5.
        refusedRefresh(6, 'rt1', `refresh token revoked at ${T0 + 5}`),
      ]),
    );
    expect(refreshLife(spans.get('rt1') as RefreshSpan, T0 + 10)).toMatchObject({ state: 'rotated', end: T0 + 2, refused: true });
    expect(spans.get('rt2')?.revokedAt).toBe(T0 + 5);
    expect(refreshLife(spans.get('rt2') as RefreshSpan, T0 + 10)).toEqual({ state: 'revoked', end: T0 + 5, lived: 3, refused: false, label: 'revoked after 3 s' });
    expect(refreshLife(spans.get('other') as RefreshSpan, T0 + 10).state).toBe('live');
  });

  it('a revocation of a client\'s tokens ends its live refresh tokens issued until then; a revocation entry naming a grant ends that grant\'s', () => {
    const model = new RefreshSpans();
    for (const e of [issuing(1, { issues: 'a1' }), issuing(2, { issues: 'b1', grant: 'g2' }), issuing(3, { issues: 'c1', grant: 'g3', clientId: 'other-app' })]) model.add(e);
    expect(model.revokeClient('web-app', T0 + 2.5).map((s) => s.fingerprint)).toEqual([fp('a1'), fp('b1')]);
    // Again, later: nothing more to end.
    expect(model.revokeClient('web-app', T0 + 4)).toEqual([]);
    model.add(issuing(5, { issues: 'a2', grant: 'g4' }));
    expect(model.get(fp('a2'))?.revokedAt).toBeUndefined();
    // RFC 7009: revoking a refresh token revokes its grant. A revoke entry that names the grant ends it.
    const revoked = model.add({ ...tokenIssued(6), endpoint: 'revoke', path: '/oauth2/v1/revoke', decision: 'served', issued: undefined, grant: 'g3', reason: "revoked the refresh token's grant: its refresh tokens and 1 access token" });
    expect(revoked.map((s) => s.fingerprint)).toEqual([fp('c1')]);
    expect(model.list().map((s) => refreshLife(s, T0 + 10).state)).toEqual(['revoked', 'revoked', 'revoked', 'live']);
  });

  it('a refresh token whose answer was cut is marked undelivered; entries that issue no refresh token make no span', () => {
    const spans = refreshSpans([
      tokenIssued(1, { clientId: 'demo-client' }),
      tokenIssued(2, { grantType: 'password', user: 'ada' }),
      issuing(3, { issues: 'rt1', transport: 'truncated' }),
    ]);
    expect(spans.map((s) => [s.fingerprint, s.delivered])).toEqual([[fp('rt1'), false]]);
    expect(describeRefreshSpan(spans[0] as RefreshSpan, refreshLife(spans[0] as RefreshSpan, T0 + 10), String)).toContain('never delivered whole to the client');
  });

  it('the tooltip names the tokens by fingerprint, the rotation and the refusals', () => {
    const [rt1] = refreshSpans([issuing(1, { issues: 'rt1' }), issuing(2, { issues: 'rt2', presents: 'rt1' }), refusedRefresh(3, 'rt1', 'refresh token reused; it was consumed at 1700000002')]);
    const text = describeRefreshSpan(rt1 as RefreshSpan, refreshLife(rt1 as RefreshSpan, T0 + 10), (t) => `t${t - T0}`);
    expect(text.split('\n')).toEqual([
      `refresh token ${fp('rt1')} (fingerprint), issued t1, valid until t${1 + WEEK} (7 d)`,
      `rotated at t2 by request #2, after 1 s; replaced by ${fp('rt2')}`,
      'refresh #3 at t3 refused (reused, invalid_grant): refresh token reused; it was consumed at 1700000002',
    ]);
  });

  it('stays bounded: the oldest spans leave, and a token presented over and over keeps its latest refreshes', () => {
    const entries = Array.from({ length: 5 }, (_, i) => issuing(i + 1, { issues: `rt${i + 1}`, grant: `g${i + 1}` }));
    expect(refreshSpans(entries, { maxSpans: 3 }).map((s) => s.seq)).toEqual([3, 4, 5]);
    const many = [issuing(1, { issues: 'rt1' }), ...Array.from({ length: 25 }, (_, i) => refusedRefresh(i + 2, 'rt1', 'the refresh token does not carry admin', { error: 'invalid_scope' }))];
    const [span] = refreshSpans(many);
    expect(span?.presentations).toHaveLength(20);
    expect(span?.droppedPresentations).toBe(5);
    expect(span?.presentations[0]?.seq).toBe(7);
  });
});

describe('refresh-token spans from a real sign-in, as the event stream sends the journal to the page', () => {
  const REDIRECT = 'http://127.0.0.1:7999/callback';
  let server: UnderstudyServer;

  beforeAll(async () => {
    server = await startServer({
      config: {
        users: [{ username: 'ada', password: 'lovelace', email: 'ada@example.test' }],
        clients: [{ id: 'web-app', secret: 'web-secret', grants: ['authorization_code', 'refresh_token'], redirectUris: [REDIRECT] }],
      },
    });
  });
  afterAll(() => server?.close());

  it('code, then a refresh an hour later, then the new refresh token left idle a week: rotated, then expired and refused', async () => {
    const config = await client.discovery(new URL('/.well-known/openid-configuration', server.url), 'web-app', 'web-secret', undefined, { execute: [client.allowInsecureRequests] });
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid profile offline_access', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: 'st', nonce: 'nc' });
    const callback = await new HttpPerson(server.url).signIn(url.href);
    const first = await client.authorizationCodeGrant(config, new URL(callback), { pkceCodeVerifier: verifier, expectedState: 'st', expectedNonce: 'nc' });
    server.clock.advance(HOUR);
    const second = await client.refreshTokenGrant(config, first.refresh_token as string);
    // Presented again: single use, refused.
    await expect(client.refreshTokenGrant(config, first.refresh_token as string)).rejects.toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/consumed/) });
    server.clock.advance(WEEK + 60);
    await expect(client.refreshTokenGrant(config, second.refresh_token as string)).rejects.toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/expired/) });

    // What the page gets: the snapshot of /_understudy/events.
    const response = await fetch(`${server.urls.controlUrl}/events`);
    const sse = readSse(response.body as ReadableStream<Uint8Array>);
    const { entries } = await sse.nextNamed<{ entries: JournalEntry[] }>('snapshot');
    await sse.cancel();
    const token = entries.filter((e) => e.endpoint === 'token');
    expect(token.map((e) => [e.grantType, e.status])).toEqual([
      ['authorization_code', 200],
      ['refresh_token', 200],
      ['refresh_token', 400],
      ['refresh_token', 400],
    ]);
    // Fingerprints only: no token value anywhere in what the page is sent.
    const sent = JSON.stringify(entries);
    for (const value of [first.refresh_token, second.refresh_token, first.access_token, second.access_token]) expect(sent).not.toContain(value);

    const [rt1, rt2, ...others] = refreshSpans(entries);
    expect(others).toEqual([]);
    const [redeemed, refreshed, reused, late] = token as [JournalEntry, JournalEntry, JournalEntry, JournalEntry];
    expect(rt1).toMatchObject({ seq: redeemed.seq, jti: redeemed.issued?.jti, grant: redeemed.grant, rotatedSeq: refreshed.seq, rotatedTo: rt2?.fingerprint, delivered: true });
    expect(rt2).toMatchObject({ seq: refreshed.seq, jti: refreshed.issued?.jti, grant: redeemed.grant, rotatedFrom: rt1?.fingerprint });
    expect(rt2?.exp).toBe(refreshed.credentials?.issuedRefreshToken?.exp);
    expect(rt1?.presentations.map((p) => [p.seq, p.ok, p.refusal])).toEqual([
      [refreshed.seq, true, undefined],
      [reused.seq, false, 'reused'],
    ]);
    expect(rt2?.presentations.map((p) => [p.seq, p.ok, p.refusal])).toEqual([[late.seq, false, 'expired']]);

    const now = server.clock.nowSeconds();
    const life1 = refreshLife(rt1 as RefreshSpan, now);
    expect(life1).toMatchObject({ state: 'rotated', end: refreshed.time, refused: true, label: 'rotated after 1 h · reused' });
    const life2 = refreshLife(rt2 as RefreshSpan, now);
    // Its life is the server's refresh token lifetime, seven days.
    expect(life2).toMatchObject({ state: 'expired', end: rt2?.exp, refused: true, label: 'expired after 7 d · refresh refused' });
    expect(life2.lived).toBeCloseTo(WEEK, -1);
  });
});
