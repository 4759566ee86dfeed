/**
 * RFC 6750 §2.1 / §3.1: how the mock API answers requests that carry no bearer token, another
 * authentication scheme, or an Authorization header that is not a well-formed Bearer token.
 */
import { describe, expect, it } from 'vitest';
import { EMPS_PATH, INVOICES_PATH, expectBareChallenge, expectBearerError, start } from './support/harness.ts';

describe('requests without a usable bearer token', () => {
  it('no Authorization header: 401 with a bare challenge, no error attribute (RFC 6750 §3.1)', async () => {
    const h = await start();
    const reply = await h.api('GET', EMPS_PATH);
    expectBareChallenge(reply);
  });

  it('no token on a POST route is also a bare 401', async () => {
    const h = await start();
    expectBareChallenge(await h.api('POST', INVOICES_PATH, { json: {} }));
  });

  it('HTTP Basic credentials: 401 with a bare Bearer challenge', async () => {
    const h = await start();
    const reply = await h.api('GET', EMPS_PATH, {
      headers: { authorization: `Basic ${Buffer.from('demo-client:demo-secret').toString('base64')}` },
    });
    expectBareChallenge(reply);
  });

  it('another scheme whose name merely starts with "Bearer" is not a Bearer attempt', async () => {
    const h = await start();
    const token = await h.token();
    expectBareChallenge(await h.api('GET', EMPS_PATH, { headers: { authorization: `BearerX ${token}` } }));
  });

  it('the scheme name is case-insensitive (RFC 9110 §11.1)', async () => {
    const h = await start();
    const token = await h.token();
    const reply = await h.api('GET', EMPS_PATH, { headers: { authorization: `bearer ${token}` } });
    expect(reply.status).toBe(200);
  });

  const malformed: [string, string][] = [
    ['the scheme alone', 'Bearer'],
    ['the scheme and a space', 'Bearer '],
    ['a token with a character outside b64token', 'Bearer abc$def'],
    ['two tokens', 'Bearer abc def'],
    ['a token with a comma', 'Bearer abc,def'],
    ['padding in the middle', 'Bearer ab=cd'],
  ];
  for (const [what, authorization] of malformed) {
    it(`malformed Bearer header (${what}): 400 invalid_request (RFC 6750 §3.1)`, async () => {
      const h = await start();
      const reply = await h.api('GET', EMPS_PATH, { headers: { authorization } });
      expectBearerError(reply, 400, 'invalid_request', { description: /Bearer/ });
    });
  }

  it('a well-formed b64token that is not a JWT: 401 invalid_token', async () => {
    const h = await start();
    expectBearerError(await h.api('GET', EMPS_PATH, { token: 'not-a-jwt' }), 401, 'invalid_token');
    expectBearerError(await h.api('GET', EMPS_PATH, { token: 'a.b.c' }), 401, 'invalid_token');
  });

  it('the realm comes from api.realm', async () => {
    const h = await start({ api: { realm: 'Payroll "prod"' } });
    const reply = await h.api('GET', EMPS_PATH);
    expect(reply.status).toBe(401);
    // RFC 9110 §5.6.4: a quote inside a quoted-string is escaped.
    expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="Payroll \\"prod\\""');
  });
});
