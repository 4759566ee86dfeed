/**
 * Resource-server presets (FAULTS.md "Resource-server faults"): RFC 6750 §3 refusals from the
 * mock API, early revocation and clock skew on the virtual clock.
 */
import { describe, expect, it } from 'vitest';
import { decodePayload, expectFault, PAYMENTS_PATH, startFaultServer, type Reply } from './support.ts';

function expectBearer(reply: Reply, status: number, error: string, description: string | RegExp, scope?: string): void {
  expect(reply.status, reply.text).toBe(status);
  const header = reply.headers.get('www-authenticate') as string;
  const text = typeof description === 'string' ? description : (reply.json?.error_description as string);
  if (typeof description !== 'string') expect(text).toMatch(description);
  expect(header).toBe(`Bearer realm="understudy", error="${error}", error_description="${text}"${scope === undefined ? '' : `, scope="${scope}"`}`);
  expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
  expect(reply.json).toEqual({ error, error_description: text });
}

describe('api.revoke_early', () => {
  it('1st call 200, 2nd 401 invalid_token (revoked), a new token then works', async () => {
    const s = await startFaultServer();
    const token = await s.accessToken();
    const id = await s.addFault({ preset: 'api.revoke_early' });
    expect((await s.api(token)).status).toBe(200);
    expect((await s.lastEntry()).faults).toBeUndefined();

    expectBearer(await s.api(token), 401, 'invalid_token', 'The access token has been revoked.');
    const entry = await s.lastEntry();
    expect(entry).toMatchObject({ endpoint: 'api', status: 401, error: 'invalid_token', decision: 'rejected' });
    expectFault(entry, id, 'api.revoke_early', 'invalid_token');
    expect(entry.faults?.[0]?.effect).toBe(`revoked token ${decodePayload(token).jti} early`);

    // Revoked for good: the same token is refused again (without the rule firing again).
    expect((await s.api(token)).status).toBe(401);
    expect((await s.lastEntry()).faults).toBeUndefined();

    const fresh = await s.accessToken();
    expect((await s.api(fresh)).status).toBe(200);
  });

  it('params nth chooses the call', async () => {
    const s = await startFaultServer();
    const token = await s.accessToken();
    await s.addFault({ preset: 'api.revoke_early', params: { nth: 3 } });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await s.api(token)).status);
    expect(statuses).toEqual([200, 200, 401]);
  });
});

describe('api.expire_early', () => {
  it('2nd call: 401 invalid_token "expired"; a new token then works', async () => {
    const s = await startFaultServer();
    const token = await s.accessToken();
    const id = await s.addFault({ preset: 'api.expire_early' });
    expect((await s.api(token)).status).toBe(200);
    expectBearer(await s.api(token), 401, 'invalid_token', 'The access token expired.');
    const entry = await s.lastEntry();
    expectFault(entry, id, 'api.expire_early', 'invalid_token');
    expect(entry.faults?.[0]?.effect).toBe(`expired token ${decodePayload(token).jti} early`);
    expect((await s.api(await s.accessToken())).status).toBe(200);
  });
});

describe('api.insufficient_scope', () => {
  it('403 with a Bearer insufficient_scope challenge naming the route scope', async () => {
    const s = await startFaultServer();
    const token = await s.accessToken();
    const id = await s.addFault({ preset: 'api.insufficient_scope' });
    const reply = await s.api(token);
    expectBearer(reply, 403, 'insufficient_scope', 'The access token lacks the scope required by this resource.', 'urn:opc:resource:consumer::all');
    const entry = await s.lastEntry();
    expect(entry).toMatchObject({ endpoint: 'api', status: 403, error: 'insufficient_scope', decision: 'rejected' });
    expectFault(entry, id, 'api.insufficient_scope', 'insufficient_scope');
    expect(entry.faults?.[0]?.effect).toBe('answered 403 insufficient_scope');
  });

  it('params scope names another scope', async () => {
    const s = await startFaultServer();
    const token = await s.accessToken();
    await s.addFault({ preset: 'api.insufficient_scope', params: { scope: 'payroll.write' } });
    expect((await s.api(token)).headers.get('www-authenticate')).toMatch(/, scope="payroll\.write"$/);
  });
});

describe('api.require_header', () => {
  it('the HCM route: 400 invalid_request without X-Request-Id, 200 with it', async () => {
    const s = await startFaultServer();
    const token = await s.accessToken();
    const id = await s.addFault({ preset: 'api.require_header' });
    expectBearer(await s.api(token), 400, 'invalid_request', 'The request is missing the required header X-Request-Id.');
    const entry = await s.lastEntry();
    expect(entry).toMatchObject({ endpoint: 'api', status: 400, error: 'invalid_request' });
    expectFault(entry, id, 'api.require_header', 'require');
    expect(entry.faults?.[0]?.effect).toBe('answered 400: header X-Request-Id missing');

    expect((await s.api(token, { headers: { 'X-Request-Id': 'req-1' } })).status).toBe(200);
  });

  it('params header and value', async () => {
    const s = await startFaultServer();
    const token = await s.accessToken();
    await s.addFault({ preset: 'api.require_header', params: { header: 'X-Api-Key', value: 'secret', status: 403 } });
    expectBearer(await s.api(token, { headers: { 'x-api-key': 'nope' } }), 403, 'invalid_request', 'The header X-Api-Key has an unexpected value.');
    expect((await s.api(token, { headers: { 'x-api-key': 'secret' } })).status).toBe(200);
  });
});

