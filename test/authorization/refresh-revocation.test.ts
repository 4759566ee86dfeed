/**
 * Refresh tokens at the revocation endpoint (RFC 7009 §2.1) and on refresh (RFC 6749 §6), and
 * the resource indicator checked before the scope (RFC 8707 §2).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type UnderstudyServer } from '../../server/index.ts';
import { basic, postForm, send } from './helpers.ts';

const PAYROLL = 'https://payroll.understudy.test:443';

describe('refresh tokens: revocation and scope', () => {
  let server: UnderstudyServer;
  const app = { authorization: basic('app', 'app-secret') };
  const other = { authorization: basic('other', 'other-secret') };

  beforeAll(async () => {
    server = await createServer({
      port: 0,
      config: {
        users: [{ username: 'ada', password: 'lovelace' }],
        resources: [{ name: 'payroll', audience: PAYROLL, scopes: ['payroll.read', 'payroll.write'] }],
        clients: [
          { id: 'app', secret: 'app-secret', grants: ['password', 'refresh_token', 'client_credentials'], scopes: ['payroll.read', 'payroll.write'] },
          { id: 'other', secret: 'other-secret', grants: ['password', 'refresh_token', 'client_credentials'], scopes: ['payroll.read', 'payroll.write'] },
        ],
        api: { routes: [{ name: 'payslips', method: 'GET', path: '/payslips', scopes: ['payroll.read'], response: { status: 200, body: { ok: true } } }] },
      },
    });
  });
  afterAll(() => server.close());

  const login = async (auth = app, scope = 'payroll.read payroll.write offline_access') => {
    const reply = await postForm(server.urls.tokenUrl, { grant_type: 'password', username: 'ada', password: 'lovelace', scope }, auth);
    expect(reply.status, reply.text).toBe(200);
    return reply.json as { access_token: string; refresh_token: string };
  };
  const refresh = (refreshToken: string, extra: Record<string, string> = {}, auth = app) =>
    postForm(server.urls.tokenUrl, { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra }, auth);
  const revoke = (token: string, extra: Record<string, string> = {}, auth = app) => postForm(server.urls.revokeUrl, { token, ...extra }, auth);
  const api = async (token: string) => (await send(`${server.url}/payslips`, { headers: { authorization: `Bearer ${token}` } })).status;
  const lastRevocation = () => server.journal.entries().filter((e) => e.endpoint === 'revoke').at(-1);
  const scopeOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()).scope as string;

  describe('RFC 7009 §2.1: a refresh token can be revoked, with its grant', () => {
    for (const hint of [undefined, 'refresh_token', 'access_token', 'id_token']) {
      it(`token_type_hint ${hint ?? '(none)'}: 200, the refresh token is refused after, and so are the access tokens of its grant`, async () => {
        const first = await login();
        const rotated = (await refresh(first.refresh_token)).json as { access_token: string; refresh_token: string };
        const unrelated = await login();
        expect(await api(rotated.access_token)).toBe(200);

        const reply = await revoke(rotated.refresh_token, hint === undefined ? {} : { token_type_hint: hint });
        expect(reply.status, reply.text).toBe(200);
        expect(reply.text).toBe('');

        const refused = await refresh(rotated.refresh_token);
        expect(refused.status).toBe(400);
        expect(refused.json).toMatchObject({ error: 'invalid_grant', error_description: 'The refresh token has been revoked.' });
        expect(await api(first.access_token)).toBe(401);
        expect(await api(rotated.access_token)).toBe(401);
        // Another grant of the same client and user is untouched.
        expect(await api(unrelated.access_token)).toBe(200);
        expect((await refresh(unrelated.refresh_token)).status).toBe(200);
        const entry = lastRevocation();
        expect(entry?.reason).toBe('revoked the refresh token\'s grant: its refresh tokens and 2 access tokens');
      });
    }

    it('revoking an access token revokes it only: the refresh token of its grant still works', async () => {
      const first = await login();
      expect((await revoke(first.access_token, { token_type_hint: 'refresh_token' })).status).toBe(200);
      expect(await api(first.access_token)).toBe(401);
      expect((await refresh(first.refresh_token)).status).toBe(200);
    });

    it('an unknown or already revoked refresh token is 200 all the same (§2.2)', async () => {
      const first = await login();
      expect((await revoke(first.refresh_token)).status).toBe(200);
      expect((await revoke(first.refresh_token)).status).toBe(200);
      expect((await revoke(`AQIDBAU${'x'.repeat(64)}`, { token_type_hint: 'refresh_token' })).status).toBe(200);
    });
  });

  describe("another client's token: refused, never revoked, whether or not it is still live", () => {
    it('a live refresh token of another client: 400 invalid_request, and it keeps working', async () => {
      const theirs = await login(other);
      const reply = await revoke(theirs.refresh_token);
      expect(reply.status).toBe(400);
      expect(reply.json).toMatchObject({ error: 'invalid_request', error_description: 'client is not authorized to revoke the presented token' });
      expect(lastRevocation()?.reason).toBe('client app tried to revoke a refresh token of other; nothing was revoked');
      expect((await refresh(theirs.refresh_token, {}, other)).status).toBe(200);
    });

    it('a consumed refresh token of another client gets the same answer as a live one', async () => {
      const theirs = await login(other);
      expect((await refresh(theirs.refresh_token, {}, other)).status).toBe(200);
      const reply = await revoke(theirs.refresh_token);
      expect(reply.status).toBe(400);
      expect(reply.json.error).toBe('invalid_request');
    });

    it('a live and an expired access token of another client get the same answer', async () => {
      const live = (await postForm(server.urls.tokenUrl, { grant_type: 'client_credentials', scope: 'payroll.read' }, other)).json.access_token as string;
      const replyLive = await revoke(live);
      expect(replyLive.status).toBe(400);
      expect(await api(live)).toBe(200);
      server.clock.advance(3601);
      expect(await api(live)).toBe(401);
      const replyExpired = await revoke(live);
      expect(replyExpired.status).toBe(replyLive.status);
      expect(replyExpired.json.error).toBe(replyLive.json.error);
    });
  });

  describe('RFC 6749 §6: narrowing the scope on a refresh', () => {
    it('gives a narrower access token, and a new refresh token with the scope of the one presented', async () => {
      const first = await login();
      const narrowed = await refresh(first.refresh_token, { scope: 'payroll.read' });
      expect(narrowed.status, narrowed.text).toBe(200);
      expect(scopeOf(narrowed.json.access_token)).toBe('payroll.read');

      const full = await refresh(narrowed.json.refresh_token);
      expect(full.status, full.text).toBe(200);
      expect(scopeOf(full.json.access_token)).toBe('payroll.read payroll.write');
      // And the wider scope can still be asked for explicitly.
      const explicit = await refresh(full.json.refresh_token, { scope: `${PAYROLL}payroll.write` });
      expect(explicit.status, explicit.text).toBe(200);
      expect(scopeOf(explicit.json.access_token)).toBe('payroll.write');
    });

    it('never widens: a scope the refresh token does not carry is invalid_scope', async () => {
      const first = await login(app, 'payroll.read offline_access');
      const reply = await refresh(first.refresh_token, { scope: 'payroll.read payroll.write' });
      expect(reply.status).toBe(400);
      expect(reply.json.error).toBe('invalid_scope');
    });
  });

  it('RFC 8707 §2.2: a refresh for a resource its grant does not cover is invalid_target', async () => {
    const first = await login();
    const reply = await refresh(first.refresh_token, { resource: 'https://unknown.example' });
    expect(reply.status).toBe(400);
    expect(reply.json.error).toBe('invalid_target');
    expect((await refresh(first.refresh_token, { resource: PAYROLL })).status).toBe(200);
  });

  it('RFC 8707 §2: an unknown resource is invalid_target even when a scope comes with it', async () => {
    const reply = await postForm(server.urls.tokenUrl, { grant_type: 'client_credentials', scope: 'payroll.read', resource: 'https://unknown.example' }, app);
    expect(reply.status).toBe(400);
    expect(reply.json.error).toBe('invalid_target');
  });
});
