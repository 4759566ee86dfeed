/**
 * Requirements in front of the token endpoint (FAULTS.md: "extra headers required on token
 * request", "network allowlist (firewall)"): refused without, served with.
 */
import { describe, expect, it } from 'vitest';
import { expectFault, expectIdcsError, startFaultServer } from './support.ts';

describe('token.require_header', () => {
  it('without X-Tenant-Id: 400 invalid_request naming it; with it: 200', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.require_header' });
    const refused = await s.token();
    expectIdcsError(refused, 400, 'invalid_request', 'The request is missing the required header X-Tenant-Id.');
    const entry = await s.lastEntry();
    expect(entry).toMatchObject({ status: 400, error: 'invalid_request', reason: 'fault: required header X-Tenant-Id missing' });
    expectFault(entry, id, 'token.require_header', 'require');
    expect(entry.faults?.[0]?.effect).toBe('answered 400: header X-Tenant-Id missing');

    const served = await s.token({ headers: { 'X-Tenant-Id': 'acme' } });
    expect(served.status).toBe(200);
    expect(typeof served.json.access_token).toBe('string');
    const ok = await s.lastEntry();
    expect(ok.decision).toBe('issued');
    expect(ok.requestHeaders).toContain('x-tenant-id');
    // A requirement that is met does not touch the request: it matched, but did not act.
    expect(ok.faults).toBeUndefined();
    expect((await s.listFaults())[0]).toMatchObject({ matched: 2, applied: 1 });
  });

  it('the header name is case-insensitive; an empty value is missing', async () => {
    const s = await startFaultServer();
    await s.addFault({ preset: 'token.require_header' });
    expect((await s.token({ headers: { 'x-tenant-id': 't' } })).status).toBe(200);
    expect((await s.token({ headers: { 'x-tenant-id': '' } })).status).toBe(400);
  });

  it('params header/value/error/status: a wrong value is refused as such', async () => {
    const s = await startFaultServer();
    await s.addFault({ preset: 'token.require_header', params: { header: 'X-Api-Key', value: 'k-1', error: 'invalid_client', status: 401 } });
    const wrong = await s.token({ headers: { 'x-api-key': 'k-2' } });
    expectIdcsError(wrong, 401, 'invalid_client', 'The header X-Api-Key has an unexpected value.');
    expect((await s.lastEntry()).faults?.[0]?.effect).toBe('answered 401: header X-Api-Key wrong');
    expect((await s.token({ headers: { 'x-api-key': 'k-1' } })).status).toBe(200);
  });
});

describe('token.require_param', () => {
  it('without the audience parameter: 400 invalid_request naming it; with it: 200', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.require_param' });
    const refused = await s.token();
    expectIdcsError(refused, 400, 'invalid_request', 'The request is missing the required parameter audience.');
    const entry = await s.lastEntry();
    expectFault(entry, id, 'token.require_param', 'require');
    expect(entry.faults?.[0]?.effect).toBe('answered 400: parameter audience missing');

    const served = await s.token({ form: { audience: 'https://api.understudy.test:443' } });
    expect(served.status).toBe(200);
    expect((await s.lastEntry()).params).toContain('audience');
  });

  it('params param/value', async () => {
    const s = await startFaultServer();
    await s.addFault({ preset: 'token.require_param', params: { param: 'tenant', value: 'acme' } });
    expectIdcsError(await s.token({ form: { tenant: 'other' } }), 400, 'invalid_request', 'The parameter tenant has an unexpected value.');
    expect((await s.token({ form: { tenant: 'acme' } })).status).toBe(200);
  });
});

describe('token.firewall', () => {
  it('a gateway answers 403 text/html; nothing reaches the authorization server', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.firewall' });
    const reply = await s.token();
    expect(reply.status).toBe(403);
    expect(reply.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(reply.text).toContain('<title>403 Forbidden</title>');
    expect(reply.text).toContain('network allowlist');
    expect(reply.headers.get('x-oracle-dms-ecid')).toBeNull();
    const entry = await s.lastEntry();
    expect(entry).toMatchObject({ status: 403, decision: 'rejected', reason: 'fault: gateway allowlist refused 127.0.0.1' });
    expectFault(entry, id, 'token.firewall', 'firewall');
    expect(entry.faults?.[0]?.effect).toBe('403 from the gateway for 127.0.0.1');
  });

  it('with allow ["127.0.0.1"] the caller passes', async () => {
    const s = await startFaultServer();
    await s.addFault({ preset: 'token.firewall', params: { allow: ['127.0.0.1'] } });
    expect((await s.token()).status).toBe(200);
    expect((await s.lastEntry()).faults).toBeUndefined();
  });

  it('an allow entry ending in "." is a prefix', async () => {
    const s = await startFaultServer();
    await s.addFault({ preset: 'token.firewall', params: { allow: ['127.'] } });
    expect((await s.token()).status).toBe(200);
  });

  it('addressHeader: the first X-Forwarded-For address is judged instead of the socket', async () => {
    const s = await startFaultServer();
    await s.addFault({ preset: 'token.firewall', params: { allow: ['127.0.0.1'], addressHeader: 'X-Forwarded-For' } });
    expect((await s.token({ headers: { 'x-forwarded-for': '10.1.2.3, 127.0.0.1' } })).status).toBe(403);
    expect((await s.lastEntry()).faults?.[0]?.effect).toBe('403 from the gateway for 10.1.2.3');
    expect((await s.token({ headers: { 'x-forwarded-for': '127.0.0.1' } })).status).toBe(200);
  });
});
