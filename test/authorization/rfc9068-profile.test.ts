import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type UnderstudyServer } from '../support/start-server.ts';
import { basic, decodeJwt, DEMO, issueToken, LOWER_HEX_32, postForm, requestToken, send, type Reply } from './helpers.ts';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** Plain RFC 6749 §5.2 error: exactly error and error_description, no IDCS ecid or DMS headers. */
function expectRfcError(reply: Reply, status: number, error: string): void {
  expect(reply.status, reply.text).toBe(status);
  expect(reply.headers.get('content-type')).toMatch(/^application\/json\b/);
  expect(Object.keys(reply.json)).toEqual(['error', 'error_description']);
  expect(reply.json.error).toBe(error);
  expect(typeof reply.json.error_description).toBe('string');
  expect(reply.headers.get('cache-control')).toBe('no-store');
  expectNoDmsHeaders(reply);
}

function expectNoDmsHeaders(reply: Reply): void {
  expect(reply.headers.get('x-oracle-dms-ecid')).toBeNull();
  expect(reply.headers.get('x-oracle-dms-rid')).toBeNull();
}

describe.each([{ algorithm: 'RS256' as const }, { algorithm: 'ES256' as const }])('rfc9068 profile with $algorithm', ({ algorithm }) => {
  let server: UnderstudyServer;
  const demoAuth = { authorization: basic(DEMO.clientId, DEMO.secret) };

  beforeAll(async () => {
    server = await startServer({ config: { profile: 'rfc9068', algorithm } });
  });
  afterAll(() => server.close());

  it('serves the RFC paths /token, /jwks, /introspect, /revoke', () => {
    expect(server.urls.tokenUrl).toBe(`${server.url}/token`);
    expect(server.urls.jwksUrl).toBe(`${server.url}/jwks`);
    expect(server.urls.introspectUrl).toBe(`${server.url}/introspect`);
    expect(server.urls.revokeUrl).toBe(`${server.url}/revoke`);
  });

  it('does not serve the IDCS paths', async () => {
    expect((await postForm(`${server.url}/oauth2/v1/token`, { grant_type: 'client_credentials' }, demoAuth)).status).toBe(404);
    expect((await send(`${server.url}/admin/v1/SigningCert/jwk`)).status).toBe(404);
    expect((await send(`${server.url}/.well-known/idcs-configuration`)).status).toBe(404);
  });

  it('publishes RFC 8414 metadata at /.well-known/oauth-authorization-server', async () => {
    const reply = await send(`${server.url}/.well-known/oauth-authorization-server`);
    expect(reply.status).toBe(200);
    expectNoDmsHeaders(reply);
    expect(reply.json).toMatchObject({
      issuer: server.url,
      token_endpoint: `${server.url}/token`,
      jwks_uri: `${server.url}/jwks`,
      introspection_endpoint: `${server.url}/introspect`,
      revocation_endpoint: `${server.url}/revoke`,
      access_token_signing_alg_values_supported: [algorithm],
    });
    expect(reply.json.grant_types_supported).toContain('client_credentials');
  });

  it('issues {access_token, token_type, expires_in} without IDCS headers when the scope granted is the scope asked for', async () => {
    const reply = await requestToken(server, { scope: DEMO.scope });
    expect(reply.status, reply.text).toBe(200);
    expect(Object.keys(reply.json)).toEqual(['access_token', 'token_type', 'expires_in']);
    expect(reply.json).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(reply.headers.get('cache-control')).toBe('no-store');
    expect(reply.headers.get('pragma')).toBe('no-cache');
    expectNoDmsHeaders(reply);
  });

  it('announces the default scope it granted when none was asked for (RFC 6749 §5.1: required when it differs)', async () => {
    const reply = await requestToken(server);
    expect(reply.status, reply.text).toBe(200);
    expect(Object.keys(reply.json)).toEqual(['access_token', 'token_type', 'expires_in', 'scope']);
    expect(reply.json.scope).toBe(DEMO.scope);
    expect(decodeJwt(reply.json.access_token).payload.scope).toBe(reply.json.scope);
  });

  it(`signs an RFC 9068 JWT: header typ "at+jwt", alg ${algorithm}`, async () => {
    const { header } = decodeJwt(await issueToken(server));
    expect(header.typ).toBe('at+jwt');
    expect(header.alg).toBe(algorithm);
    expect(typeof header.kid).toBe('string');
    expect(header).not.toHaveProperty('x5t');
  });

  it('puts the RFC 9068 §2.2 claims in the token: iss (the server URL), sub, aud, exp, iat, jti, client_id, scope', async () => {
    const { payload } = decodeJwt(await issueToken(server));
    expect(Object.keys(payload).sort()).toEqual(['aud', 'client_id', 'exp', 'iat', 'iss', 'jti', 'scope', 'sub']);
    expect(payload.iss).toBe(server.url);
    expect(payload.sub).toBe(DEMO.clientId);
    expect(payload.client_id).toBe(DEMO.clientId);
    expect([payload.aud].flat()).toEqual([DEMO.audience]);
    expect(payload.scope).toBe(DEMO.scope);
    expect(payload.exp).toBe((payload.iat as number) + 3600);
    expect(payload.jti).toMatch(LOWER_HEX_32);
  });

  it('signs tokens that verify against /jwks with typ at+jwt', async () => {
    const token = await issueToken(server);
    const { payload, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL(`${server.url}/jwks`)), {
      issuer: server.url,
      audience: DEMO.audience,
      algorithms: [algorithm],
      typ: 'at+jwt',
    });
    expect(protectedHeader.alg).toBe(algorithm);
    expect(payload.client_id).toBe(DEMO.clientId);
  });

  it('serves public keys only at /jwks', async () => {
    const reply = await send(`${server.url}/jwks`);
    expect(reply.status).toBe(200);
    expectNoDmsHeaders(reply);
    const [key] = reply.json.keys as Record<string, unknown>[];
    expect(key).toMatchObject({ alg: algorithm, use: 'sig', kty: algorithm === 'RS256' ? 'RSA' : 'EC' });
    if (algorithm === 'ES256') expect(key?.crv).toBe('P-256');
    for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member);
  });

  it('issues tokens the mock API accepts', async () => {
    const reply = await send(`${server.url}${DEMO.apiPath}`, { headers: { authorization: `Bearer ${await issueToken(server)}` } });
    expect(reply.status).toBe(200);
  });

  it('introspects at /introspect', async () => {
    const token = await issueToken(server);
    const reply = await postForm(`${server.url}/introspect`, { token }, demoAuth);
    expect(reply.status).toBe(200);
    expectNoDmsHeaders(reply);
    expect(reply.json).toMatchObject({ active: true, client_id: DEMO.clientId, scope: DEMO.scope, sub: DEMO.clientId, iss: server.url });
    expect((await postForm(`${server.url}/introspect`, { token: 'garbage' }, demoAuth)).json).toEqual({ active: false });
  });

  it('revokes at /revoke', async () => {
    const token = await issueToken(server);
    const reply = await postForm(`${server.url}/revoke`, { token }, demoAuth);
    expect(reply.status).toBe(200);
    expectNoDmsHeaders(reply);
    expect((await postForm(`${server.url}/introspect`, { token }, demoAuth)).json).toEqual({ active: false });
    const api = await send(`${server.url}${DEMO.apiPath}`, { headers: { authorization: `Bearer ${token}` } });
    expect(api.status).toBe(401);
    expect(api.json.error).toBe('invalid_token');
  });

  describe('errors: RFC 6749 §5.2 bodies without ecid', () => {
    it('wrong secret with Basic: 401 invalid_client with a Basic challenge', async () => {
      const reply = await requestToken(server, { secret: 'wrong' });
      expectRfcError(reply, 401, 'invalid_client');
      expect(reply.headers.get('www-authenticate')).toMatch(/^Basic realm="[^"]*", error="invalid_client"/);
    });

    it('wrong secret in the body: 401 invalid_client without a challenge', async () => {
      const reply = await postForm(server.urls.tokenUrl, { grant_type: 'client_credentials', client_id: DEMO.clientId, client_secret: 'wrong' });
      expectRfcError(reply, 401, 'invalid_client');
      expect(reply.headers.get('www-authenticate')).toBeNull();
    });

    it('unsupported grant_type: 400 unsupported_grant_type', async () => {
      expectRfcError(await postForm(server.urls.tokenUrl, { grant_type: 'implicit' }, demoAuth), 400, 'unsupported_grant_type');
    });

    it('missing grant_type: 400 invalid_request', async () => {
      expectRfcError(await postForm(server.urls.tokenUrl, {}, demoAuth), 400, 'invalid_request');
    });

    it('the IDCS expiry pseudo-scope is an unknown scope here: 400 invalid_scope', async () => {
      expectRfcError(await requestToken(server, { scope: `${DEMO.scope} urn:opc:resource:expiry=300` }), 400, 'invalid_scope');
    });

    it('GET /token: 405', async () => {
      const reply = await send(server.urls.tokenUrl);
      expectRfcError(reply, 405, 'invalid_request');
      expect(reply.headers.get('allow')).toBe('POST');
    });

    it('introspection without client authentication: 401 invalid_client', async () => {
      expectRfcError(await postForm(`${server.url}/introspect`, { token: 'x' }), 401, 'invalid_client');
    });

    it('revocation without a token: 400 invalid_request; an unknown token_type_hint is only a hint (RFC 7009 §2.1): 200', async () => {
      expectRfcError(await postForm(`${server.url}/revoke`, { token_type_hint: 'id_token' }, demoAuth), 400, 'invalid_request');
      expect((await postForm(`${server.url}/revoke`, { token: 'x', token_type_hint: 'id_token' }, demoAuth)).status).toBe(200);
    });
  });
});

describe('profile and algorithm', () => {
  it('refuses ES256 with the idcs profile (IDCS signs with RS256 only)', async () => {
    await expect(startServer({ config: { algorithm: 'ES256' } })).rejects.toThrow(/algorithm/);
  });

  it('takes the profile from the createServer option too', async () => {
    const server = await startServer({ profile: 'rfc9068' });
    try {
      expect(server.urls.tokenUrl).toBe(`${server.url}/token`);
      const { header, payload } = decodeJwt(await issueToken(server));
      expect(header.typ).toBe('at+jwt');
      expect(payload.iss).toBe(server.url);
    } finally {
      await server.close();
    }
  });
});
