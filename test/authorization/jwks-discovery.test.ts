import { createHash, X509Certificate } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type UnderstudyServer } from '../support/start-server.ts';
import { DEMO, IDCS_ISSUER, IDCS_PATHS, issueToken, postForm, send, basic, type Json } from './helpers.ts';

const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

describe('idcs JWKS /admin/v1/SigningCert/jwk (public)', () => {
  let server: UnderstudyServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it('serves the signing key without authentication', async () => {
    const reply = await send(`${server.url}${IDCS_PATHS.jwks}`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^application\/json\b/);
    expect(reply.headers.get('x-oracle-dms-ecid')).toMatch(/^\S+$/);
    expect(Object.keys(reply.json)).toEqual(['keys']);
    expect(reply.json.keys).toHaveLength(1);
  });

  it('describes an RS256 signing key named SIGNING_KEY with its certificate and thumbprints', async () => {
    const [key] = (await send(`${server.url}${IDCS_PATHS.jwks}`)).json.keys as Json[];
    expect(key).toMatchObject({ kty: 'RSA', kid: 'SIGNING_KEY', alg: 'RS256', use: 'sig', e: 'AQAB' });
    expect(typeof key.n).toBe('string');
    expect(Array.isArray(key.x5c)).toBe(true);
    expect(key.x5c.length).toBeGreaterThanOrEqual(1);
    expect(typeof key.x5t).toBe('string');
    expect(typeof key['x5t#S256']).toBe('string');
    for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member);

    // x5t / x5t#S256 are the SHA-1 / SHA-256 thumbprints of x5c[0], and the certificate holds this key.
    const der = Buffer.from(key.x5c[0] as string, 'base64');
    expect(key.x5t).toBe(createHash('sha1').update(der).digest('base64url'));
    expect(key['x5t#S256']).toBe(createHash('sha256').update(der).digest('base64url'));
    const certKey = new X509Certificate(der).publicKey.export({ format: 'jwk' });
    expect(certKey.n).toBe(key.n);
    expect(certKey.e).toBe(key.e);
  });

  it('verifies the tokens the server issues', async () => {
    const token = await issueToken(server);
    const jwks = (await send(`${server.url}${IDCS_PATHS.jwks}`)).json;
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer: IDCS_ISSUER, audience: DEMO.audience });
    expect(payload.client_id).toBe(DEMO.clientId);
  });
});

describe('idcs JWKS with jwks.public: false', () => {
  let server: UnderstudyServer;
  beforeAll(async () => {
    server = await startServer({ config: { jwks: { public: false } } });
  });
  afterAll(() => server.close());

  function expectScimUnauthorized(reply: Awaited<ReturnType<typeof send>>): void {
    expect(reply.status).toBe(401);
    expect(reply.headers.get('content-type')).toMatch(/^application\/scim\+json\b/);
    expect(Array.isArray(reply.json.schemas)).toBe(true);
    expect(reply.json.schemas).toContain(SCIM_ERROR);
    expect(reply.json.status).toBe('401');
    expect(typeof reply.json.detail).toBe('string');
    expect(reply.json).not.toHaveProperty('keys');
    expect(reply.headers.get('x-oracle-dms-ecid')).toMatch(/^\S+$/);
  }

  it('refuses a request without a token with the IDCS SCIM error (status "401" as a string)', async () => {
    expectScimUnauthorized(await send(`${server.url}${IDCS_PATHS.jwks}`));
  });

  it('refuses an invalid bearer token the same way', async () => {
    expectScimUnauthorized(await send(`${server.url}${IDCS_PATHS.jwks}`, { headers: { authorization: 'Bearer not.a.token' } }));
  });

  it('refuses Basic client credentials (a bearer token is needed)', async () => {
    expectScimUnauthorized(await send(`${server.url}${IDCS_PATHS.jwks}`, { headers: { authorization: basic(DEMO.clientId, DEMO.secret) } }));
  });

  it('serves the keys to a request with a valid bearer token', async () => {
    const token = await issueToken(server);
    const reply = await send(`${server.url}${IDCS_PATHS.jwks}`, { headers: { authorization: `Bearer ${token}` } });
    expect(reply.status).toBe(200);
    expect(reply.json.keys[0]).toMatchObject({ kty: 'RSA', kid: 'SIGNING_KEY', alg: 'RS256', use: 'sig' });
  });

  it('still issues tokens (the token endpoint does not need the JWKS)', async () => {
    const reply = await postForm(server.urls.tokenUrl, { grant_type: 'client_credentials' }, { authorization: basic(DEMO.clientId, DEMO.secret) });
    expect(reply.status).toBe(200);
  });
});

