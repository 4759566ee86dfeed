/**
 * The journal through the control API: one entry per request (control calls excluded), the
 * fields an entry carries, the since / endpoint / client filters, clearing, and the bound.
 */
import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../server/index.ts';
import { DEMO_AUDIENCE, DEMO_SCOPE, EMPS_PATH, JWKS_PATH, PAYMENTS_PATH, TOKEN_PATH, decodePayload, start } from '../api/support/harness.ts';

interface Snapshot {
  entries: JournalEntry[];
  dropped: number;
}

describe('GET /_understudy/journal', () => {
  it('answers {entries, dropped}, empty on a fresh server', async () => {
    const h = await start();
    const reply = await h.control<Snapshot>('GET', '/journal');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ entries: [], dropped: 0 });
  });

  it('control API calls are not journaled', async () => {
    const h = await start();
    await h.control('GET', '/clock');
    await h.control('POST', '/clock/advance', { seconds: 1 });
    await h.control('POST', '/clock/advance', { seconds: 'bad' });
    await h.control('GET', '/no-such-control-route');
    await h.control('GET', '/clients');
    expect((await h.control<Snapshot>('GET', '/journal')).body.entries).toEqual([]);
  });

  it('records one entry per request, in order, with increasing seq', async () => {
    const h = await start();
    const token = await h.token();
    await h.api('GET', EMPS_PATH, { token });
    await h.api('GET', EMPS_PATH);
    await h.request('GET', JWKS_PATH);
    await h.request('GET', '/nowhere');
    await h.api('DELETE', EMPS_PATH, { token });
    const { entries } = (await h.control<Snapshot>('GET', '/journal')).body;
    expect(entries.map((e) => [e.endpoint, e.method, e.path, e.status, e.decision])).toEqual([
      ['token', 'POST', TOKEN_PATH, 200, 'issued'],
      ['api', 'GET', EMPS_PATH, 200, 'allowed'],
      ['api', 'GET', EMPS_PATH, 401, 'rejected'],
      ['jwks', 'GET', JWKS_PATH, 200, 'served'],
      ['other', 'GET', '/nowhere', 404, 'rejected'],
      ['api', 'DELETE', EMPS_PATH, 405, 'rejected'],
    ]);
    const seqs = entries.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('every entry has virtual time, real time, endpoint, method, path, status, decision and reason', async () => {
    const h = await start();
    await h.control('POST', '/clock/freeze');
    const { now } = (await h.control('POST', '/clock/advance', { seconds: 100_000 })).body;
    const token = await h.token();
    await h.api('GET', EMPS_PATH, { token });
    const { entries } = (await h.control<Snapshot>('GET', '/journal')).body;
    expect(entries).toHaveLength(2);
    for (const entry of entries) {
      expect(entry).toMatchObject({
        seq: expect.any(Number),
        time: expect.any(Number),
        realTime: expect.any(String),
        endpoint: expect.any(String),
        method: expect.any(String),
        path: expect.any(String),
        status: expect.any(Number),
        decision: expect.stringMatching(/^(issued|rejected|allowed|served)$/),
        reason: expect.any(String),
      });
      // time is virtual (the clock was moved a day ahead), realTime is the wall clock.
      expect(entry.time).toBeCloseTo(now, 3);
      expect(Math.abs(Date.parse(entry.realTime) - Date.now())).toBeLessThan(10_000);
      expect(entry.realTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(entry.reason.length).toBeGreaterThan(0);
    }
  });

  it('a token entry tells what was issued; an API entry tells which token was presented and the route', async () => {
    const h = await start();
    const token = await h.token();
    const { jti, exp, iat } = decodePayload(token);
    await h.api('GET', EMPS_PATH, { token });
    const [issued, used] = (await h.control<Snapshot>('GET', '/journal')).body.entries;
    expect(issued).toMatchObject({
      endpoint: 'token',
      decision: 'issued',
      clientId: 'demo-client',
      grantType: 'client_credentials',
      issued: { jti, clientId: 'demo-client', iat, exp, kid: 'SIGNING_KEY' },
    });
    expect(used).toMatchObject({
      endpoint: 'api',
      decision: 'allowed',
      route: 'hcm-employees',
      clientId: 'demo-client',
      scope: DEMO_SCOPE,
      presented: { jti, clientId: 'demo-client', iat, exp },
    });
    // The journal never holds the token itself.
    expect(JSON.stringify(issued)).not.toContain(token);
    expect(JSON.stringify(used)).not.toContain(token.split('.')[2]);
  });

  it('refused API calls are journaled with the error and the reason', async () => {
    const h = await start();
    const token = await h.token();
    await h.api('GET', EMPS_PATH);
    await h.api('POST', PAYMENTS_PATH, { token });
    await h.control('POST', '/clock/advance', { seconds: 3601 });
    await h.api('GET', EMPS_PATH, { token });
    const entries = (await h.control<Snapshot>('GET', '/journal?endpoint=api')).body.entries;
    expect(entries.map((e) => [e.status, e.decision, e.error, e.route])).toEqual([
      [401, 'rejected', undefined, 'hcm-employees'],
      [400, 'rejected', 'invalid_request', 'bank-payment'],
      [401, 'rejected', 'invalid_token', 'hcm-employees'],
    ]);
    expect(entries[1]?.reason).toContain('X-Request-Id');
    expect(entries[2]?.presented?.jti).toBe(decodePayload(token).jti);
    expect(entries[2]?.reason).toMatch(/expired/);
  });
});

describe('journal filters', () => {
  it('since=<seq> returns only later entries (a cursor)', async () => {
    const h = await start();
    await h.token();
    await h.token();
    const all = (await h.control<Snapshot>('GET', '/journal')).body.entries;
    const cursor = all[all.length - 1]!.seq;
    expect((await h.control<Snapshot>('GET', `/journal?since=${cursor}`)).body.entries).toEqual([]);
    await h.request('GET', JWKS_PATH);
    const later = (await h.control<Snapshot>('GET', `/journal?since=${cursor}`)).body.entries;
    expect(later.map((e) => e.endpoint)).toEqual(['jwks']);
    expect((await h.control<Snapshot>('GET', `/journal?since=${all[0]!.seq}`)).body.entries).toHaveLength(2);
    expect((await h.control<Snapshot>('GET', '/journal?since=0')).body.entries).toHaveLength(3);
  });

  it('since that is not a sequence number is a 400 problem', async () => {
    const h = await start();
    for (const since of ['abc', '-1', '1.5']) {
      const reply = await h.control('GET', `/journal?since=${since}`);
      expect(reply.status, since).toBe(400);
      expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(reply.body.detail).toContain('since');
    }
  });

  it('endpoint=<comma list> keeps only those endpoints; repeated parameters add up', async () => {
    const h = await start();
    const token = await h.token();
    await h.api('GET', EMPS_PATH, { token });
    await h.request('GET', JWKS_PATH);
    await h.request('GET', '/nowhere');
    const endpoints = async (query: string) => (await h.control<Snapshot>('GET', `/journal?${query}`)).body.entries.map((e) => e.endpoint);
    expect(await endpoints('endpoint=api')).toEqual(['api']);
    expect(await endpoints('endpoint=token,jwks')).toEqual(['token', 'jwks']);
    expect(await endpoints('endpoint=token&endpoint=other')).toEqual(['token', 'other']);
    expect(await endpoints('endpoint=introspect')).toEqual([]);
  });

  it('an unknown endpoint is a 400 problem naming it', async () => {
    const h = await start();
    const reply = await h.control('GET', '/journal?endpoint=api,tokens');
    expect(reply.status).toBe(400);
    expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(reply.body).toMatchObject({ status: 400, detail: expect.stringContaining('tokens') });
  });

  it('client=<id> keeps only that client', async () => {
    const h = await start({
      clients: [
        { id: 'demo-client', secret: 'demo-secret', scopes: [`${DEMO_AUDIENCE}${DEMO_SCOPE}`] },
        { id: 'second', secret: 'second-secret', scopes: [`${DEMO_AUDIENCE}${DEMO_SCOPE}`] },
      ],
    });
    const demo = await h.token();
    const second = await h.token({ clientId: 'second', secret: 'second-secret' });
    await h.api('GET', EMPS_PATH, { token: second });
    await h.api('GET', EMPS_PATH, { token: demo });
    await h.tokenRequest({ clientId: 'second', secret: 'wrong' });
    const of = async (client: string) =>
      (await h.control<Snapshot>('GET', `/journal?client=${client}`)).body.entries.map((e) => `${e.endpoint}:${e.status}`);
    expect(await of('second')).toEqual(['token:200', 'api:200', 'token:401']);
    expect(await of('demo-client')).toEqual(['token:200', 'api:200']);
    expect(await of('nobody')).toEqual([]);
  });

  it('after=<virtual time> keeps entries at or after it, as epoch seconds or ISO 8601', async () => {
    const h = await start();
    await h.control('POST', '/clock/freeze');
    await h.control('POST', '/clock/set', { time: '2030-01-01T00:00:00Z' });
    await h.request('GET', JWKS_PATH);
    await h.control('POST', '/clock/advance', { seconds: 60 });
    await h.request('GET', '/nowhere');
    const paths = async (after: string) => (await h.control<Snapshot>('GET', `/journal?after=${encodeURIComponent(after)}`)).body.entries.map((e) => e.path);
    expect(await paths('1893456000')).toEqual([JWKS_PATH, '/nowhere']);
    expect(await paths('1893456030')).toEqual(['/nowhere']);
    expect(await paths('2030-01-01T00:01:00Z')).toEqual(['/nowhere']);
    expect(await paths('2030-01-01T00:01:01Z')).toEqual([]);
    expect((await h.control('GET', '/journal?after=someday')).status).toBe(400);
  });

  it('filters combine', async () => {
    const h = await start();
    const token = await h.token();
    await h.api('GET', EMPS_PATH, { token });
    const first = (await h.control<Snapshot>('GET', '/journal')).body.entries[0]!.seq;
    await h.api('GET', EMPS_PATH, { token });
    await h.token();
    const entries = (await h.control<Snapshot>('GET', `/journal?since=${first}&endpoint=api&client=demo-client`)).body.entries;
    expect(entries).toHaveLength(2);
    expect(entries.every((e) => e.endpoint === 'api' && e.seq > first)).toBe(true);
  });
});

describe('DELETE /_understudy/journal', () => {
  it('answers 204 and empties the journal; sequence numbers keep increasing', async () => {
    const h = await start();
    await h.token();
    await h.token();
    const before = (await h.control<Snapshot>('GET', '/journal')).body.entries;
    const reply = await h.control('DELETE', '/journal');
    expect(reply.status).toBe(204);
    expect(reply.text).toBe('');
    expect((await h.control<Snapshot>('GET', '/journal')).body).toEqual({ entries: [], dropped: 0 });
    await h.request('GET', JWKS_PATH);
    const after = (await h.control<Snapshot>('GET', '/journal')).body.entries;
    expect(after).toHaveLength(1);
    expect(after[0]!.seq).toBeGreaterThan(before[before.length - 1]!.seq);
  });
});

describe('bounded journal', () => {
  it('with capacity 5, after 8 requests it keeps the last 5 and counts 3 dropped', async () => {
    const h = await start({ journal: { capacity: 5 } });
    for (let i = 0; i < 8; i += 1) await h.request('GET', `/nowhere/${i}`);
    const { entries, dropped } = (await h.control<Snapshot>('GET', '/journal')).body;
    expect(entries).toHaveLength(5);
    expect(dropped).toBe(3);
    expect(entries.map((e) => e.path)).toEqual(['/nowhere/3', '/nowhere/4', '/nowhere/5', '/nowhere/6', '/nowhere/7']);
  });

  it('clearing resets the dropped count', async () => {
    const h = await start({ journal: { capacity: 2 } });
    for (let i = 0; i < 4; i += 1) await h.request('GET', JWKS_PATH);
    expect((await h.control<Snapshot>('GET', '/journal')).body.dropped).toBe(2);
    await h.control('DELETE', '/journal');
    expect((await h.control<Snapshot>('GET', '/journal')).body.dropped).toBe(0);
  });
});
