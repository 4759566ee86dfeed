/**
 * The mock API validates tokens as a careful resource server does (RFC 6750 §3.1 invalid_token,
 * RFC 7519 §4.1.4 exp, RFC 8725 §3.1 algorithm pinning): expiry on the virtual clock, leeway,
 * signatures, algorithms, issuer and required claims.
 */
import { describe, expect, it } from 'vitest';
import { EMPS_PATH, decodeHeader, decodePayload, expectBearerError, start, type Harness } from './support/harness.ts';
import { flipSignature, hs256, reissue, signRs256, strangerKey, tamperPayload, unsecured } from './support/forge.ts';
import { createPublicKey } from 'node:crypto';

async function freeze(h: Harness): Promise<void> {
  expect((await h.control('POST', '/clock/freeze')).status).toBe(200);
}

async function advance(h: Harness, seconds: number): Promise<void> {
  const reply = await h.control('POST', '/clock/advance', { seconds });
  expect(reply.status, reply.text).toBe(200);
}

describe('expiry on the virtual clock', () => {
  it('a token valid now is rejected with invalid_token after advance(3601)', async () => {
    const h = await start();
    const token = await h.token();
    expect((await h.api('GET', EMPS_PATH, { token })).status).toBe(200);

    await advance(h, 3601);

    const reply = await h.api('GET', EMPS_PATH, { token });
    expectBearerError(reply, 401, 'invalid_token', { description: /expired/ });
  });

  it('the description says how long ago the token expired', async () => {
    const h = await start();
    await freeze(h);
    const token = await h.token();
    await advance(h, 3600 + 75);
    expectBearerError(await h.api('GET', EMPS_PATH, { token }), 401, 'invalid_token', { description: /expired 75s ago/ });
  });

  it('with leeway 0 a token is valid one second before exp and rejected at exp (RFC 7519 §4.1.4)', async () => {
    const h = await start();
    await freeze(h);
    const token = await h.token();
    const { iat, exp } = decodePayload(token);
    expect(exp - iat).toBe(3600);
    await advance(h, 3599);
    expect((await h.api('GET', EMPS_PATH, { token })).status).toBe(200);
    await advance(h, 1);
    expectBearerError(await h.api('GET', EMPS_PATH, { token }), 401, 'invalid_token');
  });

  it('moving the clock back makes an expired token valid again (validation reads the virtual clock)', async () => {
    const h = await start();
    const token = await h.token();
    await advance(h, 7200);
    expect((await h.api('GET', EMPS_PATH, { token })).status).toBe(401);
    await advance(h, -7200);
    expect((await h.api('GET', EMPS_PATH, { token })).status).toBe(200);
  });

  it('leeway 30 accepts a token 10s past exp', async () => {
    const h = await start({ leeway: 30 });
    await freeze(h);
    const token = await h.token();
    await advance(h, 3600 + 10);
    expect((await h.api('GET', EMPS_PATH, { token })).status).toBe(200);
  });

  it('leeway 30 rejects a token 31s and more past exp', async () => {
    const h = await start({ leeway: 30 });
    await freeze(h);
    const token = await h.token();
    await advance(h, 3600 + 31);
    expectBearerError(await h.api('GET', EMPS_PATH, { token }), 401, 'invalid_token', { description: /expired/ });
    await advance(h, 600);
    expectBearerError(await h.api('GET', EMPS_PATH, { token }), 401, 'invalid_token');
  });

  it('a token whose nbf is in the future is not yet valid; leeway covers small skew', async () => {
    const h = await start({ leeway: 30 });
    await freeze(h);
    const token = await h.token();
    const { iat } = decodePayload(token);
    expect((await h.api('GET', EMPS_PATH, { token: reissue(token, { nbf: iat + 20 }) })).status).toBe(200);
    expectBearerError(await h.api('GET', EMPS_PATH, { token: reissue(token, { nbf: iat + 120 }) }), 401, 'invalid_token', {
      description: /not yet valid/,
    });
  });
});

