/**
 * Tokens revoked through the control API (`POST /_understudy/tokens/revoke`) are refused by the
 * mock API with 401 invalid_token (RFC 6750 §3.1: "revoked").
 */
import { describe, expect, it } from 'vitest';
import type { UnderstudyConfig } from '../../server/index.ts';
import { DEMO_AUDIENCE, DEMO_SCOPE, EMPS_PATH, decodePayload, expectBearerError, start } from './support/harness.ts';

const TWO_CLIENTS: UnderstudyConfig = {
  clients: [
    { id: 'demo-client', secret: 'demo-secret', scopes: [`${DEMO_AUDIENCE}${DEMO_SCOPE}`] },
    { id: 'other-client', secret: 'other-secret', scopes: [`${DEMO_AUDIENCE}${DEMO_SCOPE}`] },
  ],
};

describe('revocation through the control API', () => {
  it('revoking by jti rejects exactly that token', async () => {
    const h = await start();
    const revoked = await h.token();
    const kept = await h.token();
    const { jti } = decodePayload(revoked);

    const reply = await h.control('POST', '/tokens/revoke', { jti });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ revoked: { jti } });

    expectBearerError(await h.api('GET', EMPS_PATH, { token: revoked }), 401, 'invalid_token', { description: /revoked/ });
    expect((await h.api('GET', EMPS_PATH, { token: kept })).status).toBe(200);
  });

  it('revoking by clientId rejects every earlier token of that client and no other client', async () => {
    const h = await start(TWO_CLIENTS);
    const first = await h.token();
    const second = await h.token();
    const other = await h.token({ clientId: 'other-client', secret: 'other-secret' });

    const reply = await h.control('POST', '/tokens/revoke', { clientId: 'demo-client' });
    expect(reply.status).toBe(200);
    expect(reply.body.revoked).toMatchObject({ clientId: 'demo-client', issuedAtOrBefore: expect.any(Number) });

    expectBearerError(await h.api('GET', EMPS_PATH, { token: first }), 401, 'invalid_token', { description: /revoked/ });
    expectBearerError(await h.api('GET', EMPS_PATH, { token: second }), 401, 'invalid_token', { description: /revoked/ });
    expect((await h.api('GET', EMPS_PATH, { token: other })).status).toBe(200);
  });

  it('a token issued once the virtual clock has moved past the cut-off is accepted', async () => {
    const h = await start();
    await h.control('POST', '/clock/freeze');
    const old = await h.token();
    await h.control('POST', '/tokens/revoke', { clientId: 'demo-client' });
    await h.control('POST', '/clock/advance', { seconds: 1 });
    const fresh = await h.token();
    expect((await h.api('GET', EMPS_PATH, { token: fresh })).status).toBe(200);
    expect((await h.api('GET', EMPS_PATH, { token: old })).status).toBe(401);
  });

  it('a token issued after a client-wide revocation, in the same virtual second, is accepted', async () => {
    const h = await start();
    await h.control('POST', '/clock/freeze');
    await h.control('POST', '/tokens/revoke', { clientId: 'demo-client' });
    const fresh = await h.token();
    const reply = await h.api('GET', EMPS_PATH, { token: fresh });
    expect(reply.status, reply.headers.get('www-authenticate') ?? '').toBe(200);
  });

  it('revoking an unknown jti or client is accepted and harmless', async () => {
    const h = await start();
    const token = await h.token();
    expect((await h.control('POST', '/tokens/revoke', { jti: 'no-such-jti' })).status).toBe(200);
    expect((await h.control('POST', '/tokens/revoke', { clientId: 'no-such-client' })).status).toBe(200);
    expect((await h.api('GET', EMPS_PATH, { token })).status).toBe(200);
  });

  it('a revoke body with neither jti nor clientId is a 400 problem', async () => {
    const h = await start();
    for (const body of [{}, { jti: '' }, { jti: 42 }, { clientId: '' }]) {
      const reply = await h.control('POST', '/tokens/revoke', body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(reply.body).toMatchObject({ status: 400, title: expect.any(String), detail: expect.stringMatching(/jti/) });
    }
  });
});
