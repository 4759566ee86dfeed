import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type UnderstudyServer } from '../support/start-server.ts';
import { advanceClock, basic, DEMO, IDCS_ISSUER, IDCS_PATHS, issueToken, postForm, send, type Reply } from './helpers.ts';

const CLIENTS = [
  { id: DEMO.clientId, secret: DEMO.secret, name: DEMO.clientName },
  { id: 'other-client', secret: 'other-secret' },
  { id: 'inactive', secret: 'inactive-secret', active: false },
];

const demoAuth = { authorization: basic(DEMO.clientId, DEMO.secret) };
const otherAuth = { authorization: basic('other-client', 'other-secret') };

function expectIdcsError(reply: Reply, status: number, error: string): void {
  expect(reply.status, reply.text).toBe(status);
  expect(Object.keys(reply.json)).toEqual(['error', 'error_description', 'ecid']);
  expect(reply.json.error).toBe(error);
  expect(reply.json.ecid).toBe(reply.headers.get('x-oracle-dms-ecid'));
  expect(reply.headers.get('cache-control')).toBe('no-store');
}

function tamper(token: string): string {
  const [header, payload, signature = ''] = token.split('.');
  const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
  return `${header}.${payload}.${flipped}`;
}

describe('idcs introspection POST /oauth2/v1/introspect (RFC 7662)', () => {
  let server: UnderstudyServer;
  const introspect = (params: Record<string, string>, headers: Record<string, string> = demoAuth) => postForm(server.urls.introspectUrl, params, headers);

  beforeAll(async () => {
    server = await startServer({ config: { clients: CLIENTS } });
  });
  afterAll(() => server.close());

  it('is served at /oauth2/v1/introspect', () => {
    expect(server.urls.introspectUrl).toBe(`${server.url}${IDCS_PATHS.introspect}`);
  });

  it('describes an active token: active, scope, client_id, token_type "JWT", exp, iat, sub...', async () => {
    const token = await issueToken(server);
    const reply = await introspect({ token });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    expect(reply.headers.get('pragma')).toBe('no-cache');
    expect(reply.headers.get('x-oracle-dms-ecid')).toMatch(/^\S+$/);
    expect(Object.keys(reply.json)[0]).toBe('active');
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
    expect(reply.json).toMatchObject({
      active: true,
      scope: DEMO.scope,
      client_id: DEMO.clientId,
      token_type: 'JWT',
      sub_type: 'client',
      exp: claims.exp,
      iat: claims.iat,
      sub: DEMO.clientId,
      iss: IDCS_ISSUER,
      aud: [DEMO.audience],
      jti: claims.jti,
    });
  });

  it('accepts client_secret_post', async () => {
    const token = await issueToken(server);
    const reply = await introspect({ token, client_id: DEMO.clientId, client_secret: DEMO.secret }, {});
    expect(reply.status).toBe(200);
    expect(reply.json.active).toBe(true);
  });

  it('lets another authenticated client introspect the token', async () => {
    const token = await issueToken(server);
    const reply = await introspect({ token }, otherAuth);
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ active: true, client_id: DEMO.clientId });
  });

  it('answers exactly {"active": false} for a garbage token', async () => {
    const reply = await introspect({ token: 'garbage' });
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ active: false });
    expect(reply.headers.get('cache-control')).toBe('no-store');
  });

  it('answers {"active": false} for a token with a broken signature', async () => {
    const reply = await introspect({ token: tamper(await issueToken(server)) });
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ active: false });
  });

  it('accepts token_type_hint=access_token', async () => {
    const reply = await introspect({ token: await issueToken(server), token_type_hint: 'access_token' });
    expect(reply.status).toBe(200);
    expect(reply.json.active).toBe(true);
  });

  it('refuses a caller without client authentication: 401 invalid_client', async () => {
    const reply = await introspect({ token: await issueToken(server) }, {});
    expectIdcsError(reply, 401, 'invalid_client');
    expect(reply.json).not.toHaveProperty('active');
  });

  it('refuses a wrong secret: 401 invalid_client with a Basic challenge', async () => {
    const reply = await introspect({ token: await issueToken(server) }, { authorization: basic(DEMO.clientId, 'wrong') });
    expectIdcsError(reply, 401, 'invalid_client');
    expect(reply.headers.get('www-authenticate')).toMatch(/^Basic /);
  });

  it('refuses a deactivated caller: 401 invalid_client', async () => {
    const reply = await introspect({ token: await issueToken(server) }, { authorization: basic('inactive', 'inactive-secret') });
    expectIdcsError(reply, 401, 'invalid_client');
    expect(reply.json.error_description).toBe('The OAuth Client app is inactive.');
  });

  it('refuses a request without the token parameter: 400 invalid_request', async () => {
    expectIdcsError(await introspect({}), 400, 'invalid_request');
  });

  it('refuses GET: 405', async () => {
    const reply = await send(`${server.urls.introspectUrl}?token=x`, { headers: demoAuth });
    expect(reply.status).toBe(405);
    expect(reply.headers.get('allow')).toBe('POST');
  });
});

