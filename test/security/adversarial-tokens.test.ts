/**
 * The adversarial suite: the mock API is used as an oracle for token validation. Every token
 * here is forged or damaged, and the real server (over HTTP) must refuse each one with 401 and
 * `WWW-Authenticate: Bearer ... error="invalid_token"` (RFC 6750 §3.1, RFC 8725, RFC 9068 §4).
 *
 * Forgeries are re-signed with the server's own private key (read from the in-process key
 * ring) so that exactly one property of the token is wrong; a control test checks the
 * re-signing itself is sound (an unchanged re-signed token is accepted).
 *
 * Self-contained on purpose: it overlaps test/api/token-validation.test.ts in places, but is
 * meant to be run (and read) alone as the list of attacks the verifier withstands.
 */
import { createHmac, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type UnderstudyConfig, type UnderstudyServer } from '../../server/index.ts';
import { EMPS_PATH, expectBearerError, harness, type Harness } from '../api/support/harness.ts';

type Json = Record<string, unknown>;

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const decode = (part: string | undefined): Json => JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as Json;
const headerOf = (token: string) => decode(token.split('.')[0]);
const payloadOf = (token: string) => decode(token.split('.')[1]);

/** Compact JWS over `header`/`payload`, signed with `key` using the algorithm the header names (RS256 or ES256). */
function signJws(header: Json, payload: Json, key: KeyObject, alg = String(header.alg)): string {
  const input = `${b64(header)}.${b64(payload)}`;
  let signature: Buffer;
  if (alg === 'RS256') signature = sign('sha256', Buffer.from(input), key);
  else if (alg === 'ES256') signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  else throw new Error(`signJws: unsupported ${alg}`);
  return `${input}.${signature.toString('base64url')}`;
}

