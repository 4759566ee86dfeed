/**
 * The three embedded demo routes of the mock API, with a valid token from the token endpoint,
 * plus the routing answers around them (404, 405, prefix routes, HEAD).
 */
import { describe, expect, it } from 'vitest';
import { DEMO_SCOPE, EMPS_PATH, INVOICES_PATH, PAYMENTS_PATH, parseChallenge, start } from './support/harness.ts';

describe('embedded demo routes', () => {
  it('GET emps answers 200 with the canned Fusion HCM list', async () => {
    const h = await start();
    const token = await h.token();
    const reply = await h.api('GET', EMPS_PATH, { token });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
    expect(reply.headers.get('www-authenticate')).toBeNull();
    expect(reply.body).toEqual({
      items: [
        { PersonId: 300000047826498, PersonNumber: '1001', DisplayName: 'Ada Lovelace', WorkEmail: 'ada@example.test' },
        { PersonId: 300000047826512, PersonNumber: '1002', DisplayName: 'Alan Turing', WorkEmail: 'alan@example.test' },
      ],
      count: 2,
      hasMore: false,
      limit: 25,
      offset: 0,
    });
  });

  it('HEAD on the GET route is answered like GET, without a body', async () => {
    const h = await start();
    const token = await h.token();
    const reply = await h.api('HEAD', EMPS_PATH, { token });
    expect(reply.status).toBe(200);
    expect(reply.text).toBe('');
  });

  it('POST invoices answers 201 with the canned invoice', async () => {
    const h = await start();
    const token = await h.token();
    const reply = await h.api('POST', INVOICES_PATH, { token, json: { InvoiceAmount: 1250 } });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ InvoiceId: 300000123456789, InvoiceNumber: 'INV-1001', InvoiceCurrency: 'USD' });
  });

  it('POST payments answers 201 when X-Request-Id is present', async () => {
    const h = await start();
    const token = await h.token();
    const reply = await h.api('POST', PAYMENTS_PATH, { token, headers: { 'X-Request-Id': 'req-1' }, json: { amount: 10 } });
    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({ paymentId: 'PAY-0001', status: 'ACCEPTED' });
  });

  it('POST payments without X-Request-Id is a 400 invalid_request naming the header (RFC 6750 §3.1)', async () => {
    const h = await start();
    const token = await h.token();
    const reply = await h.api('POST', PAYMENTS_PATH, { token, json: { amount: 10 } });
    expect(reply.status).toBe(400);
    const challenge = parseChallenge(reply.headers.get('www-authenticate'));
    expect(challenge.scheme).toBe('Bearer');
    expect(challenge.params).toEqual({ realm: 'understudy', error: 'invalid_request', error_description: expect.stringContaining('X-Request-Id') });
    expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer realm="understudy", error="invalid_request", error_description="[^"]*X-Request-Id[^"]*"$/);
    expect(reply.body).toEqual({ error: 'invalid_request', error_description: challenge.params.error_description });
  });

  it('an empty X-Request-Id counts as missing', async () => {
    const h = await start();
    const token = await h.token();
    const reply = await h.api('POST', PAYMENTS_PATH, { token, headers: { 'X-Request-Id': '' } });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toBe('invalid_request');
  });

  it('the token the demo client gets carries the demo audience and scope', async () => {
    const h = await start();
    const reply = await h.tokenRequest();
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    const payload = JSON.parse(Buffer.from(reply.body.access_token.split('.')[1], 'base64url').toString());
    expect(payload.scope).toBe(DEMO_SCOPE);
    expect(payload.aud).toEqual(['https://api.understudy.test:443']);
  });
});

describe('routing of the mock API', () => {
  it('an unknown path is a 404 JSON document', async () => {
    const h = await start();
    const reply = await h.request('GET', '/no/such/path');
    expect(reply.status).toBe(404);
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
    expect(reply.body).toMatchObject({ error: 'not_found', error_description: expect.stringContaining('/no/such/path') });
  });

  it('an unknown path is a 404 even with a valid token', async () => {
    const h = await start();
    const token = await h.token();
    const reply = await h.api('GET', `${EMPS_PATH}/extra`, { token });
    expect(reply.status).toBe(404);
    expect(reply.body.error).toBe('not_found');
  });

  it('the wrong method on a route path is a 405 with Allow (RFC 9110 §15.5.6)', async () => {
    const h = await start();
    const token = await h.token();
    const payments = await h.api('GET', PAYMENTS_PATH, { token });
    expect(payments.status).toBe(405);
    expect(payments.headers.get('allow')).toBe('POST');
    expect(payments.body).toMatchObject({ error: 'method_not_allowed' });

    const emps = await h.api('DELETE', EMPS_PATH, { token });
    expect(emps.status).toBe(405);
    expect(emps.headers.get('allow')?.split(/,\s*/)).toContain('GET');
  });

  it('Allow lists every method configured on the same path', async () => {
    const h = await start({
      api: {
        routes: [
          { method: 'GET', path: '/items' },
          { method: 'PUT', path: '/items' },
        ],
      },
    });
    const reply = await h.api('DELETE', '/items');
    expect(reply.status).toBe(405);
    expect(reply.headers.get('allow')?.split(/,\s*/).sort()).toEqual(['GET', 'PUT']);
  });

  it('a route path ending in "*" is a prefix route', async () => {
    const h = await start({
      api: {
        routes: [{ name: 'files', method: 'GET', path: '/files/*', scopes: [DEMO_SCOPE], response: { status: 200, body: { file: true } } }],
      },
    });
    const token = await h.token();
    for (const path of ['/files/a', '/files/a/b/c.txt', '/files/']) {
      const reply = await h.api('GET', path, { token });
      expect(reply.status, path).toBe(200);
      expect(reply.body).toEqual({ file: true });
    }
    // The prefix is "/files/": the bare directory path is not under it.
    expect((await h.api('GET', '/files', { token })).status).toBe(404);
    expect((await h.api('GET', '/other/a', { token })).status).toBe(404);
    // Prefix routes still need a token and still answer 405 for other methods.
    const anonymous = await h.api('GET', '/files/a');
    expect(anonymous.status).toBe(401);
    const wrongMethod = await h.api('POST', '/files/a', { token });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
  });

  it('a route without response config answers 200 {"ok": true}; configured status and headers are used', async () => {
    const h = await start({
      api: {
        routes: [
          { path: '/plain' },
          { method: 'POST', path: '/custom', response: { status: 202, headers: { 'x-custom': 'yes' }, body: { queued: 1 } } },
        ],
      },
    });
    const token = await h.token();
    const plain = await h.api('GET', '/plain', { token });
    expect(plain.status).toBe(200);
    expect(plain.body).toEqual({ ok: true });
    const custom = await h.api('POST', '/custom', { token });
    expect(custom.status).toBe(202);
    expect(custom.headers.get('x-custom')).toBe('yes');
    expect(custom.body).toEqual({ queued: 1 });
  });
});