describe('idcs introspection and the virtual clock', () => {
  let server: UnderstudyServer;
  beforeEach(async () => {
    server = await startServer({ config: { clients: CLIENTS } });
  });
  afterEach(() => server.close());

  it('answers {"active": false} after POST /_understudy/clock/advance {"seconds": 3601}', async () => {
    const token = await issueToken(server);
    expect((await postForm(server.urls.introspectUrl, { token }, demoAuth)).json.active).toBe(true);
    await advanceClock(server, 3601);
    const reply = await postForm(server.urls.introspectUrl, { token }, demoAuth);
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ active: false });
    // The mock API agrees.
    const api = await send(`${server.url}${DEMO.apiPath}`, { headers: { authorization: `Bearer ${token}` } });
    expect(api.status).toBe(401);
    expect(api.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('is active until exactly exp on a frozen clock (leeway 0)', async () => {
    expect((await send(`${server.url}/_understudy/clock/freeze`, { method: 'POST' })).status).toBe(200);
    const token = await issueToken(server);
    await advanceClock(server, 3599);
    expect((await postForm(server.urls.introspectUrl, { token }, demoAuth)).json.active).toBe(true);
    await advanceClock(server, 1);
    expect((await postForm(server.urls.introspectUrl, { token }, demoAuth)).json).toEqual({ active: false });
  });
});

describe('idcs revocation POST /oauth2/v1/revoke (RFC 7009)', () => {
  let server: UnderstudyServer;
  const revoke = (params: Record<string, string> | string, headers: Record<string, string> = demoAuth) => postForm(server.urls.revokeUrl, params, headers);
  const callApi = (token: string) => send(`${server.url}${DEMO.apiPath}`, { headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    server = await startServer({ config: { clients: CLIENTS } });
  });
  afterAll(() => server.close());

  it('is served at /oauth2/v1/revoke', () => {
    expect(server.urls.revokeUrl).toBe(`${server.url}${IDCS_PATHS.revoke}`);
  });

  it('revokes the caller\'s own token: 200, then introspection says inactive and the API answers 401 invalid_token', async () => {
    const token = await issueToken(server);
    const keeper = await issueToken(server);
    expect((await callApi(token)).status).toBe(200);

    const reply = await revoke({ token });
    expect(reply.status).toBe(200);
    expect(reply.text).toBe('');
    expect(reply.headers.get('cache-control')).toBe('no-store');

    expect((await postForm(server.urls.introspectUrl, { token }, demoAuth)).json).toEqual({ active: false });
    const api = await callApi(token);
    expect(api.status).toBe(401);
    expect(api.json.error).toBe('invalid_token');
    const challenge = api.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain('error="invalid_token"');

    // Only that token: another token of the same client still works.
    expect((await callApi(keeper)).status).toBe(200);
    expect((await postForm(server.urls.introspectUrl, { token: keeper }, demoAuth)).json.active).toBe(true);
  });

  it('accepts client_secret_post and token_type_hint=access_token', async () => {
    const token = await issueToken(server);
    const reply = await revoke({ token, token_type_hint: 'access_token', client_id: DEMO.clientId, client_secret: DEMO.secret }, {});
    expect(reply.status).toBe(200);
    expect((await callApi(token)).status).toBe(401);
  });

  it('answers 200 when the token is revoked a second time', async () => {
    const token = await issueToken(server);
    expect((await revoke({ token })).status).toBe(200);
    expect((await revoke({ token })).status).toBe(200);
  });

  it('answers 200 for a garbage token (RFC 7009 §2.2)', async () => {
    const reply = await revoke({ token: 'garbage' });
    expect(reply.status).toBe(200);
    expect(reply.text).toBe('');
  });

  it('refuses to revoke another client\'s token: 400 invalid_request (RFC 7009 §2.1, as oidc-provider), and the token stays valid', async () => {
    const token = await issueToken(server);
    const reply = await revoke({ token }, otherAuth);
    expectIdcsError(reply, 400, 'invalid_request');
    expect(reply.json.error_description).toBe('client is not authorized to revoke the presented token');
    expect((await postForm(server.urls.introspectUrl, { token }, demoAuth)).json.active).toBe(true);
    expect((await callApi(token)).status).toBe(200);
  });

  it('an unknown token_type_hint is only a hint (RFC 7009 §2.1): the token is found and revoked, 200', async () => {
    const token = await issueToken(server);
    const reply = await revoke({ token, token_type_hint: 'id_token' });
    expect(reply.status, reply.text).toBe(200);
    expect((await callApi(token)).status).toBe(401);
  });

  it('refuses a caller without client authentication: 401 invalid_client', async () => {
    const token = await issueToken(server);
    expectIdcsError(await revoke({ token }, {}), 401, 'invalid_client');
    expect((await callApi(token)).status).toBe(200);
  });

  it('refuses a request without the token parameter: 400 invalid_request', async () => {
    expectIdcsError(await revoke({}), 400, 'invalid_request');
  });

  it('refuses a repeated token parameter: 400 invalid_request', async () => {
    const token = await issueToken(server);
    expectIdcsError(await revoke(`token=${token}&token=${token}`), 400, 'invalid_request');
  });
});
