/**
 * Token endpoint presets that answer with an error instead of a token (FAULTS.md, "Authorization-
 * server faults"): the exact wire answer, and the journal entry naming the rule that did it.
 */
import { describe, expect, it } from 'vitest';
import { basic, DEMO_CLIENT, expectFault, expectIdcsError, FORM, startFaultServer } from './support.ts';

describe('token.invalid_client', () => {
  it('answers a Basic-authenticated request with 401, a Basic challenge and the IDCS body', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.invalid_client' });
    const reply = await s.token();
    expectIdcsError(reply, 401, 'invalid_client', 'Client authentication failed.');
    expect(reply.headers.get('www-authenticate')).toBe('Basic realm="idcs", error="invalid_client", error_description="Client authentication failed."');
    expect(reply.headers.get('pragma')).toBe('no-cache');

    const entry = await s.lastEntry();
    expect(entry).toMatchObject({ endpoint: 'token', status: 401, decision: 'rejected', error: 'invalid_client' });
    expectFault(entry, id, 'token.invalid_client', 'oauth_error');
    expect(entry.faults?.[0]?.effect).toBe('answered 401 invalid_client');
  });

  it('sends no challenge to a client that authenticated in the body (client_secret_post)', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.invalid_client' });
    const reply = await s.send('/oauth2/v1/token', {
      method: 'POST',
      headers: { 'content-type': FORM },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: DEMO_CLIENT.id, client_secret: DEMO_CLIENT.secret }).toString(),
    });
    expectIdcsError(reply, 401, 'invalid_client', 'Client authentication failed.');
    expect(reply.headers.get('www-authenticate')).toBeNull();
    expectFault(await s.lastEntry(), id, 'token.invalid_client', 'oauth_error');
  });

  it('with params status 400: 400 and no challenge, even for Basic', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.invalid_client', params: { status: 400 } });
    const reply = await s.token();
    expectIdcsError(reply, 400, 'invalid_client', 'Client authentication failed.');
    expect(reply.headers.get('www-authenticate')).toBeNull();
    expectFault(await s.lastEntry(), id, 'token.invalid_client', 'oauth_error');
  });

  it('fires before authentication: correct and wrong credentials get the same answer', async () => {
    const s = await startFaultServer();
    await s.addFault({ preset: 'token.invalid_client' });
    const good = await s.token();
    const bad = await s.token({ secret: 'wrong' });
    expect([good.status, bad.status]).toEqual([401, 401]);
    expect(good.json.error_description).toBe(bad.json.error_description);
  });
});

describe('permanent 400/401 OAuth errors', () => {
  const cases: [preset: string, status: number, error: string, description: string][] = [
    ['token.inactive_app', 401, 'invalid_client', 'The OAuth Client app is inactive.'],
    ['token.invalid_scope', 400, 'invalid_scope', 'The requested scope is invalid, unknown, or malformed.'],
    ['token.unauthorized_client', 400, 'unauthorized_client', 'The client is not authorized to use this grant type.'],
    ['token.unsupported_grant_type', 400, 'unsupported_grant_type', 'The grant type is not supported.'],
    ['token.invalid_request', 400, 'invalid_request', 'The request is missing a required parameter.'],
  ];

  for (const [preset, status, error, description] of cases) {
    it(`${preset}: ${status} ${error}`, async () => {
      const s = await startFaultServer();
      const id = await s.addFault({ preset });
      const reply = await s.token();
      expectIdcsError(reply, status, error, description);
      const entry = await s.lastEntry();
      expect(entry).toMatchObject({ endpoint: 'token', status, error, decision: 'rejected' });
      expectFault(entry, id, preset, 'oauth_error');
      expect(entry.faults?.[0]?.effect).toBe(`answered ${status} ${error}`);
    });
  }

  it('token.inactive_app with Basic carries the Basic challenge with the inactive-app text', async () => {
    const s = await startFaultServer();
    await s.addFault({ preset: 'token.inactive_app' });
    const reply = await s.token();
    expect(reply.headers.get('www-authenticate')).toBe('Basic realm="idcs", error="invalid_client", error_description="The OAuth Client app is inactive."');
  });

  it('token.invalid_request takes its description from params', async () => {
    const s = await startFaultServer();
    await s.addFault({ preset: 'token.invalid_request', params: { description: 'Missing X.' } });
    expectIdcsError(await s.token(), 400, 'invalid_request', 'Missing X.');
  });

  it('token.invalid_scope fires on every token request until removed', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.invalid_scope' });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await s.token()).status);
    expect(statuses).toEqual([400, 400, 400]);
    expect((await s.listFaults())[0]).toMatchObject({ id, matched: 3, applied: 3 });
  });
});

