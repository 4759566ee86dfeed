import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type UnderstudyServer } from '../support/start-server.ts';
import { basic, decodeJwt, DEMO, IDCS_ISSUER, IDCS_PATHS, issueToken, LOWER_HEX_32, postForm, requestToken, send, type Reply } from './helpers.ts';

const CONSUMER_ALL = 'urn:opc:resource:consumer::all';
const REPORTS = 'https://reports.example.test:443';

function expectSuccessHeaders(reply: Reply): void {
  expect(reply.headers.get('cache-control')).toBe('no-store');
  expect(reply.headers.get('pragma')).toBe('no-cache');
  expect(reply.headers.get('content-type')).toMatch(/^application\/json\b/);
  expect(reply.headers.get('x-oracle-dms-ecid')).toMatch(/^\S+$/);
  expect(reply.headers.get('x-oracle-dms-rid')).toMatch(/^[0-9:]+$/);
}

function lifetime(token: string): number {
  const { payload } = decodeJwt(token);
  return (payload.exp as number) - (payload.iat as number);
}

describe('idcs token endpoint: client_credentials (embedded configuration)', () => {
  let server: UnderstudyServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it('serves the token endpoint at /oauth2/v1/token', () => {
    expect(server.urls.tokenUrl).toBe(`${server.url}${IDCS_PATHS.token}`);
  });

  it('issues a token to client_secret_basic: exactly access_token, token_type, expires_in, in that order', async () => {
    const reply = await requestToken(server);
    expect(reply.status).toBe(200);
    expectSuccessHeaders(reply);
    expect(Object.keys(reply.json)).toEqual(['access_token', 'token_type', 'expires_in']);
    expect(reply.json.token_type).toBe('Bearer');
    expect(reply.json.expires_in).toBe(3600);
    expect(typeof reply.json.access_token).toBe('string');
    // The raw text too: IDCS's literal shape, expires_in a JSON number.
    expect(reply.text).toBe(`{"access_token":"${reply.json.access_token}","token_type":"Bearer","expires_in":3600}`);
  });

  it('issues a token to client_secret_post with the same shape', async () => {
    const reply = await postForm(server.urls.tokenUrl, { grant_type: 'client_credentials', client_id: DEMO.clientId, client_secret: DEMO.secret });
    expect(reply.status).toBe(200);
    expectSuccessHeaders(reply);
    expect(Object.keys(reply.json)).toEqual(['access_token', 'token_type', 'expires_in']);
    expect(reply.json).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
  });

  it('accepts Basic credentials together with a matching client_id in the form', async () => {
    const reply = await postForm(server.urls.tokenUrl, { grant_type: 'client_credentials', client_id: DEMO.clientId }, { authorization: basic(DEMO.clientId, DEMO.secret) });
    expect(reply.status).toBe(200);
  });

  it('accepts a form Content-Type with a charset parameter', async () => {
    const reply = await postForm(server.urls.tokenUrl, 'grant_type=client_credentials', {
      authorization: basic(DEMO.clientId, DEMO.secret),
      'content-type': 'application/x-www-form-urlencoded; charset=UTF-8',
    });
    expect(reply.status).toBe(200);
  });

  it('gives every answer its own ecid', async () => {
    const [a, b] = await Promise.all([requestToken(server), requestToken(server)]);
    expect(a?.headers.get('x-oracle-dms-ecid')).not.toBe(b?.headers.get('x-oracle-dms-ecid'));
  });

  it('signs an IDCS-shaped JWT: header exactly x5t#S256, x5t, kid SIGNING_KEY, alg RS256, no typ', async () => {
    const token = await issueToken(server);
    const { header } = decodeJwt(token);
    expect(Object.keys(header)).toEqual(['x5t#S256', 'x5t', 'kid', 'alg']);
    expect(header.kid).toBe('SIGNING_KEY');
    expect(header.alg).toBe('RS256');
    expect(header).not.toHaveProperty('typ');

    const jwks = await send(server.urls.jwksUrl);
    const entry = (jwks.json.keys as Record<string, unknown>[]).find((k) => k.kid === 'SIGNING_KEY');
    expect(entry).toBeDefined();
    expect(header.x5t).toBe(entry?.x5t);
    expect(header['x5t#S256']).toBe(entry?.['x5t#S256']);
  });

  it('puts the IDCS client_credentials claims in the token', async () => {
    const before = Math.floor(Date.now() / 1000);
    const token = await issueToken(server);
    const after = Math.floor(Date.now() / 1000);
    const { payload } = decodeJwt(token);
    expect(payload).toMatchObject({
      iss: IDCS_ISSUER,
      sub: DEMO.clientId,
      client_id: DEMO.clientId,
      client_name: DEMO.clientName,
      sub_type: 'client',
      tok_type: 'AT',
      scope: CONSUMER_ALL,
      'user.tenant.name': DEMO.tenant,
      client_tenantname: DEMO.tenant,
      tenant: DEMO.tenant,
      tenant_iss: `https://${DEMO.tenant}.identity.oraclecloud.com:443`,
      gtp: 'cc',
    });
    expect(payload.aud).toEqual([DEMO.audience]);
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.iat).toBeLessThanOrEqual(after);
    expect(payload.exp).toBe((payload.iat as number) + 3600);
    expect(payload.jti).toMatch(LOWER_HEX_32);
    // No user claims in a client-only token.
    expect(Object.keys(payload).filter((k) => k.startsWith('user_'))).toEqual([]);
  });

  it('issues a fresh jti per token', async () => {
    const [a, b] = await Promise.all([issueToken(server), issueToken(server)]);
    expect(decodeJwt(a).payload.jti).not.toBe(decodeJwt(b).payload.jti);
  });

  it('signs tokens that verify against the JWKS served at /admin/v1/SigningCert/jwk', async () => {
    const token = await issueToken(server);
    const jwks = createRemoteJWKSet(new URL(`${server.url}${IDCS_PATHS.jwks}`));
    const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer: IDCS_ISSUER, audience: DEMO.audience, algorithms: ['RS256'] });
    expect(protectedHeader.kid).toBe('SIGNING_KEY');
    expect(payload.sub).toBe(DEMO.clientId);
  });

  it('issues tokens the mock API accepts', async () => {
    const token = await issueToken(server);
    const reply = await send(`${server.url}${DEMO.apiPath}`, { headers: { authorization: `Bearer ${token}` } });
    expect(reply.status).toBe(200);
    expect(reply.json.count).toBe(2);
  });

  describe('scopes on the embedded configuration', () => {
    it('accepts the fully-qualified scope (audience and scope concatenated, no separator)', async () => {
      const token = await issueToken(server, { scope: `${DEMO.audience}${CONSUMER_ALL}` });
      const { payload } = decodeJwt(token);
      expect(payload.scope).toBe(CONSUMER_ALL);
      expect(payload.aud).toEqual([DEMO.audience]);
    });

    it('accepts the bare scope when only one resource defines it', async () => {
      const token = await issueToken(server, { scope: CONSUMER_ALL });
      const { payload } = decodeJwt(token);
      expect(payload.scope).toBe(CONSUMER_ALL);
      expect(payload.aud).toEqual([DEMO.audience]);
    });

    it('shortens the lifetime with urn:opc:resource:expiry=300', async () => {
      const reply = await requestToken(server, { scope: `${CONSUMER_ALL} urn:opc:resource:expiry=300` });
      expect(reply.status).toBe(200);
      expect(reply.json.expires_in).toBe(300);
      expect(lifetime(reply.json.access_token)).toBe(300);
      // The expiry pseudo-scope is not a granted scope.
      expect(decodeJwt(reply.json.access_token).payload.scope).toBe(CONSUMER_ALL);
    });

    it('sets a longer lifetime too, as Oracle documents (up to 31556952 s)', async () => {
      const reply = await requestToken(server, { scope: `${CONSUMER_ALL} urn:opc:resource:expiry=7200` });
      expect(reply.status).toBe(200);
      expect(reply.json.expires_in).toBe(7200);
      expect(lifetime(reply.json.access_token)).toBe(7200);
    });

    it('refuses an expiry outside 1..31556952 with invalid_scope', async () => {
      for (const value of ['0', '31556953', 'abc', '-5']) {
        const reply = await requestToken(server, { scope: `${CONSUMER_ALL} urn:opc:resource:expiry=${value}` });
        expect(reply.status, value).toBe(400);
        expect(reply.json.error).toBe('invalid_scope');
      }
    });

    it('applies urn:opc:resource:expiry alone to the default scope', async () => {
      const reply = await requestToken(server, { scope: 'urn:opc:resource:expiry=300' });
      expect(reply.status).toBe(200);
      expect(reply.json.expires_in).toBe(300);
      expect(decodeJwt(reply.json.access_token).payload.scope).toBe(CONSUMER_ALL);
    });

    it.each(['urn:opc:resource:expiry=0', 'urn:opc:resource:expiry=abc', 'urn:opc:resource:expiry=-5', 'urn:opc:resource:expiry='])(
      'refuses a malformed expiry (%s) with invalid_scope',
      async (value) => {
        const reply = await requestToken(server, { scope: `${CONSUMER_ALL} ${value}` });
        expect(reply.status).toBe(400);
        expect(reply.json.error).toBe('invalid_scope');
      },
    );

    it('ignores offline_access: the token has the other scope and no refresh_token is issued', async () => {
      const reply = await requestToken(server, { scope: `${CONSUMER_ALL} offline_access` });
      expect(reply.status).toBe(200);
      expect(Object.keys(reply.json)).toEqual(['access_token', 'token_type', 'expires_in']);
      expect(decodeJwt(reply.json.access_token).payload.scope).toBe(CONSUMER_ALL);
    });

    it('grants the default scope when no scope is requested', async () => {
      const token = await issueToken(server);
      const { payload } = decodeJwt(token);
      expect(payload.scope).toBe(CONSUMER_ALL);
      expect(payload.aud).toEqual([DEMO.audience]);
    });

    it('treats extra spaces between scopes as separators', async () => {
      const reply = await requestToken(server, { scope: `  ${CONSUMER_ALL}   urn:opc:resource:expiry=300 ` });
      expect(reply.status).toBe(200);
      expect(reply.json.expires_in).toBe(300);
    });

    it.each([
      ['an unknown bare scope', 'urn:opc:resource:nope'],
      ['an unknown scope of a known audience', `${DEMO.audience}urn:opc:resource:nope`],
      ['a scope of an unknown audience', `https://other.example.test:443${CONSUMER_ALL}`],
    ])('refuses %s with invalid_scope', async (_name, scope) => {
      const reply = await requestToken(server, { scope });
      expect(reply.status).toBe(400);
      expect(Object.keys(reply.json)).toEqual(['error', 'error_description', 'ecid']);
      expect(reply.json.error).toBe('invalid_scope');
      expect(reply.json.ecid).toBe(reply.headers.get('x-oracle-dms-ecid'));
      expect(reply.headers.get('cache-control')).toBe('no-store');
      expect(reply.headers.get('www-authenticate')).toBeNull();
      // The server still issues tokens afterwards.
      expect((await requestToken(server)).status).toBe(200);
    });
  });
});