function hmac(token: string, secret: string | Buffer, headerChanges: Json = {}): string {
  const input = `${b64({ ...headerOf(token), alg: 'HS256', ...headerChanges })}.${token.split('.')[1]}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

function strangerKey(alg: string): KeyObject {
  return alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
}

interface Profile {
  name: string;
  config: UnderstudyConfig;
  alg: 'RS256' | 'ES256';
}

const PROFILES: Profile[] = [
  { name: 'idcs (RS256)', config: {}, alg: 'RS256' },
  { name: 'rfc9068 (ES256)', config: { profile: 'rfc9068', algorithm: 'ES256' }, alg: 'ES256' },
];

async function fetchToken(server: UnderstudyServer): Promise<string> {
  const response = await fetch(server.urls.tokenUrl, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from('demo-client:demo-secret').toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  const body = (await response.json()) as { access_token?: string };
  expect(response.status, JSON.stringify(body)).toBe(200);
  return body.access_token as string;
}

for (const profile of PROFILES) {
  describe(`adversarial tokens, ${profile.name}`, () => {
    let server: UnderstudyServer;
    let h: Harness;
    let token: string;

    beforeAll(async () => {
      server = await createServer({ port: 0, config: profile.config });
      h = harness(server);
      token = await fetchToken(server);
    });
    afterAll(() => server.close());

    /** The token with claims changed (undefined removes), re-signed with the server's own signing key. */
    const resign = (changes: Json = {}, headerChanges: Json = {}, key: KeyObject = server.keys.current.privateKey): string => {
      const payload = { ...payloadOf(token) };
      for (const [name, value] of Object.entries(changes)) {
        if (value === undefined) delete payload[name];
        else payload[name] = value;
      }
      const header = { ...headerOf(token) };
      for (const [name, value] of Object.entries(headerChanges)) {
        if (value === undefined) delete header[name];
        else header[name] = value;
      }
      return signJws(header, payload, key, profile.alg);
    };

    const refused = async (forged: string, description?: RegExp) => {
      expectBearerError(await h.api('GET', EMPS_PATH, { token: forged }), 401, 'invalid_token', description ? { description } : {});
    };

    it('control: the real token and an unchanged re-signed copy are accepted (the forging is sound)', async () => {
      expect(headerOf(token).alg).toBe(profile.alg);
      expect((await h.api('GET', EMPS_PATH, { token })).status).toBe(200);
      expect((await h.api('GET', EMPS_PATH, { token: resign() })).status).toBe(200);
    });

    it('expired (exp in the past)', async () => {
      const now = Math.floor(server.clock.nowSeconds());
      await refused(resign({ exp: now - 10, iat: now - 3610 }), /expired/);
    });

    it('not yet valid (nbf in the future)', async () => {
      await refused(resign({ nbf: Math.floor(server.clock.nowSeconds()) + 600 }), /not yet valid/);
    });

    it('iat in the future is accepted: iat is informational (RFC 7519 §4.1.6), nbf gates validity', async () => {
      // As with jose and Spring Security: an API whose clock runs behind the issuer's must still
      // accept a fresh token (see the api.clock_skew tests); "not yet valid" is nbf's job (above).
      const now = Math.floor(server.clock.nowSeconds());
      const token = resign({ iat: now + 600, exp: now + 4200 });
      const response = await fetch(`${server.url}/hcmRestApi/resources/11.13.18.05/emps`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
    });

    it('another issuer', async () => {
      await refused(resign({ iss: 'https://evil.example/' }), /issuer/);
    });

    it('no issuer', async () => {
      await refused(resign({ iss: undefined }));
    });

    it('another audience', async () => {
      await refused(resign({ aud: 'https://other-api.example' }), /aud/);
      await refused(resign({ aud: ['https://other-api.example', 'https://third.example'] }), /aud/);
    });

    it('no audience', async () => {
      await refused(resign({ aud: undefined }));
    });

    it('alg "none" (unsecured JWT), with and without a signature part', async () => {
      const header = b64({ ...headerOf(token), alg: 'none' });
      const [, payload, signature] = token.split('.');
      await refused(`${header}.${payload}.`);
      await refused(`${header}.${payload}.${signature}`);
      await refused(`${b64({ ...headerOf(token), alg: 'None' })}.${payload}.`);
    });

    it('HS256 keyed with the public key (algorithm confusion): PEM, DER, JWK JSON, and the JWK n/x', async () => {
      const publicKey = createPublicKey(server.keys.current.privateKey);
      const pem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
      const jwk = publicKey.export({ format: 'jwk' });
      const secrets: (string | Buffer)[] = [
        pem,
        pem.trimEnd(),
        publicKey.export({ type: 'spki', format: 'der' }),
        JSON.stringify(jwk),
        String(jwk.n ?? jwk.x),
        Buffer.from(String(jwk.n ?? jwk.x), 'base64url'),
        'demo-secret',
      ];
      if (profile.alg === 'RS256') secrets.push(publicKey.export({ type: 'pkcs1', format: 'pem' }) as string);
      for (const secret of secrets) await refused(hmac(token, secret), /algorithm/);
    });

    it('HS256 keyed with the JWKS document as served', async () => {
      const jwks = await h.request('GET', new URL(server.urls.jwksUrl).pathname);
      expect(jwks.status).toBe(200);
      await refused(hmac(token, jwks.text));
      await refused(hmac(token, JSON.stringify(jwks.body.keys[0])));
    });

    it('the other asymmetric algorithm (RS256 <-> ES256) under the server kid', async () => {
      const other = profile.alg === 'RS256' ? 'ES256' : 'RS256';
      const forged = signJws({ ...headerOf(token), alg: other }, payloadOf(token), strangerKey(other), other);
      await refused(forged);
    });

    it('signed by an unknown key, under the server kid', async () => {
      await refused(resign({}, {}, strangerKey(profile.alg)), /signature/);
    });

    it('signed by an unknown key, with an unknown kid', async () => {
      await refused(resign({}, { kid: 'attacker-key' }, strangerKey(profile.alg)), /unknown key/);
    });

    it('signed by the server key, with an unknown kid or no kid', async () => {
      await refused(resign({}, { kid: 'attacker-key' }));
      await refused(resign({}, { kid: undefined }));
    });

    it('embedded attacker key (jwk / jku / x5u headers) is not trusted', async () => {
      const attacker = strangerKey(profile.alg);
      const jwk = createPublicKey(attacker).export({ format: 'jwk' });
      await refused(resign({}, { jwk }, attacker));
      await refused(resign({}, { kid: 'attacker-key', jwk }, attacker));
      await refused(resign({}, { jku: 'https://evil.example/jwks.json' }, attacker));
      await refused(resign({}, { x5u: 'https://evil.example/cert.pem' }, attacker));
    });

    it('tampered payload (scope changed), original signature kept', async () => {
      const [header, , signature] = token.split('.');
      const claims = payloadOf(token);
      await refused(`${header}.${b64({ ...claims, scope: `${String(claims.scope)} admin` })}.${signature}`, /signature/);
      await refused(`${header}.${b64({ ...claims, scope: 'urn:opc:idm:__myscopes__' })}.${signature}`, /signature/);
    });

    it('tampered payload (client_id and sub changed), original signature kept', async () => {
      const [header, , signature] = token.split('.');
      await refused(`${header}.${b64({ ...payloadOf(token), client_id: 'other-client', sub: 'admin' })}.${signature}`, /signature/);
    });

    it('tampered header (kid changed to nonsense), original signature kept', async () => {
      const [, payload, signature] = token.split('.');
      await refused(`${b64({ ...headerOf(token), kid: 'x' })}.${payload}.${signature}`);
    });

    it('tampered signature: one character flipped, truncated, emptied, doubled, from another token', async () => {
      const [header, payload, signature = ''] = token.split('.');
      const i = Math.floor(signature.length / 2);
      const flipped = `${signature.slice(0, i)}${signature[i] === 'A' ? 'B' : 'A'}${signature.slice(i + 1)}`;
      await refused(`${header}.${payload}.${flipped}`, /signature/);
      await refused(`${header}.${payload}.${signature.slice(0, -4)}`);
      await refused(`${header}.${payload}.`);
      await refused(`${header}.${payload}.${signature}${signature}`);
      const other = resign({ jti: 'another-jti' });
      await refused(`${header}.${payload}.${other.split('.')[2]}`, /signature/);
    });

    for (const claim of ['exp', 'iat', 'jti', 'client_id', 'sub']) {
      it(`missing required claim ${claim}`, async () => {
        await refused(resign({ [claim]: undefined }));
      });
    }

    it('wrongly typed claims: exp as a string, iat as a string, nbf as a string', async () => {
      const { exp, iat } = payloadOf(token) as { exp: number; iat: number };
      await refused(resign({ exp: String(exp) }));
      await refused(resign({ iat: String(iat) }));
      await refused(resign({ nbf: 'now' }));
    });

    it('kid pointing at another key of the ring (signed by the new key, kid of the old one)', async () => {
      const own = await createServer({ port: 0, config: profile.config });
      try {
        const oh = harness(own);
        const oldKid = own.keys.current.kid;
        const rotate = await oh.control('POST', '/keys/rotate', {});
        expect(rotate.status, rotate.text).toBe(201);
        const newKey = own.keys.current;
        expect(newKey.kid).not.toBe(oldKid);
        const issued = await fetchToken(own);
        expect(headerOf(issued).kid).toBe(newKey.kid);
        expect((await oh.api('GET', EMPS_PATH, { token: issued })).status).toBe(200);
        const [, payload, signature] = issued.split('.');
        const swapped = `${b64({ ...headerOf(issued), kid: oldKid })}.${payload}.${signature}`;
        expectBearerError(await oh.api('GET', EMPS_PATH, { token: swapped }), 401, 'invalid_token', { description: /signature/ });
      } finally {
        await own.close();
      }
    });

    it('signed by a key removed after rotation (POST /keys/rotate, DELETE /keys/{kid})', async () => {
      const own = await createServer({ port: 0, config: profile.config });
      try {
        const oh = harness(own);
        const old = await fetchToken(own);
        const oldKid = String(headerOf(old).kid);
        const rotate = await oh.control('POST', '/keys/rotate', {});
        expect(rotate.status, rotate.text).toBe(201);
        expect(rotate.body.previous).toBe(oldKid);
        // The old key still verifies until removed.
        expect((await oh.api('GET', EMPS_PATH, { token: old })).status).toBe(200);
        const removed = await oh.control('DELETE', `/keys/${encodeURIComponent(oldKid)}`);
        expect(removed.status, removed.text).toBe(204);
        expectBearerError(await oh.api('GET', EMPS_PATH, { token: old }), 401, 'invalid_token', { description: /unknown key/ });
        // And a fresh token from the new key works.
        expect((await oh.api('GET', EMPS_PATH, { token: await fetchToken(own) })).status).toBe(200);
      } finally {
        await own.close();
      }
    });

    it('a JWE-looking 5-part token', async () => {
      const jweHeader = b64({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: headerOf(token).kid });
      await refused(`${jweHeader}.${b64('key')}.${b64('iv-iv-iv-iv')}.${b64('ciphertext')}.${b64('tag-tag-tag-tag')}`);
      // The real token's parts, padded out to five.
      await refused(`${token}.AAAA.BBBB`);
      const [header, payload, signature] = token.split('.');
      await refused(`${header}.${payload}.${payload}.${signature}.${signature}`);
    });

    it('a crit header the verifier does not understand', async () => {
      await refused(resign({}, { crit: ['exp'] }));
      await refused(resign({}, { crit: ['urn:example:must-understand'], 'urn:example:must-understand': true }));
      await refused(resign({}, { crit: ['b64'], b64: false }));
    });

    it('empty and garbage bearer values', async () => {
      const garbage = ['x', 'abc.def.ghi', '...', '..', 'a.b', 'e30.e30.', 'e30.e30.e30', '-_-._-_.-_-', 'eyJhbGciOiJSUzI1NiJ9', 'Zm9v'];
      for (const value of garbage) await refused(value);
      // A payload that is not a JSON object.
      const header = token.split('.')[0];
      await refused(`${header}.${b64('[1,2,3]')}.${token.split('.')[2]}`);
      await refused(`${header}.${b64('null')}.${token.split('.')[2]}`);
      // Empty or non-b64token bearer values (RFC 6750 §2.1 syntax): a malformed header is
      // 400 invalid_request or a bare 401 challenge; never a success, never a 5xx.
      for (const authorization of ['Bearer ', 'Bearer', 'Bearer    ', 'Bearer =', 'Bearer a b', 'Bearer "x"']) {
        const reply = await h.api('GET', EMPS_PATH, { headers: { authorization } });
        expect(reply.status, authorization).toBeGreaterThanOrEqual(400);
        expect(reply.status).toBeLessThan(500);
        expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer /);
      }
    });

    it('payload with a huge claim set is still refused when unsigned by the server', async () => {
      await refused(resign({ padding: 'x'.repeat(6000) }, {}, strangerKey(profile.alg)));
    });

    if (profile.name.startsWith('rfc9068')) {
      it('typ not at+jwt: JWT, missing, application/at+jwt is accepted only if RFC 9068 allows it', async () => {
        await refused(resign({}, { typ: 'JWT' }));
        await refused(resign({}, { typ: undefined }));
        await refused(resign({}, { typ: 'jwt' }));
        await refused(resign({}, { typ: 'at+JWT+evil' }));
        await refused(resign({}, { typ: 'id_token' }));
        // RFC 9068 §2.1 / RFC 7515 §4.1.9: "application/at+jwt" is the same media type as "at+jwt".
        const full = await h.api('GET', EMPS_PATH, { token: resign({}, { typ: 'application/at+jwt' }) });
        expect([200, 401]).toContain(full.status);
      });
    }
  });
}
