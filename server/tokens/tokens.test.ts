import { createHash, generateKeyPairSync } from 'node:crypto';
import { compactVerify, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { createSigningKey, KeyRing } from '../keys/key-ring.ts';
import { jwkThumbprint, readUnverified, signJwt } from './index.ts';

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

describe('signJwt', () => {
  const rsa = KeyRing.create('idcs', 'RS256', []).current;
  const ec = createSigningKey('ec-1', 'ES256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
  const claims = { sub: 'demo-client', iss: 'https://identity.oraclecloud.com/', aud: ['https://api.understudy.test:443'], exp: 2_000_000_000, iat: 1_999_996_400 };

  it.each([
    ['RS256', rsa, { 'x5t#S256': rsa.x5tS256, x5t: rsa.x5t, kid: rsa.kid, alg: 'RS256' }],
    ['ES256', ec, { typ: 'at+jwt', alg: 'ES256', kid: 'ec-1' }],
  ] as const)('signs a compact JWS that jose verifies (%s), with the header as given, in its order', async (alg, key, header) => {
    const token = await signJwt(header, claims, key);
    const { payload, protectedHeader } = await jwtVerify(token, key.publicKey, { algorithms: [alg] });
    expect(payload).toEqual(claims);
    expect(protectedHeader).toEqual(header);
    expect(token.split('.')[0]).toBe(b64(header));
    expect(token.split('.')[1]).toBe(b64(claims));
    // RFC 7518 §3.4: an ES256 signature is R || S, 64 bytes (not DER).
    if (alg === 'ES256') expect(Buffer.from(token.split('.')[2] as string, 'base64url')).toHaveLength(64);
  });

  it('follows a change of header for the same key (the encoded header is cached per key)', async () => {
    const first = await signJwt({ alg: 'ES256', kid: 'ec-1' }, claims, ec);
    const second = await signJwt({ alg: 'ES256', kid: 'ec-1', typ: 'at+jwt' }, claims, ec);
    const third = await signJwt({ alg: 'ES256', kid: 'ec-1' }, claims, ec);
    expect(decodeProtectedHeader(first)).toEqual({ alg: 'ES256', kid: 'ec-1' });
    expect(decodeProtectedHeader(second)).toEqual({ alg: 'ES256', kid: 'ec-1', typ: 'at+jwt' });
    expect(decodeProtectedHeader(third)).toEqual({ alg: 'ES256', kid: 'ec-1' });
    for (const token of [first, second, third]) await expect(compactVerify(token, ec.publicKey)).resolves.toBeDefined();
  });

  it('signs with each key its own CryptoKey', async () => {
    const other = createSigningKey('ec-2', 'ES256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    const token = await signJwt({ alg: 'ES256', kid: 'ec-2' }, claims, other);
    await expect(compactVerify(token, other.publicKey)).resolves.toBeDefined();
    await expect(compactVerify(token, ec.publicKey)).rejects.toThrow();
    await expect(compactVerify(await signJwt({ alg: 'ES256', kid: 'ec-1' }, claims, ec), ec.publicKey)).resolves.toBeDefined();
  });
});

describe('readUnverified', () => {
  it('reads the claims of a compact JWS without checking its signature', () => {
    expect(readUnverified(`${b64({ alg: 'RS256' })}.${b64({ jti: 'j1', exp: 5 })}.not-a-signature`)).toEqual({ jti: 'j1', exp: 5 });
    expect(readUnverified(`${b64({ alg: 'none' })}.${b64({ sub: 's' })}.`)).toEqual({ sub: 's' });
  });

  it.each([
    ['garbage', 'not-a-jwt'],
    ['an empty string', ''],
    ['two parts', `${b64({ alg: 'RS256' })}.${b64({ jti: 'j1' })}`],
    ['five parts (JWE)', `${b64({ alg: 'RSA-OAEP' })}.a.b.c.d`],
    ['a payload that is not JSON', `${b64({ alg: 'RS256' })}.${b64('{nope')}.sig`],
    ['a JSON array payload', `${b64({ alg: 'RS256' })}.${b64('[1,2]')}.sig`],
    ['a JSON null payload', `${b64({ alg: 'RS256' })}.${b64('null')}.sig`],
  ])('is undefined for %s', (_, token) => {
    expect(readUnverified(token)).toBeUndefined();
  });
});

describe('jwkThumbprint', () => {
  it('is the RFC 7638 §3.1 example thumbprint', async () => {
    const jwk = {
      kty: 'RSA',
      n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
      e: 'AQAB',
      alg: 'RS256',
      kid: '2011-04-29',
    };
    expect(await jwkThumbprint(jwk)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it('hashes only the required members of an EC key, in lexicographic order (RFC 7638 §3.2)', async () => {
    const key = createSigningKey('ec-t', 'ES256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    const { crv, kty, x, y } = key.publicJwk;
    const expected = createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url');
    expect(await jwkThumbprint(key.publicJwk)).toBe(expected);
  });
});