describe('idcs token endpoint: scopes and lifetimes of configured resources and clients', () => {
  const SPECIAL_ID = 'svc:reports';
  const SPECIAL_SECRET = 'p@ss w+rd%/é';
  let server: UnderstudyServer;
  beforeAll(async () => {
    server = await startServer({
      config: {
        resources: [
          { name: 'demo-api', audience: DEMO.audience, scopes: [CONSUMER_ALL] },
          { name: 'reports', audience: REPORTS, scopes: [CONSUMER_ALL, 'reports.read'], accessTokenTtl: 900 },
        ],
        clients: [
          { id: DEMO.clientId, secret: DEMO.secret, name: DEMO.clientName, scopes: [`${DEMO.audience}${CONSUMER_ALL}`] },
          // No scopes listed: granted every scope of every resource.
          { id: 'reports-all', secret: 'reports-all-secret' },
          { id: 'reports-reader', secret: 'reports-reader-secret', scopes: [`${REPORTS}reports.read`], accessTokenTtl: 120 },
          { id: 'short-lived', secret: 'short-lived-secret', scopes: [`${DEMO.audience}${CONSUMER_ALL}`], accessTokenTtl: 60 },
          { id: SPECIAL_ID, secret: SPECIAL_SECRET, scopes: [`${DEMO.audience}${CONSUMER_ALL}`] },
          { id: 'reports-both', secret: 'reports-both-secret', scopes: [`${REPORTS}${CONSUMER_ALL}`, `${REPORTS}reports.read`] },
        ],
      },
    });
  });
  afterAll(() => server.close());

  const as = (clientId: string, scope?: string) => requestToken(server, { clientId, secret: `${clientId}-secret`, ...(scope === undefined ? {} : { scope }) });

  it('uses the resource accessTokenTtl', async () => {
    const reply = await as('reports-all', `${REPORTS}reports.read`);
    expect(reply.status).toBe(200);
    expect(reply.json.expires_in).toBe(900);
    expect(lifetime(reply.json.access_token)).toBe(900);
    const { payload } = decodeJwt(reply.json.access_token);
    expect(payload.aud).toEqual([REPORTS]);
    expect(payload.scope).toBe('reports.read');
  });

  it('lets the client accessTokenTtl override the resource one', async () => {
    const reply = await as('reports-reader', 'reports.read');
    expect(reply.status).toBe(200);
    expect(reply.json.expires_in).toBe(120);
    expect(lifetime(reply.json.access_token)).toBe(120);
  });

  it('uses the client accessTokenTtl on the default resource', async () => {
    const reply = await as('short-lived');
    expect(reply.status).toBe(200);
    expect(reply.json.expires_in).toBe(60);
    expect(lifetime(reply.json.access_token)).toBe(60);
  });

  it('applies urn:opc:resource:expiry below the resource lifetime', async () => {
    const reply = await as('reports-all', `${REPORTS}reports.read urn:opc:resource:expiry=300`);
    expect(reply.status).toBe(200);
    expect(reply.json.expires_in).toBe(300);
    expect(lifetime(reply.json.access_token)).toBe(300);
  });

  it('refuses consumer::all combined with another scope of the same resource (invalid_scope)', async () => {
    const reply = await as('reports-all', `${REPORTS}${CONSUMER_ALL} ${REPORTS}reports.read`);
    expect(reply.status).toBe(400);
    expect(reply.json.error).toBe('invalid_scope');
    expect(reply.json.ecid).toBe(reply.headers.get('x-oracle-dms-ecid'));
  });

  it('does not count offline_access for the consumer::all combination rule', async () => {
    const reply = await as('reports-all', `${REPORTS}${CONSUMER_ALL} offline_access`);
    expect(reply.status).toBe(200);
    const { payload } = decodeJwt(reply.json.access_token);
    expect(payload.scope).toBe(CONSUMER_ALL);
    expect(payload.aud).toEqual([REPORTS]);
  });

  it('grants consumer::all of one resource alone', async () => {
    const reply = await as('reports-all', `${REPORTS}${CONSUMER_ALL}`);
    expect(reply.status).toBe(200);
    expect(reply.json.expires_in).toBe(900);
  });

  it('refuses a bare scope that two resources define (invalid_scope)', async () => {
    const reply = await as('reports-all', CONSUMER_ALL);
    expect(reply.status).toBe(400);
    expect(reply.json.error).toBe('invalid_scope');
  });

  it('refuses a scope the client is not granted (invalid_scope)', async () => {
    const reply = await as('reports-reader', `${REPORTS}${CONSUMER_ALL}`);
    expect(reply.status).toBe(400);
    expect(reply.json.error).toBe('invalid_scope');
    // ...and the demo client is not granted anything on the reports resource.
    const demo = await requestToken(server, { scope: `${REPORTS}reports.read` });
    expect(demo.status).toBe(400);
    expect(demo.json.error).toBe('invalid_scope');
  });

  it('refuses scopes of two audiences in one request (invalid_scope)', async () => {
    const reply = await as('reports-all', `${DEMO.audience}${CONSUMER_ALL} ${REPORTS}reports.read`);
    expect(reply.status).toBe(400);
    expect(reply.json.error).toBe('invalid_scope');
  });

  it('defaults to the scopes the client is granted when no scope is requested', async () => {
    const reply = await as('reports-reader');
    expect(reply.status).toBe(200);
    const { payload } = decodeJwt(reply.json.access_token);
    expect(payload.scope).toBe('reports.read');
    expect(payload.aud).toEqual([REPORTS]);
  });

  it('takes the default scopes of the audience named by the resource parameter (RFC 8707)', async () => {
    const reply = await requestToken(server, { clientId: 'reports-reader', secret: 'reports-reader-secret', extra: { resource: REPORTS } });
    expect(reply.status, reply.text).toBe(200);
    expect(decodeJwt(reply.json.access_token).payload.aud).toEqual([REPORTS]);
  });

  it('refuses an unknown resource parameter: 400 invalid_target', async () => {
    const reply = await requestToken(server, { extra: { resource: 'https://unknown.example.test:443' } });
    expect(reply.status).toBe(400);
    expect(reply.json.error).toBe('invalid_target');
  });

  it('lets a client granted both scopes ask for each alone', async () => {
    expect((await as('reports-both', `${REPORTS}${CONSUMER_ALL}`)).status).toBe(200);
    expect((await as('reports-both', `${REPORTS}reports.read`)).status).toBe(200);
  });

  it('grants a default when the client holds consumer::all and another scope of the resource', async () => {
    const reply = await as('reports-both');
    expect(reply.status, reply.text).toBe(200);
  });

  it('form-decodes Basic credentials (RFC 6749 §2.3.1)', async () => {
    const encode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
    const authorization = `Basic ${Buffer.from(`${encode(SPECIAL_ID)}:${encode(SPECIAL_SECRET)}`).toString('base64')}`;
    const reply = await postForm(server.urls.tokenUrl, { grant_type: 'client_credentials' }, { authorization });
    expect(reply.status).toBe(200);
    expect(decodeJwt(reply.json.access_token).payload.client_id).toBe(SPECIAL_ID);
  });

  it('takes client_secret_post values verbatim (the form encoding is the transport)', async () => {
    const reply = await postForm(server.urls.tokenUrl, { grant_type: 'client_credentials', client_id: SPECIAL_ID, client_secret: SPECIAL_SECRET });
    expect(reply.status).toBe(200);
  });
});
