/**
 * OAuth clients through the control API: list (never the secret), create or replace,
 * validation problems, deactivate / activate as an IDCS administrator does.
 */
import { describe, expect, it } from 'vitest';
import { DEMO_AUDIENCE, DEMO_SCOPE, EMPS_PATH, decodePayload, start, type Reply } from '../api/support/harness.ts';

function expectProblem(reply: Reply<any>, status: number): void {
  expect(reply.status, reply.text).toBe(status);
  expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(reply.body).toMatchObject({ type: 'about:blank', status, title: expect.any(String), detail: expect.any(String) });
}

describe('GET /_understudy/clients', () => {
  it('lists the configured clients without their secrets', async () => {
    const h = await start();
    const reply = await h.control('GET', '/clients');
    expect(reply.status).toBe(200);
    expect(reply.body.clients).toEqual([
      expect.objectContaining({
        id: 'demo-client',
        name: 'Demo Client',
        active: true,
        grants: ['client_credentials'],
        authMethod: 'client_secret_basic',
        hasSecret: true,
      }),
      expect.objectContaining({ id: 'demo-web-app', grants: ['authorization_code', 'refresh_token'], hasSecret: true }),
    ]);
    expect(reply.text).not.toContain('demo-secret');
    expect(reply.text).not.toContain('demo-web-secret');
    expect(reply.body.clients[0]).not.toHaveProperty('secret');
    expect(reply.body.clients[0]).not.toHaveProperty('secretDigest');
  });
});

describe('POST /_understudy/clients', () => {
  it('creates a client (201) that can then get a token and call the API', async () => {
    const h = await start();
    const reply = await h.control('POST', '/clients', { id: 'new-app', secret: 'new-secret', name: 'New App', scopes: [`${DEMO_AUDIENCE}${DEMO_SCOPE}`] });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ id: 'new-app', name: 'New App', active: true, hasSecret: true });
    expect(reply.body).not.toHaveProperty('secret');
    expect(reply.text).not.toContain('new-secret');

    const token = await h.token({ clientId: 'new-app', secret: 'new-secret' });
    expect(decodePayload(token)).toMatchObject({ client_id: 'new-app', client_name: 'New App', scope: DEMO_SCOPE });
    expect((await h.api('GET', EMPS_PATH, { token })).status).toBe(200);

    const list = (await h.control('GET', '/clients')).body.clients.map((c: { id: string }) => c.id);
    expect(list.sort()).toEqual(['demo-client', 'demo-web-app', 'new-app']);
  });

  it('posting the same id again answers 200 and replaces the client', async () => {
    const h = await start();
    expect((await h.control('POST', '/clients', { id: 'app', secret: 'first-secret' })).status).toBe(201);
    const replaced = await h.control('POST', '/clients', { id: 'app', secret: 'second-secret', name: 'Renamed' });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ id: 'app', name: 'Renamed' });

    expect((await h.tokenRequest({ clientId: 'app', secret: 'first-secret' })).status).toBe(401);
    expect((await h.tokenRequest({ clientId: 'app', secret: 'second-secret' })).status).toBe(200);
    const ids = (await h.control('GET', '/clients')).body.clients.map((c: { id: string }) => c.id);
    expect(ids.filter((id: string) => id === 'app')).toHaveLength(1);
  });

  it('replacing a configured client (demo-client) takes effect at once', async () => {
    const h = await start();
    expect((await h.control('POST', '/clients', { id: 'demo-client', secret: 'rotated' })).status).toBe(200);
    expect((await h.tokenRequest()).status).toBe(401);
    expect((await h.tokenRequest({ secret: 'rotated' })).status).toBe(200);
  });

  it('a client without explicit scopes is granted every scope of every resource', async () => {
    const h = await start();
    const reply = await h.control('POST', '/clients', { id: 'all', secret: 'all-secret' });
    expect(reply.body.scopes).toEqual([{ audience: DEMO_AUDIENCE, scope: DEMO_SCOPE }]);
  });

  it('a missing id is a 400 problem naming "id"', async () => {
    const h = await start();
    const reply = await h.control('POST', '/clients', { secret: 'x' });
    expectProblem(reply, 400);
    expect(reply.body.detail).toMatch(/\bid\b/);
    expect(reply.body.issues).toEqual([expect.objectContaining({ path: 'id' })]);
  });

  it('a scope no resource defines is a 400 problem naming the scope entry', async () => {
    const h = await start();
    const reply = await h.control('POST', '/clients', { id: 'x', secret: 'x', scopes: ['urn:nope'] });
    expectProblem(reply, 400);
    expect(reply.body.detail).toContain('scopes[0]');
    expect(reply.body.issues).toEqual([expect.objectContaining({ path: expect.stringMatching(/scopes\[0\]$/), value: 'urn:nope' })]);
    // Nothing was registered.
    expect((await h.control('GET', '/clients')).body.clients).toHaveLength(2);
  });

  it('issue paths of semantic errors have no leading dot, like schema errors', async () => {
    const h = await start();
    const scope = await h.control('POST', '/clients', { id: 'x', secret: 'x', scopes: ['urn:nope'] });
    expect(scope.body.issues[0].path).toBe('scopes[0]');
    const secret = await h.control('POST', '/clients', { id: 'x' });
    expect(secret.body.issues[0].path).toBe('secret');
  });

  const invalid: [string, Record<string, unknown>, RegExp][] = [
    ['an empty id', { id: '', secret: 'x' }, /\bid\b/],
    ['an id that is not a string', { id: 42, secret: 'x' }, /\bid\b/],
    ['no secret and no jwks', { id: 'x' }, /secret/],
    ['an unknown grant', { id: 'x', secret: 'x', grants: ['implicit'] }, /grants/],
    ['an unknown field', { id: 'x', secret: 'x', colour: 'blue' }, /colour/],
    ['a scope with whitespace', { id: 'x', secret: 'x', scopes: ['a b'] }, /scopes/],
  ];
  for (const [what, body, names] of invalid) {
    it(`${what}: 400 problem naming the field`, async () => {
      const h = await start();
      const reply = await h.control('POST', '/clients', body);
      expectProblem(reply, 400);
      expect(reply.body.detail).toMatch(names);
    });
  }

  it('a body that is not JSON is refused (415 / 400)', async () => {
    const h = await start();
    expectProblem(await h.request('POST', '/_understudy/clients', { headers: { 'content-type': 'text/plain' }, body: 'id=x' }), 415);
    expectProblem(await h.request('POST', '/_understudy/clients', { headers: { 'content-type': 'application/json' }, body: '{"id":' }), 400);
  });
});