describe('idcs discovery documents', () => {
  let server: UnderstudyServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  function expectOpenIdConfiguration(doc: Json): void {
    const base = server.url;
    expect(doc.issuer).toBe(IDCS_ISSUER);
    expect(doc.token_endpoint).toBe(`${base}/oauth2/v1/token`);
    expect(doc.jwks_uri).toBe(`${base}/admin/v1/SigningCert/jwk`);
    expect(doc.introspection_endpoint).toBe(`${base}/oauth2/v1/introspect`);
    expect(doc.revocation_endpoint).toBe(`${base}/oauth2/v1/revoke`);
    expect(doc.secure_token_endpoint).toBe(`${base}/oauth2/v1/token`);
    expect(doc.secure_jwks_uri).toBe(`${base}/admin/v1/SigningCert/jwk`);
    expect(doc.grant_types_supported).toContain('client_credentials');
    expect(doc.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'private_key_jwt']));
    expect(doc.scopes_supported).toContain(`${DEMO.audience}${DEMO.scope}`);
    expect(doc.id_token_signing_alg_values_supported).toEqual(['RS256']);
    // Every *_endpoint / *_uri is an absolute URL on this server.
    for (const [name, value] of Object.entries(doc as Record<string, unknown>)) {
      if (/(_endpoint|_uri)$/.test(name)) expect(value, name).toMatch(new RegExp(`^${base.replace(/[.]/g, '\\.')}/`));
    }
  }

  it('/.well-known/openid-configuration: absolute URLs of this server, issuer https://identity.oraclecloud.com/', async () => {
    const reply = await send(`${server.url}/.well-known/openid-configuration`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^application\/json\b/);
    expect(reply.headers.get('x-oracle-dms-ecid')).toMatch(/^\S+$/);
    expect(Object.keys(reply.json)[0]).toBe('issuer');
    expectOpenIdConfiguration(reply.json);
  });

  it('/.well-known/idcs-configuration nests the same document under "openid-configuration"', async () => {
    const [idcs, openid] = await Promise.all([send(`${server.url}/.well-known/idcs-configuration`), send(`${server.url}/.well-known/openid-configuration`)]);
    expect(idcs.status).toBe(200);
    expect(idcs.json).toHaveProperty('configuration');
    expect(idcs.json).toHaveProperty('access-configuration');
    expectOpenIdConfiguration(idcs.json['openid-configuration']);
    expect(idcs.json['openid-configuration']).toEqual(openid.json);
  });

  it('points at endpoints that work: token_endpoint issues a token that jwks_uri verifies', async () => {
    const doc = (await send(`${server.url}/.well-known/openid-configuration`)).json;
    const token = await postForm(doc.token_endpoint, { grant_type: 'client_credentials' }, { authorization: basic(DEMO.clientId, DEMO.secret) });
    expect(token.status).toBe(200);
    const jwks = await send(doc.jwks_uri);
    expect(jwks.status).toBe(200);
    await expect(jwtVerify(token.json.access_token, createLocalJWKSet(jwks.json), { issuer: doc.issuer })).resolves.toBeDefined();
  });

  it('matches the URLs the server reports', async () => {
    const doc = (await send(server.urls.discoveryUrl)).json;
    expect(doc.token_endpoint).toBe(server.urls.tokenUrl);
    expect(doc.jwks_uri).toBe(server.urls.jwksUrl);
    expect(doc.introspection_endpoint).toBe(server.urls.introspectUrl);
    expect(doc.revocation_endpoint).toBe(server.urls.revokeUrl);
  });
});