describe('signatures and algorithms', () => {
  it('the forging helper is sound: the same claims re-signed with the server key are accepted', async () => {
    const h = await start();
    const token = await h.token();
    expect((await h.api('GET', EMPS_PATH, { token: reissue(token) })).status).toBe(200);
  });

  it('a tampered payload with the original signature: 401 invalid_token', async () => {
    const h = await start();
    const token = await h.token();
    const { exp } = decodePayload(token);
    const reply = await h.api('GET', EMPS_PATH, { token: tamperPayload(token, { exp: exp + 86_400 }) });
    expectBearerError(reply, 401, 'invalid_token', { description: /signature/ });
  });

  it('a tampered signature: 401 invalid_token', async () => {
    const h = await start();
    const token = await h.token();
    expectBearerError(await h.api('GET', EMPS_PATH, { token: flipSignature(token) }), 401, 'invalid_token', { description: /signature/ });
  });

  it('a token without its signature part: 401 invalid_token', async () => {
    const h = await start();
    const token = await h.token();
    const [header, payload] = token.split('.');
    expectBearerError(await h.api('GET', EMPS_PATH, { token: `${header}.${payload}` }), 401, 'invalid_token');
    expectBearerError(await h.api('GET', EMPS_PATH, { token: `${header}.${payload}.` }), 401, 'invalid_token');
  });

  it('alg "none" (unsecured JWT) is refused: 401 invalid_token (RFC 8725 §2.1)', async () => {
    const h = await start();
    const token = await h.token();
    expectBearerError(await h.api('GET', EMPS_PATH, { token: unsecured(token) }), 401, 'invalid_token');
  });

  it('HS256 is refused, including HMAC keyed with the public RSA key (algorithm confusion, RFC 8725 §2.1)', async () => {
    const h = await start();
    const token = await h.token();
    const jwks = await h.request('GET', '/admin/v1/SigningCert/jwk');
    const jwk = jwks.body.keys[0];
    const publicPem = createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    expectBearerError(await h.api('GET', EMPS_PATH, { token: hs256(token, publicPem) }), 401, 'invalid_token');
    expectBearerError(await h.api('GET', EMPS_PATH, { token: hs256(token, 'demo-secret') }), 401, 'invalid_token');
  });

  it('a token signed by a key the server does not hold, under the server kid: 401 invalid_token', async () => {
    const h = await start();
    const token = await h.token();
    expectBearerError(await h.api('GET', EMPS_PATH, { token: reissue(token, {}, {}, strangerKey()) }), 401, 'invalid_token', {
      description: /signature/,
    });
  });

  it('a token naming an unknown kid: 401 invalid_token', async () => {
    const h = await start();
    const token = await h.token();
    expectBearerError(await h.api('GET', EMPS_PATH, { token: reissue(token, {}, { kid: 'NOT_A_KEY' }) }), 401, 'invalid_token', {
      description: /unknown key/,
    });
  });

  it('a token with no kid at all: 401 invalid_token', async () => {
    const h = await start();
    const token = await h.token();
    const { kid: _kid, ...header } = decodeHeader(token);
    expectBearerError(await h.api('GET', EMPS_PATH, { token: signRs256(header, decodePayload(token)) }), 401, 'invalid_token');
  });
});

describe('claims', () => {
  it('a token from another issuer: 401 invalid_token', async () => {
    const h = await start();
    const token = await h.token();
    expectBearerError(await h.api('GET', EMPS_PATH, { token: reissue(token, { iss: 'https://evil.example/' }) }), 401, 'invalid_token', {
      description: /issuer/,
    });
  });

  for (const claim of ['exp', 'iat', 'jti', 'client_id', 'sub']) {
    it(`a token without ${claim}: 401 invalid_token`, async () => {
      const h = await start();
      const token = await h.token();
      expectBearerError(await h.api('GET', EMPS_PATH, { token: reissue(token, { [claim]: undefined }) }), 401, 'invalid_token');
    });
  }

  it('a token with a non-numeric exp: 401 invalid_token', async () => {
    const h = await start();
    const token = await h.token();
    expectBearerError(await h.api('GET', EMPS_PATH, { token: reissue(token, { exp: 'tomorrow' }) }), 401, 'invalid_token');
  });
});

describe('rfc9068 profile', () => {
  it('accepts its own at+jwt tokens and refuses the same claims without typ "at+jwt" (RFC 9068 §4)', async () => {
    const h = await start({ profile: 'rfc9068' });
    const reply = await h.request('POST', '/token', {
      headers: {
        authorization: `Basic ${Buffer.from('demo-client:demo-secret').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    expect(reply.status, reply.text).toBe(200);
    const token = reply.body.access_token as string;
    expect(decodeHeader(token).typ).toBe('at+jwt');
    expect((await h.api('GET', EMPS_PATH, { token })).status).toBe(200);
    expect((await h.api('GET', EMPS_PATH, { token: reissue(token) })).status).toBe(200);
    expectBearerError(await h.api('GET', EMPS_PATH, { token: reissue(token, {}, { typ: 'JWT' }) }), 401, 'invalid_token');
    const { typ: _typ, ...untyped } = decodeHeader(token);
    expectBearerError(await h.api('GET', EMPS_PATH, { token: signRs256(untyped, decodePayload(token)) }), 401, 'invalid_token');
  });

  it('with ES256 signing, an RS256 token under the same kid is refused (algorithm pinning, RFC 8725 §3.1)', async () => {
    const h = await start({ profile: 'rfc9068', algorithm: 'ES256' });
    const reply = await h.request('POST', '/token', {
      headers: {
        authorization: `Basic ${Buffer.from('demo-client:demo-secret').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    const token = reply.body.access_token as string;
    expect(decodeHeader(token).alg).toBe('ES256');
    expect((await h.api('GET', EMPS_PATH, { token })).status).toBe(200);
    expectBearerError(await h.api('GET', EMPS_PATH, { token: reissue(token, {}, { alg: 'RS256' }) }), 401, 'invalid_token', {
      description: /algorithm/,
    });
  });
});
