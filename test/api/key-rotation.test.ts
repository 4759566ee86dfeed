/**
 * Signing-key rotation through the control API: the new key signs, the old one keeps verifying
 * (and stays in the JWKS) until it is deleted or its grace period ends, after which its tokens
 * are invalid_token; either way the ring announces the change.
 */
import { describe, expect, it } from 'vitest';
import { EMPS_PATH, JWKS_PATH, decodeHeader, expectBearerError, start } from './support/harness.ts';

describe('key rotation', () => {
  it('POST /keys/rotate answers 201 with the new kid and the previous one', async () => {
    const h = await start();
    const before = await h.control('GET', '/keys');
    expect(before.status).toBe(200);
    expect(before.body.signing).toBe('SIGNING_KEY');

    const reply = await h.control('POST', '/keys/rotate');
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ kid: expect.any(String), previous: 'SIGNING_KEY' });
    expect(reply.body.kid).not.toBe('SIGNING_KEY');
    expect(reply.body.keys).toEqual([reply.body.kid, 'SIGNING_KEY']);

    const after = await h.control('GET', '/keys');
    expect(after.body.signing).toBe(reply.body.kid);
    const old = after.body.keys.find((k: { kid: string }) => k.kid === 'SIGNING_KEY');
    expect(old.retiredAt).toEqual(expect.any(Number));
  });

  it('old tokens still verify, new tokens carry the new kid, and the JWKS lists both', async () => {
    const h = await start();
    const oldToken = await h.token();
    expect(decodeHeader(oldToken).kid).toBe('SIGNING_KEY');

    const { body: rotated } = await h.control('POST', '/keys/rotate');
    const newToken = await h.token();
    expect(decodeHeader(newToken).kid).toBe(rotated.kid);
    expect(decodeHeader(newToken).alg).toBe('RS256');

    expect((await h.api('GET', EMPS_PATH, { token: oldToken })).status).toBe(200);
    expect((await h.api('GET', EMPS_PATH, { token: newToken })).status).toBe(200);

    const jwks = await h.request('GET', JWKS_PATH);
    expect(jwks.status).toBe(200);
    const kids = jwks.body.keys.map((k: { kid: string }) => k.kid);
    expect(kids).toEqual([rotated.kid, 'SIGNING_KEY']);
    for (const key of jwks.body.keys) {
      expect(key).toMatchObject({ kty: 'RSA', use: 'sig', alg: 'RS256', n: expect.any(String), e: expect.any(String) });
      expect(key.d).toBeUndefined();
    }
  });

  it('deleting the old key makes its tokens invalid_token; the new key keeps working', async () => {
    const h = await start();
    const oldToken = await h.token();
    const { body: rotated } = await h.control('POST', '/keys/rotate');
    const newToken = await h.token();

    const reply = await h.control('DELETE', '/keys/SIGNING_KEY');
    expect(reply.status).toBe(204);
    expect(reply.text).toBe('');

    expectBearerError(await h.api('GET', EMPS_PATH, { token: oldToken }), 401, 'invalid_token', { description: /unknown key/ });
    expect((await h.api('GET', EMPS_PATH, { token: newToken })).status).toBe(200);

    const jwks = await h.request('GET', JWKS_PATH);
    expect(jwks.body.keys.map((k: { kid: string }) => k.kid)).toEqual([rotated.kid]);
  });

  it('deleting the signing key is a 409 problem and changes nothing', async () => {
    const h = await start();
    const token = await h.token();
    const reply = await h.control('DELETE', '/keys/SIGNING_KEY');
    expect(reply.status).toBe(409);
    expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(reply.body).toMatchObject({ status: 409, title: expect.any(String), detail: expect.stringContaining('SIGNING_KEY') });
    expect((await h.api('GET', EMPS_PATH, { token })).status).toBe(200);

    const { body: rotated } = await h.control('POST', '/keys/rotate');
    expect((await h.control('DELETE', `/keys/${rotated.kid}`)).status).toBe(409);
  });

  it('deleting an unknown kid is a 404 problem', async () => {
    const h = await start();
    const reply = await h.control('DELETE', '/keys/NO_SUCH_KEY');
    expect(reply.status).toBe(404);
    expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(reply.body).toMatchObject({ status: 404, detail: expect.stringContaining('NO_SUCH_KEY') });
  });

  it('two rotations in a row: three keys, distinct kids, each token verifies', async () => {
    const h = await start();
    const t0 = await h.token();
    const r1 = (await h.control('POST', '/keys/rotate')).body;
    const t1 = await h.token();
    const r2 = (await h.control('POST', '/keys/rotate')).body;
    const t2 = await h.token();
    expect(new Set([decodeHeader(t0).kid, decodeHeader(t1).kid, decodeHeader(t2).kid]).size).toBe(3);
    expect(r2.previous).toBe(r1.kid);
    for (const token of [t0, t1, t2]) expect((await h.api('GET', EMPS_PATH, { token })).status).toBe(200);
  });

  // Regression: kids were once derived from (rotations + keys left), which repeated a kid after
  // deletions, so two JWKS entries shared a kid and tokens of the older one stopped verifying.
  it('kids stay unique after keys are deleted, and tokens of a never-deleted key keep verifying', async () => {
    const h = await start();
    const first = (await h.control('POST', '/keys/rotate')).body.kid as string;
    const second = (await h.control('POST', '/keys/rotate')).body.kid as string;
    const token = await h.token();
    expect(decodeHeader(token).kid).toBe(second);
    expect((await h.control('DELETE', `/keys/${first}`)).status).toBe(204);
    expect((await h.control('DELETE', '/keys/SIGNING_KEY')).status).toBe(204);

    const third = (await h.control('POST', '/keys/rotate')).body.kid as string;
    const jwks = await h.request('GET', JWKS_PATH);
    const kids = jwks.body.keys.map((k: { kid: string }) => k.kid);
    expect(third).not.toBe(second);
    expect(new Set(kids).size).toBe(kids.length);
    expect((await h.api('GET', EMPS_PATH, { token })).status).toBe(200);
  });

  it('{"grace": N}: the old key verifies for N seconds of virtual time, then its tokens are invalid_token', async () => {
    const h = await start();
    await h.control('POST', '/clock/freeze');
    const oldToken = await h.token();
    const rotated = await h.control('POST', '/keys/rotate', { grace: 300 });
    expect(rotated.status).toBe(201);
    const keys = await h.control('GET', '/keys');
    const old = keys.body.keys.find((k: { kid: string }) => k.kid === 'SIGNING_KEY');
    expect(old.removeAt - old.retiredAt).toBe(300);

    await h.control('POST', '/clock/advance', { seconds: 299 });
    expect((await h.api('GET', EMPS_PATH, { token: oldToken })).status).toBe(200);
    await h.control('POST', '/clock/advance', { seconds: 1 });
    expectBearerError(await h.api('GET', EMPS_PATH, { token: oldToken }), 401, 'invalid_token', { description: /unknown key/ });
    const jwks = await h.request('GET', JWKS_PATH);
    expect(jwks.body.keys.map((k: { kid: string }) => k.kid)).toEqual([rotated.body.kid]);
  });

  it('the end of a grace period is announced to KeyRing.onChange like the rotation, once, when the ring notices it', async () => {
    const h = await start();
    await h.control('POST', '/clock/freeze');
    let changes = 0;
    h.server.keys.onChange(() => (changes += 1));
    await h.control('POST', '/keys/rotate', { grace: 300 });
    expect(changes).toBe(1);
    await h.control('POST', '/clock/advance', { seconds: 300 });
    // No dashboard watches the clock here: the next read of the ring (a JWKS request) notices.
    expect((await h.request('GET', JWKS_PATH)).body.keys).toHaveLength(1);
    expect(changes).toBe(2);
    await h.request('GET', JWKS_PATH);
    expect(changes).toBe(2);
  });

  it('{"grace": 0} stops the old key at once', async () => {
    const h = await start();
    const oldToken = await h.token();
    expect((await h.control('POST', '/keys/rotate', { grace: 0 })).status).toBe(201);
    expectBearerError(await h.api('GET', EMPS_PATH, { token: oldToken }), 401, 'invalid_token');
  });

  it('an invalid grace is a 400 problem naming the field, and nothing rotates', async () => {
    const h = await start();
    for (const grace of [-1, 'soon', null]) {
      const reply = await h.control('POST', '/keys/rotate', { grace });
      expect(reply.status, JSON.stringify(grace)).toBe(400);
      expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(reply.body).toMatchObject({ status: 400, field: 'grace', detail: expect.stringContaining('grace') });
    }
    expect((await h.control('GET', '/keys')).body.signing).toBe('SIGNING_KEY');
  });
});