describe('api.clock_skew', () => {
  it('with seconds 3601 a fresh token is 401 invalid_token; the journal effect names the skew', async () => {
    const s = await startFaultServer();
    const token = await s.accessToken();
    const id = await s.addFault({ preset: 'api.clock_skew', params: { seconds: 3601 } });
    expectBearer(await s.api(token), 401, 'invalid_token', /^The access token expired [12]s ago\.$/);
    const entry = await s.lastEntry();
    expect(entry).toMatchObject({ endpoint: 'api', status: 401, error: 'invalid_token' });
    expectFault(entry, id, 'api.clock_skew', 'clock_skew');
    expect(entry.faults?.[0]?.effect).toBe('API clock 3601s ahead');
  });

  it('the default 300 s skew leaves an hour token valid; a clock behind accepts a fresh token too', async () => {
    const s = await startFaultServer();
    const token = await s.accessToken();
    const id = await s.addFault({ preset: 'api.clock_skew' });
    expect((await s.api(token)).status).toBe(200);
    expect((await s.lastEntry()).faults?.[0]).toEqual({ rule: id, preset: 'api.clock_skew', action: 'clock_skew', effect: 'API clock 300s ahead' });
    await s.deleteFault(id);
    await s.addFault({ preset: 'api.clock_skew', params: { seconds: -10 } });
    // iat is in the "future" for a clock 10 s behind, but only nbf and exp are checked: still valid.
    expect((await s.api(token)).status).toBe(200);
    expect((await s.lastEntry()).faults?.[0]?.effect).toBe('API clock -10s ahead');
  });

  it('the token endpoint is not skewed', async () => {
    const s = await startFaultServer();
    await s.addFault({ preset: 'api.clock_skew', params: { seconds: 3601 } });
    const reply = await s.token();
    expect(reply.status).toBe(200);
    expect((await s.lastEntry()).faults).toBeUndefined();
  });
});

describe('api.invalid_request and api.server_error', () => {
  it('api.invalid_request: 400 with a Bearer invalid_request challenge', async () => {
    const s = await startFaultServer();
    const token = await s.accessToken();
    const id = await s.addFault({ preset: 'api.invalid_request' });
    const reply = await s.api(token);
    expect(reply.status).toBe(400);
    expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="understudy", error="invalid_request"');
    expect(reply.json).toEqual({ error: 'invalid_request', error_description: 'The request is malformed.' });
    const entry = await s.lastEntry();
    expect(entry).toMatchObject({ endpoint: 'api', status: 400, decision: 'rejected' });
    expectFault(entry, id, 'api.invalid_request', 'respond');
  });

  it('api.server_error: 503 by default, the status param otherwise', async () => {
    const s = await startFaultServer();
    const token = await s.accessToken();
    const id = await s.addFault({ preset: 'api.server_error' });
    const reply = await s.api(token);
    expect(reply.status).toBe(503);
    expect(reply.json).toEqual({ error: 'service_unavailable' });
    const entry = await s.lastEntry();
    expect(entry).toMatchObject({ endpoint: 'api', status: 503, decision: 'rejected' });
    expectFault(entry, id, 'api.server_error', 'respond');
    expect(entry.faults?.[0]?.effect).toBe('answered 503');
    await s.deleteFault(id);
    await s.addFault({ preset: 'api.server_error', params: { status: 500 } });
    expect((await s.api(token)).status).toBe(500);
  });

  it('API faults leave the token endpoint alone, and a route match narrows them to one route', async () => {
    const s = await startFaultServer();
    const token = await s.accessToken();
    await s.addFault({ preset: 'api.server_error', match: { route: 'bank-payment' } });
    expect((await s.token()).status).toBe(200);
    expect((await s.api(token)).status).toBe(200);
    expect((await s.api(token, { path: PAYMENTS_PATH, method: 'POST', headers: { 'x-request-id': 'r' } })).status).toBe(503);
  });
});

describe('journal of API calls a fault answered', () => {
  it('a normal API call records its route, the presented token and its client id', async () => {
    const s = await startFaultServer();
    const token = await s.accessToken();
    await s.api(token);
    expect(await s.lastEntry()).toMatchObject({ route: 'hcm-employees', clientId: 'demo-client', presented: { jti: decodePayload(token).jti } });
  });

  it('a fault-answered API call is still journaled with its route and client id', async () => {
    const s = await startFaultServer();
    const token = await s.accessToken();
    await s.addFault({ preset: 'api.server_error' });
    expect((await s.api(token)).status).toBe(503);
    expect(await s.lastEntry()).toMatchObject({ route: 'hcm-employees', clientId: 'demo-client' });
  });
});
