// The msw handlers answer IDCS's real host names from an in-process understudy: tokens, discovery
// and JWKS name the production host, the API answers on its own host, and the journal sees it all.
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { describe, expect, it } from 'vitest';
import { createIdcsHandlers } from '../../../integrations/msw/index.ts';
import { accessToken, API_HOST, DEMO, EMPS_PATH, IDCS_HOST, JWKS_URL, requestToken, TOKEN_URL, useMsw } from './support.ts';

const { use } = useMsw();

describe('createIdcsHandlers: the identity domain on its production host', () => {
  it('issues a client_credentials token at https://idcs-1234.identity.oraclecloud.com/oauth2/v1/token', async () => {
    const idcs = await use();
    const response = await requestToken();
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-oracle-dms-ecid')).toBeTruthy();
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(idcs.journal.entries()).toMatchObject([{ endpoint: 'token', method: 'POST', path: '/oauth2/v1/token', status: 200, decision: 'issued', clientId: 'demo-client', grantType: 'client_credentials' }]);
  });

  it('serves discovery with the IDCS issuer and endpoints on the real host', async () => {
    const idcs = await use();
    const openid = (await (await fetch(`${IDCS_HOST}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(openid).toMatchObject({
      issuer: 'https://identity.oraclecloud.com/',
      token_endpoint: TOKEN_URL,
      jwks_uri: JWKS_URL,
      introspection_endpoint: `${IDCS_HOST}/oauth2/v1/introspect`,
      revocation_endpoint: `${IDCS_HOST}/oauth2/v1/revoke`,
    });
    const nested = (await (await fetch(`${IDCS_HOST}/.well-known/idcs-configuration`)).json()) as Record<string, Record<string, unknown>>;
    expect(nested['openid-configuration']?.token_endpoint).toBe(TOKEN_URL);
    const rfc8414 = (await (await fetch(`${IDCS_HOST}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    expect(rfc8414).toMatchObject({ token_endpoint: TOKEN_URL, code_challenge_methods_supported: ['S256'] });
    expect(idcs.urls).toMatchObject({ baseUrl: IDCS_HOST, tokenUrl: TOKEN_URL, jwksUrl: JWKS_URL, issuer: 'https://identity.oraclecloud.com/' });
    expect(idcs.journal.entries().map((e) => e.endpoint)).toEqual(['discovery', 'discovery', 'discovery']);
  });

  it('keeps an explicit :443 in the URLs it reports, as real IDCS discovery does', async () => {
    await use({ host: `${IDCS_HOST}:443` });
    const openid = (await (await fetch(`${IDCS_HOST}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(openid.token_endpoint).toBe(`${IDCS_HOST}:443/oauth2/v1/token`);
    expect(openid.jwks_uri).toBe(`${IDCS_HOST}:443/admin/v1/SigningCert/jwk`);
  });

  it('issues tokens that verify with jose against the JWKS fetched from the real host', async () => {
    const idcs = await use();
    const token = await accessToken();
    const jwks = createRemoteJWKSet(new URL(JWKS_URL));
    const { payload } = await jwtVerify(token, jwks, { issuer: 'https://identity.oraclecloud.com/', audience: 'https://api.understudy.test:443' });
    // The tenant comes from the host name: idcs-1234.identity.oraclecloud.com.
    expect(payload).toMatchObject({ client_id: 'demo-client', tenant: 'idcs-1234', tenant_iss: 'https://idcs-1234.identity.oraclecloud.com:443' });
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', kid: 'SIGNING_KEY' });
    expect(idcs.journal.entries().map((e) => e.endpoint)).toEqual(['token', 'jwks']);
  });

  it('lets config.tenant win over the tenant read from the host name', async () => {
    const idcs = await use({ config: { tenant: 'idcs-acme' } });
    expect(idcs.config.tenant).toBe('idcs-acme');
  });

  it('names the host as issuer under the rfc9068 profile, where the issuer is the server', async () => {
    const idcs = await use({ host: 'https://auth.example.com', config: { profile: 'rfc9068' } });
    const metadata = (await (await fetch('https://auth.example.com/.well-known/oauth-authorization-server')).json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({ issuer: 'https://auth.example.com', token_endpoint: 'https://auth.example.com/token', jwks_uri: 'https://auth.example.com/jwks' });
    expect(idcs.config.tenant).toBe('idcs-understudy');
  });

  it('works for openid-client 6 pointed at the well-known URL (IDCS issuer differs from its host)', async () => {
    await use();
    const config = await oidc.discovery(new URL(`${IDCS_HOST}/.well-known/openid-configuration`), DEMO.id, DEMO.secret);
    expect(config.serverMetadata().token_endpoint).toBe(TOKEN_URL);
    const tokens = await oidc.clientCredentialsGrant(config, { scope: DEMO.scope });
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.expires_in).toBe(3600);
  });

  it('introspects and revokes on the real host', async () => {
    const idcs = await use();
    const token = await accessToken();
    const auth = { authorization: `Basic ${Buffer.from(`${DEMO.id}:${DEMO.secret}`).toString('base64')}` };
    const active = await fetch(`${IDCS_HOST}/oauth2/v1/introspect`, { method: 'POST', headers: auth, body: new URLSearchParams({ token }) });
    expect(await active.json()).toMatchObject({ active: true, client_id: 'demo-client' });
    const revoked = await fetch(`${IDCS_HOST}/oauth2/v1/revoke`, { method: 'POST', headers: auth, body: new URLSearchParams({ token }) });
    expect(revoked.status).toBe(200);
    const after = await fetch(`${IDCS_HOST}/oauth2/v1/introspect`, { method: 'POST', headers: auth, body: new URLSearchParams({ token }) });
    expect(await after.json()).toEqual({ active: false });
    expect(idcs.journal.entries().map((e) => e.endpoint)).toEqual(['token', 'introspect', 'revoke', 'introspect']);
  });

  it("answers an unknown path on the IDCS host with understudy's own 404, naming the real token URL", async () => {
    const idcs = await use();
    const response = await fetch(`${IDCS_HOST}/admin/v1/Users`);
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: string; error_description: string };
    expect(body.error).toBe('not_found');
    expect(body.error_description).toContain(TOKEN_URL);
    expect(idcs.journal.entries()).toMatchObject([{ endpoint: 'other', path: '/admin/v1/Users', status: 404, decision: 'rejected' }]);
  });
});

describe('createIdcsHandlers: the API on its own host', () => {
  it('answers the mock API routes on apiHost with a token from the IDCS host', async () => {
    const idcs = await use({ apiHost: API_HOST });
    const token = await accessToken();
    const ok = await fetch(`${API_HOST}${EMPS_PATH}`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { items: unknown[] }).items.length).toBeGreaterThan(0);
    const anonymous = await fetch(`${API_HOST}${EMPS_PATH}`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(idcs.journal.entries()).toMatchObject([
      { endpoint: 'token', decision: 'issued' },
      { endpoint: 'api', path: EMPS_PATH, status: 200, decision: 'allowed', route: 'hcm-employees' },
      { endpoint: 'api', status: 401, decision: 'rejected' },
    ]);
  });

  it('refuses the token endpoint on the API host and the API on the IDCS host, as the real hosts would', async () => {
    const idcs = await use({ apiHost: API_HOST });
    const wrongToken = await requestToken({ url: `${API_HOST}/oauth2/v1/token` });
    expect(wrongToken.status).toBe(404);
    expect(((await wrongToken.json()) as { error_description: string }).error_description).toContain(`served on ${IDCS_HOST}`);
    const wrongApi = await fetch(`${IDCS_HOST}${EMPS_PATH}`);
    expect(wrongApi.status).toBe(404);
    expect(((await wrongApi.json()) as { error_description: string }).error_description).toContain(`served on ${API_HOST}`);
    expect(idcs.journal.entries()).toMatchObject([
      { endpoint: 'other', path: '/oauth2/v1/token', status: 404, reason: expect.stringMatching(/^misdirected: /) },
      { endpoint: 'other', path: EMPS_PATH, status: 404, reason: expect.stringMatching(/^misdirected: /) },
    ]);
  });

  it('journals a misdirected request with the fields of any other journal entry', async () => {
    const idcs = await use({ apiHost: API_HOST });
    expect((await fetch(`${IDCS_HOST}/nowhere`)).status).toBe(404);
    expect((await fetch(`${API_HOST}/oauth2/v1/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(404);
    const [understudy404, misdirected] = idcs.journal.entries();
    expect(misdirected).toMatchObject({ reason: expect.stringMatching(/^misdirected: /), remoteAddress: understudy404?.remoteAddress, requestHeaders: expect.arrayContaining(['host', 'content-type']) });
    expect(Object.keys(misdirected ?? {}).sort()).toEqual(Object.keys(understudy404 ?? {}).sort());
    for (const [key, value] of Object.entries(understudy404 ?? {})) expect(typeof misdirected?.[key as keyof typeof misdirected], key).toBe(typeof value);
  });

  it('does not expose the control API on the production host', async () => {
    const idcs = await use();
    const response = await fetch(`${IDCS_HOST}/_understudy/faults`, { method: 'POST', body: '{"preset":"token.reset"}' });
    expect(response.status).toBe(404);
    expect(idcs.faults.list()).toEqual([]);
  });

  it('serves both faces when the API shares the identity host', async () => {
    await use({ apiHost: IDCS_HOST });
    const token = await accessToken();
    expect((await fetch(`${IDCS_HOST}${EMPS_PATH}`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });
});

describe('createIdcsHandlers: handler sets', () => {
  it('keeps two handler sets on two hosts apart: journals, faults and tokens', async () => {
    const a = await use();
    const b = await use({ host: 'https://idcs-5678.identity.oraclecloud.com', faults: [{ preset: 'token.invalid_client' }] });
    expect((await requestToken()).status).toBe(200);
    expect((await requestToken({ url: 'https://idcs-5678.identity.oraclecloud.com/oauth2/v1/token' })).status).toBe(401);
    expect(a.journal.entries()).toMatchObject([{ status: 200 }]);
    expect(b.journal.entries()).toMatchObject([{ status: 401, error: 'invalid_client' }]);
  });

  it('leaves other hosts to msw (unhandled requests stay errors)', async () => {
    await use();
    await expect(fetch('https://idcs-9999.identity.oraclecloud.com/oauth2/v1/token', { method: 'POST' })).rejects.toThrow();
  });

  it.each([
    ['a path', `${IDCS_HOST}/oauth2/v1/token`, /must be an origin only/],
    ['no scheme', 'idcs-1234.identity.oraclecloud.com', /is not an absolute URL/],
    ['another scheme', 'ftp://idcs-1234.identity.oraclecloud.com', /must be an http or https URL/],
    ['a non-string', 42, /must be a URL string/],
  ])('rejects a host with %s, naming the option and an example', async (_what, host, message) => {
    await expect(createIdcsHandlers({ host: host as string })).rejects.toThrow(message);
    await expect(createIdcsHandlers({ host: host as string })).rejects.toThrow(/host .*e\.g\. "https:\/\/idcs-1234\.identity\.oraclecloud\.com"/);
  });

  it('names the bad entry of apiHost', async () => {
    await expect(createIdcsHandlers({ host: IDCS_HOST, apiHost: [API_HOST, `${API_HOST}/hcmRestApi`] })).rejects.toThrow(/apiHost\[1\] must be an origin only/);
  });
});

describe('createIdcsHandlers: close', () => {
  it('closes idempotently, and a request that still reaches closed handlers fails with the fix', async () => {
    const idcs = await use();
    expect((await requestToken()).status).toBe(200);
    await idcs.close();
    await idcs.close();
    const late = await requestToken().then((r) => r.text(), (error: Error) => String(error));
    expect(late).toMatch(/arrived after close\(\)/);
  });
});