describe('deactivate and activate', () => {
  it('a deactivated client gets 401 invalid_client "The OAuth Client app is inactive."; activate restores it', async () => {
    const h = await start();
    const deactivated = await h.control('POST', '/clients/demo-client/deactivate');
    expect(deactivated.status).toBe(200);
    expect(deactivated.body).toMatchObject({ id: 'demo-client', active: false });
    expect((await h.control('GET', '/clients')).body.clients[0].active).toBe(false);

    const refused = await h.tokenRequest();
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: 'invalid_client', error_description: 'The OAuth Client app is inactive.' });

    const activated = await h.control('POST', '/clients/demo-client/activate');
    expect(activated.status).toBe(200);
    expect(activated.body.active).toBe(true);
    expect((await h.tokenRequest()).status).toBe(200);
  });

  it('deactivation only stops new tokens; a wrong secret is still "authentication failed", not "inactive"', async () => {
    const h = await start();
    const token = await h.token();
    await h.control('POST', '/clients/demo-client/deactivate');
    const wrong = await h.tokenRequest({ secret: 'wrong' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error_description).not.toBe('The OAuth Client app is inactive.');
    // Tokens issued before remain valid until they expire or are revoked.
    expect((await h.api('GET', EMPS_PATH, { token })).status).toBe(200);
  });

  it('activating an active client and deactivating twice are idempotent', async () => {
    const h = await start();
    expect((await h.control('POST', '/clients/demo-client/activate')).body.active).toBe(true);
    await h.control('POST', '/clients/demo-client/deactivate');
    expect((await h.control('POST', '/clients/demo-client/deactivate')).body.active).toBe(false);
  });

  it('an unknown client id is a 404 problem', async () => {
    const h = await start();
    for (const action of ['deactivate', 'activate']) {
      const reply = await h.control('POST', `/clients/nobody/${action}`);
      expectProblem(reply, 404);
      expect(reply.body.detail).toContain('nobody');
    }
  });

  it('client ids are percent-decoded from the path', async () => {
    const h = await start();
    expect((await h.control('POST', '/clients', { id: 'my app/1', secret: 's' })).status).toBe(201);
    const reply = await h.control('POST', `/clients/${encodeURIComponent('my app/1')}/deactivate`);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ id: 'my app/1', active: false });
  });
});