describe('token.invalid_grant (refresh_token grant only)', () => {
  const config = {
    users: [{ username: 'ada', password: 'lovelace' }],
    clients: [{ id: 'app', secret: 'app-secret', grants: ['password' as const, 'refresh_token' as const] }],
  };

  it('refuses the refresh as consumed while password logins still work', async () => {
    const s = await startFaultServer({ config });
    const id = await s.addFault({ preset: 'token.invalid_grant' });
    const login = await s.token({ clientId: 'app', secret: 'app-secret', form: { grant_type: 'password', username: 'ada', password: 'lovelace', scope: 'urn:opc:resource:consumer::all offline_access' } });
    expect(login.status).toBe(200);
    expect(typeof login.json.refresh_token).toBe('string');
    expect((await s.lastEntry()).faults).toBeUndefined();

    const refresh = await s.token({ clientId: 'app', secret: 'app-secret', form: { grant_type: 'refresh_token', refresh_token: login.json.refresh_token } });
    expectIdcsError(refresh, 400, 'invalid_grant', 'The token has already been consumed.');
    const entry = await s.lastEntry();
    expect(entry).toMatchObject({ status: 400, error: 'invalid_grant' });
    expectFault(entry, id, 'token.invalid_grant', 'oauth_error');

    // The refresh token was not consumed by the fault: once the rule is gone, it works.
    expect((await s.deleteFault(id)).status).toBe(204);
    const again = await s.token({ clientId: 'app', secret: 'app-secret', form: { grant_type: 'refresh_token', refresh_token: login.json.refresh_token } });
    expect(again.status).toBe(200);
  });

  it('client_credentials is untouched', async () => {
    const s = await startFaultServer();
    await s.addFault({ preset: 'token.invalid_grant' });
    expect((await s.token()).status).toBe(200);
    expect((await s.listFaults())[0]).toMatchObject({ matched: 0, applied: 0 });
  });
});

describe('5xx answers', () => {
  it('token.server_error: 500 with a JSON OAuth body', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.server_error' });
    const reply = await s.token();
    expectIdcsError(reply, 500, 'server_error', 'An internal error occurred.');
    const entry = await s.lastEntry();
    expect(entry).toMatchObject({ status: 500, error: 'server_error', decision: 'rejected' });
    expectFault(entry, id, 'token.server_error', 'oauth_error');
  });

  it('token.server_error with params status 503', async () => {
    const s = await startFaultServer();
    await s.addFault({ preset: 'token.server_error', params: { status: 503 } });
    expectIdcsError(await s.token(), 503, 'server_error');
  });

  it('token.temporarily_unavailable: 503 temporarily_unavailable', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.temporarily_unavailable' });
    expectIdcsError(await s.token(), 503, 'temporarily_unavailable', 'The service is temporarily unavailable.');
    expectFault(await s.lastEntry(), id, 'token.temporarily_unavailable', 'oauth_error');
  });

  it('token.html_error: 502 text/html proxy page, not JSON', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.html_error' });
    const reply = await s.token();
    expect(reply.status).toBe(502);
    expect(reply.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(reply.text).toContain('<title>502 Bad Gateway</title>');
    expect(reply.json).toBeUndefined();
    const entry = await s.lastEntry();
    expect(entry).toMatchObject({ status: 502, decision: 'rejected' });
    expectFault(entry, id, 'token.html_error', 'respond');
    expect(entry.faults?.[0]?.effect).toBe('answered 502 text/html');
  });

  it('token.html_error with params status 504', async () => {
    const s = await startFaultServer();
    await s.addFault({ preset: 'token.html_error', params: { status: 504 } });
    const reply = await s.token();
    expect(reply.status).toBe(504);
    expect(reply.text).toContain('504 Gateway Time-out');
  });

  it('token.empty_error: 503 with an empty body', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.empty_error' });
    const reply = await s.token();
    expect(reply.status).toBe(503);
    expect(reply.text).toBe('');
    expect(reply.headers.get('content-length')).toBe('0');
    const entry = await s.lastEntry();
    expectFault(entry, id, 'token.empty_error', 'respond');
    expect(entry.faults?.[0]?.effect).toBe('answered 503 with an empty body');
  });
});

