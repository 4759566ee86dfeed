/**
 * 429 + Retry-After (RFC 6585 §4, RFC 9110 §10.2.3) on the token endpoint and the API: the
 * answer, the policing of early retries (journaled as violations) on the virtual clock, and the
 * budget mode.
 */
import { describe, expect, it } from 'vitest';
import { DEMO_CLIENT, EMPS_PATH, expectFault, PAYMENTS_PATH, startFaultServer, type FaultServer } from './support.ts';

async function clockNow(s: FaultServer): Promise<number> {
  return (await s.send('/_understudy/clock')).json.now as number;
}

async function control(s: FaultServer, path: string, json: unknown = {}): Promise<void> {
  const reply = await s.send(`/_understudy${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) });
  expect(reply.status, reply.text).toBe(200);
}

describe('token.rate_limited', () => {
  it('answers 429 with Retry-After "30" in the IDCS error shape', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.rate_limited' });
    const reply = await s.token();
    expect(reply.status).toBe(429);
    expect(reply.headers.get('retry-after')).toBe('30');
    expect(reply.headers.get('cache-control')).toBe('no-store');
    expect(reply.headers.get('x-oracle-dms-ecid')).toBeTruthy();
    expect(reply.json).toEqual({ error: 'too_many_requests', error_description: 'Too many requests; retry after 30 seconds.' });
    const entry = await s.lastEntry();
    expect(entry).toMatchObject({ endpoint: 'token', status: 429, decision: 'rejected', error: 'too_many_requests' });
    expect(entry.violation).toBeUndefined();
    expectFault(entry, id, 'token.rate_limited', 'rate_limit');
    expect(entry.faults?.[0]?.effect).toBe('429 with Retry-After: 30');
    // What the client was told, for the judge.
    expect(entry.retryAfter).toBe(30);
  });

  it('format "none": no Retry-After, nothing told, and no later request is policed as a violation', async () => {
    const s = await startFaultServer();
    await s.addFault({ preset: 'token.rate_limited', params: { format: 'none' }, match: { times: 1 } });
    const reply = await s.token();
    expect(reply.status).toBe(429);
    expect(reply.headers.get('retry-after')).toBeNull();
    expect((await s.lastEntry()).retryAfter).toBeUndefined();
    expect((await s.token()).status).toBe(200);
    expect((await s.lastEntry()).violation).toBeUndefined();
  });

  it('an early retry is 429 again and journaled as a retry_after violation; after 31 virtual seconds the policing stops', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.rate_limited' });
    expect((await s.token()).status).toBe(429);

    const early = await s.token();
    expect(early.status).toBe(429);
    expect(early.headers.get('retry-after')).toBe('30');
    let entry = await s.lastEntry();
    expect(entry.violation).toMatchObject({ kind: 'retry_after', rule: id });
    expect(entry.violation?.earlyBySeconds).toBeGreaterThan(29);
    expect(entry.violation?.earlyBySeconds).toBeLessThanOrEqual(30);
    expectFault(entry, id, 'token.rate_limited', 'rate_limit');
    expect(entry.faults?.[0]?.effect).toMatch(/^refused again: asked [\d.]+s before Retry-After had passed$/);

    await s.advance(10);
    const stillEarly = await s.token();
    expect(stillEarly.status).toBe(429);
    expect(stillEarly.headers.get('retry-after')).toBe('20');
    entry = await s.lastEntry();
    expect(entry.violation?.earlyBySeconds).toBeGreaterThan(19);
    expect(entry.violation?.earlyBySeconds).toBeLessThanOrEqual(20);

    await s.advance(31);
    const late = await s.token();
    // The rule still applies to every token request, so it is a fresh 429, not a violation.
    expect(late.status).toBe(429);
    expect(late.headers.get('retry-after')).toBe('30');
    entry = await s.lastEntry();
    expect(entry.violation).toBeUndefined();
    expect(entry.faults?.[0]?.effect).toBe('429 with Retry-After: 30');
    // Policed retries are not counted as matches of the rule (they do not move nth/times), but
    // each one the rule refused again is the rule acting.
    expect((await s.listFaults())[0]).toMatchObject({ id, matched: 2, applied: 4 });
  });

  it('a one-shot rate limit (times 1) keeps policing early retries, then lets the client through', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.rate_limited', match: { times: 1 } });
    expect((await s.token()).status).toBe(429);
    expect((await s.token()).status).toBe(429);
    expect((await s.lastEntry()).violation?.rule).toBe(id);
    await s.advance(31);
    const ok = await s.token();
    expect(ok.status).toBe(200);
    const entry = await s.lastEntry();
    expect(entry.violation).toBeUndefined();
    expect(entry.faults).toBeUndefined();
  });

  it('params retryAfter sets the delay', async () => {
    const s = await startFaultServer();
    await s.addFault({ preset: 'token.rate_limited', params: { retryAfter: 5 }, match: { times: 1 } });
    expect((await s.token()).headers.get('retry-after')).toBe('5');
    await s.advance(5);
    expect((await s.token()).status).toBe(200);
  });

  it('policing is per client: another client is not a violator', async () => {
    const s = await startFaultServer({ config: { clients: [{ id: 'demo-client', secret: 'demo-secret' }, { id: 'other', secret: 'other-secret' }] } });
    await s.addFault({ preset: 'token.rate_limited', match: { times: 1 } });
    expect((await s.token()).status).toBe(429);
    expect((await s.token({ clientId: 'other', secret: 'other-secret' })).status).toBe(200);
    expect((await s.lastEntry()).violation).toBeUndefined();
    expect((await s.token()).status).toBe(429);
    expect((await s.lastEntry()).violation).toBeDefined();
  });

  it('format "http-date": Retry-After is an HTTP-date 30 s after the response\'s Date, whatever the virtual clock says', async () => {
    const s = await startFaultServer();
    // A year ahead on the virtual clock: a client on real time compares the date with its own clock and the Date header.
    await s.advance(86_400 * 365);
    const id = await s.addFault({ preset: 'token.rate_limited', params: { format: 'http-date' } });
    const before = Date.now() / 1000;
    const reply = await s.token();
    expect(reply.status).toBe(429);
    const header = reply.headers.get('retry-after') as string;
    expect(header).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    const date = Date.parse(header) / 1000;
    expect(date).toBeGreaterThanOrEqual(Math.floor(before) + 29);
    expect(date).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 31);
    expect(date - Date.parse(reply.headers.get('date') as string) / 1000).toBeGreaterThanOrEqual(29);
    expect(reply.json.error_description).toBe(`Too many requests; retry after ${header}.`);
    const entry = await s.lastEntry();
    expectFault(entry, id, 'token.rate_limited', 'rate_limit');
    expect(entry.faults?.[0]?.effect).toBe(`429 with Retry-After: ${header}`);

    const early = await s.token();
    expect(early.status).toBe(429);
    expect(Date.parse(early.headers.get('retry-after') as string)).not.toBeNaN();
    expect((await s.lastEntry()).violation?.kind).toBe('retry_after');
  });

  it('a retry exactly at the advertised HTTP-date is not a violation', async () => {
    const s = await startFaultServer();
    await control(s, '/clock/freeze');
    await s.addFault({ preset: 'token.rate_limited', params: { format: 'http-date' }, match: { times: 1 } });
    const reply = await s.token();
    const advertised = Date.parse(reply.headers.get('retry-after') as string) / 1000;
    await control(s, '/clock/set', { time: advertised });
    const retry = await s.token();
    expect((await s.lastEntry()).violation).toBeUndefined();
    expect(retry.status).toBe(200);
  });

  it('budget mode (limit/window): limit requests per window pass, then 429 until the window ends', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.rate_limited', params: { limit: 2, window: 60 } });
    const first = await s.token();
    expect(first.status).toBe(200);
    // Within the budget the rule does not touch the request: no note in the journal, no count.
    expect((await s.lastEntry()).faults).toBeUndefined();
    expect((await s.token()).status).toBe(200);
    expect((await s.lastEntry()).faults).toBeUndefined();
    expect((await s.listFaults())[0]).toMatchObject({ id, matched: 2, applied: 0 });

    const spent = await s.token();
    expect(spent.status).toBe(429);
    expect(spent.headers.get('retry-after')).toBe('60');
    expect(spent.json.error_description).toBe('Too many requests; retry after 60 seconds.');
    let entry = await s.lastEntry();
    expectFault(entry, id, 'token.rate_limited', 'rate_limit');
    expect(entry.violation).toBeUndefined();
    expect(entry.reason).toBe('fault: budget of 2 per 60s spent');

    await s.advance(20);
    const early = await s.token();
    expect(early.status).toBe(429);
    expect(early.headers.get('retry-after')).toBe('40');
    expect((await s.lastEntry()).violation).toMatchObject({ kind: 'retry_after', rule: id });

    await s.advance(41);
    expect((await s.token()).status).toBe(200);
    expect((await s.lastEntry()).faults).toBeUndefined();
  });

  it('budget mode with a client that keeps within the budget never sees a 429', async () => {
    const s = await startFaultServer();
    await s.addFault({ preset: 'token.rate_limited', params: { limit: 1, window: 10 } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      statuses.push((await s.token()).status);
      await s.advance(10);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
  });

  it('the rate limit is counted against the client id, as journaled', async () => {
    const s = await startFaultServer();
    await s.addFault({ preset: 'token.rate_limited', params: { limit: 1 } });
    await s.token();
    await s.token();
    const entries = await s.journal();
    expect(entries.map((e) => e.status)).toEqual([200, 429]);
    expect(entries[0]?.clientId).toBe(DEMO_CLIENT.id);
  });
});

describe('api.rate_limited', () => {
  it('the API answers 429 + Retry-After "30"; an early retry is a violation; the token endpoint is untouched', async () => {
    const s = await startFaultServer();
    const token = await s.accessToken();
    const id = await s.addFault({ preset: 'api.rate_limited' });
    const reply = await s.api(token);
    expect(reply.status).toBe(429);
    expect(reply.headers.get('retry-after')).toBe('30');
    expect(reply.headers.get('x-oracle-dms-ecid')).toBeNull();
    expect(reply.json).toEqual({ error: 'too_many_requests', error_description: 'Too many requests; retry after 30 seconds.' });
    let entry = await s.lastEntry();
    expect(entry).toMatchObject({ endpoint: 'api', status: 429, decision: 'rejected' });
    expectFault(entry, id, 'api.rate_limited', 'rate_limit');

    expect((await s.api(token)).status).toBe(429);
    entry = await s.lastEntry();
    expect(entry.violation).toMatchObject({ kind: 'retry_after', rule: id });

    expect((await s.token()).status).toBe(200);
  });

  it('params format "http-date" and retryAfter', async () => {
    const s = await startFaultServer();
    const token = await s.accessToken();
    await s.addFault({ preset: 'api.rate_limited', params: { retryAfter: 120, format: 'http-date' } });
    const now = await clockNow(s);
    const header = (await s.api(token)).headers.get('retry-after') as string;
    expect(Date.parse(header) / 1000 - now).toBeGreaterThan(118);
    expect(Date.parse(header) / 1000 - now).toBeLessThan(122);
  });

  it('a path-limited rate limit does not police other paths', async () => {
    const s = await startFaultServer();
    const token = await s.accessToken();
    await s.addFault({ action: { type: 'rate_limit', retryAfter: 30 }, match: { endpoint: 'api', path: '/hcmRestApi/**' } });
    expect((await s.api(token, { path: EMPS_PATH })).status).toBe(429);
    const other = await s.api(token, { path: PAYMENTS_PATH, method: 'POST', headers: { 'x-request-id': 'r-1' } });
    expect((await s.lastEntry()).violation).toBeUndefined();
    expect(other.status).toBe(201);
  });

  it('without a rate limit rule in force the bank route answers 201 (baseline of the test above)', async () => {
    const s = await startFaultServer();
    const token = await s.accessToken();
    expect((await s.api(token, { path: PAYMENTS_PATH, method: 'POST', headers: { 'x-request-id': 'r-1' } })).status).toBe(201);
  });
});
