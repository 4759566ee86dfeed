/**
 * Routes bound to an audience or requiring scopes: a token for another resource is
 * invalid_token (RFC 9068 §4 aud check), a token lacking a scope is 403 insufficient_scope with
 * the required scope in the challenge (RFC 6750 §3, §3.1).
 */
import { describe, expect, it } from 'vitest';
import type { UnderstudyConfig } from '../../server/index.ts';
import { DEMO_AUDIENCE, DEMO_SCOPE, EMPS_PATH, decodePayload, expectBearerError, start } from './support/harness.ts';

const PAYROLL = 'https://payroll.understudy.test';
const HR = 'https://hr.understudy.test';

const CONFIG: UnderstudyConfig = {
  resources: [
    { name: 'demo-api', audience: DEMO_AUDIENCE, scopes: [DEMO_SCOPE] },
    { name: 'payroll', audience: PAYROLL, scopes: ['payroll.read', 'payroll.write'] },
    { name: 'hr', audience: HR, scopes: ['hr.read'] },
  ],
  clients: [
    { id: 'demo-client', secret: 'demo-secret', scopes: [`${DEMO_AUDIENCE}${DEMO_SCOPE}`] },
    { id: 'payroll-reader', secret: 'reader-secret', scopes: ['payroll.read'] },
    { id: 'payroll-admin', secret: 'admin-secret', scopes: ['payroll.read', 'payroll.write'] },
    { id: 'hr-reader', secret: 'hr-secret', scopes: ['hr.read'] },
  ],
  api: {
    routes: [
      { name: 'emps', method: 'GET', path: EMPS_PATH, scopes: [DEMO_SCOPE] },
      { name: 'payroll-list', method: 'GET', path: '/payroll', audience: PAYROLL, scopes: ['payroll.read'] },
      { name: 'payroll-run', method: 'POST', path: '/payroll', audience: PAYROLL, scopes: ['payroll.write'] },
      { name: 'payroll-both', method: 'PUT', path: '/payroll', audience: PAYROLL, scopes: ['payroll.read', 'payroll.write'] },
      { name: 'payroll-any-scope', method: 'GET', path: '/payroll/health', audience: PAYROLL },
      { name: 'anyone', method: 'GET', path: '/open' },
    ],
  },
};

describe('audience', () => {
  it('a token for another resource is rejected by an audience-bound route: 401 invalid_token', async () => {
    const h = await start(CONFIG);
    const demoToken = await h.token();
    expect(decodePayload(demoToken).aud).toEqual([DEMO_AUDIENCE]);
    const reply = await h.api('GET', '/payroll/health', { token: demoToken });
    expectBearerError(reply, 401, 'invalid_token', { description: /aud/ });
  });

  it('a token of a third resource is also rejected, even when it would have the right scope name elsewhere', async () => {
    const h = await start(CONFIG);
    const hrToken = await h.token({ clientId: 'hr-reader', secret: 'hr-secret' });
    expectBearerError(await h.api('GET', '/payroll', { token: hrToken }), 401, 'invalid_token');
  });

  it('the right audience passes the audience check', async () => {
    const h = await start(CONFIG);
    const token = await h.token({ clientId: 'payroll-reader', secret: 'reader-secret' });
    expect(decodePayload(token).aud).toEqual([PAYROLL]);
    expect((await h.api('GET', '/payroll/health', { token })).status).toBe(200);
    expect((await h.api('GET', '/payroll', { token })).status).toBe(200);
  });

  it('a route without audience accepts a token of any configured resource', async () => {
    const h = await start(CONFIG);
    for (const [clientId, secret] of [
      ['demo-client', 'demo-secret'],
      ['payroll-reader', 'reader-secret'],
      ['hr-reader', 'hr-secret'],
    ] as const) {
      const token = await h.token({ clientId, secret });
      expect((await h.api('GET', '/open', { token })).status, clientId).toBe(200);
    }
  });

  it('an audience check failure wins over a scope check (the token is not for this resource at all)', async () => {
    const h = await start(CONFIG);
    const demoToken = await h.token();
    expectBearerError(await h.api('POST', '/payroll', { token: demoToken }), 401, 'invalid_token');
  });
});

describe('scope', () => {
  it('a token lacking the route scope: 403 insufficient_scope with scope="..." (RFC 6750 §3.1)', async () => {
    const h = await start(CONFIG);
    const token = await h.token({ clientId: 'payroll-reader', secret: 'reader-secret' });
    expect(decodePayload(token).scope).toBe('payroll.read');
    const reply = await h.api('POST', '/payroll', { token });
    expectBearerError(reply, 403, 'insufficient_scope', { scope: 'payroll.write' });
  });

  it('the scope attribute lists every scope the route requires, space-delimited', async () => {
    const h = await start(CONFIG);
    const token = await h.token({ clientId: 'payroll-reader', secret: 'reader-secret' });
    expectBearerError(await h.api('PUT', '/payroll', { token }), 403, 'insufficient_scope', { scope: 'payroll.read payroll.write' });
  });

  it('a client granted both scopes passes every payroll route', async () => {
    const h = await start(CONFIG);
    const token = await h.token({ clientId: 'payroll-admin', secret: 'admin-secret' });
    expect(decodePayload(token).scope.split(' ').sort()).toEqual(['payroll.read', 'payroll.write']);
    expect((await h.api('GET', '/payroll', { token })).status).toBe(200);
    expect((await h.api('POST', '/payroll', { token })).status).toBe(200);
    expect((await h.api('PUT', '/payroll', { token })).status).toBe(200);
  });

  it('a token requested with only one of the client scopes lacks the other', async () => {
    const h = await start(CONFIG);
    const token = await h.token({ clientId: 'payroll-admin', secret: 'admin-secret', scope: `${PAYROLL}payroll.read` });
    expect(decodePayload(token).scope).toBe('payroll.read');
    expect((await h.api('GET', '/payroll', { token })).status).toBe(200);
    expectBearerError(await h.api('POST', '/payroll', { token }), 403, 'insufficient_scope', { scope: 'payroll.write' });
  });

  it('scope values are compared exactly (case-sensitive, RFC 6749 §3.3)', async () => {
    const h = await start({ ...CONFIG, api: { routes: [{ method: 'GET', path: '/upper', audience: PAYROLL, scopes: ['PAYROLL.READ'] }] } });
    const token = await h.token({ clientId: 'payroll-admin', secret: 'admin-secret' });
    expectBearerError(await h.api('GET', '/upper', { token }), 403, 'insufficient_scope', { scope: 'PAYROLL.READ' });
  });

  it('the client cannot ask for a scope it is not granted (the token endpoint refuses invalid_scope)', async () => {
    const h = await start(CONFIG);
    const reply = await h.tokenRequest({ clientId: 'payroll-reader', secret: 'reader-secret', scope: `${PAYROLL}payroll.write` });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toBe('invalid_scope');
  });
});