describe('other token-endpoint answers', () => {
  it('token.use_dpop_nonce: 400 use_dpop_nonce with a DPoP-Nonce header', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.use_dpop_nonce' });
    const reply = await s.token();
    expectIdcsError(reply, 400, 'use_dpop_nonce', 'Authorization server requires nonce in DPoP proof');
    expect(reply.headers.get('dpop-nonce')).toBe('eyJ7S_zG.eyJH0-Z.HX4w-7v');
    expectFault(await s.lastEntry(), id, 'token.use_dpop_nonce', 'oauth_error');
  });

  it('token.use_dpop_nonce with a chosen nonce', async () => {
    const s = await startFaultServer();
    await s.addFault({ preset: 'token.use_dpop_nonce', params: { nonce: 'n-123' } });
    expect((await s.token()).headers.get('dpop-nonce')).toBe('n-123');
  });

  it('the same answer as a full rule with an explicit status works too', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({
      action: { type: 'oauth_error', error: 'use_dpop_nonce', description: 'Authorization server requires nonce in DPoP proof', status: 400, headers: { 'dpop-nonce': 'n-1' } },
      match: { endpoint: 'token' },
    });
    const reply = await s.token();
    expectIdcsError(reply, 400, 'use_dpop_nonce', 'Authorization server requires nonce in DPoP proof');
    expect(reply.headers.get('dpop-nonce')).toBe('n-1');
    expectFault(await s.lastEntry(), id, undefined, 'oauth_error');
  });

  it('token.not_found: 404 naming the real token URL', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.not_found' });
    const reply = await s.token();
    expect(reply.status).toBe(404);
    expect(reply.json.error).toBe('not_found');
    expect(reply.json.error_description).toContain(s.tokenUrl);
    const entry = await s.lastEntry();
    expect(entry).toMatchObject({ status: 404, decision: 'rejected' });
    expectFault(entry, id, 'token.not_found', 'not_found');
  });

  it('token.error_in_200: a 200 whose body is an error', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.error_in_200' });
    const reply = await s.token();
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ error: 'server_error', error_description: 'The request failed.' });
    expect(reply.json.access_token).toBeUndefined();
    const entry = await s.lastEntry();
    expect(entry.status).toBe(200);
    expect(entry.issued).toBeUndefined();
    expectFault(entry, id, 'token.error_in_200', 'respond');
  });

  it('error faults match only the token endpoint: the JWKS and the API still answer', async () => {
    const s = await startFaultServer();
    const token = await s.accessToken();
    await s.addFault({ preset: 'token.server_error' });
    expect((await s.send('/admin/v1/SigningCert/jwk')).status).toBe(200);
    expect((await s.api(token)).status).toBe(200);
    expect((await s.token()).status).toBe(500);
  });

  it('a client-matched rule only hits that client', async () => {
    const s = await startFaultServer({ config: { clients: [{ id: 'demo-client', secret: 'demo-secret' }, { id: 'other', secret: 'other-secret' }] } });
    const id = await s.addFault({ preset: 'token.invalid_client', match: { client: 'other' } });
    expect((await s.token()).status).toBe(200);
    expect((await s.token({ clientId: 'other', secret: 'other-secret' })).status).toBe(401);
    const entries = await s.journal();
    expect(entries.map((e) => e.faults?.[0]?.rule)).toEqual([undefined, id]);
  });

  it('a Basic header with a wrong-case scheme still counts as Basic for the challenge', async () => {
    const s = await startFaultServer();
    await s.addFault({ preset: 'token.invalid_client' });
    const reply = await s.send('/oauth2/v1/token', {
      method: 'POST',
      headers: { 'content-type': FORM, authorization: basic(DEMO_CLIENT.id, DEMO_CLIENT.secret).replace('Basic', 'basic') },
      body: 'grant_type=client_credentials',
    });
    expect(reply.status).toBe(401);
    expect(reply.headers.get('www-authenticate')).toMatch(/^Basic realm="idcs"/);
  });
});

describe('journal of token requests a fault answered', () => {
  it('a real invalid_client (wrong secret) records the claimed client id and the grant type', async () => {
    const s = await startFaultServer();
    expect((await s.token({ secret: 'wrong' })).status).toBe(401);
    expect(await s.lastEntry()).toMatchObject({ clientId: DEMO_CLIENT.id, grantType: 'client_credentials' });
  });

  it('a fault-answered token request is still journaled with its client id and grant type', async () => {
    const s = await startFaultServer();
    await s.addFault({ preset: 'token.invalid_client' });
    await s.token();
    expect(await s.lastEntry()).toMatchObject({ clientId: DEMO_CLIENT.id, grantType: 'client_credentials' });
    const filtered = await s.send('/_understudy/journal?client=demo-client');
    expect(filtered.json.entries).toHaveLength(1);
  });
});
