/**
 * Secrets hygiene: client secrets, user passwords, access tokens and refresh tokens never
 * appear in full in the journal (control API and JSON Lines file) or in the server's
 * stdout/stderr, whatever the client does. And the control API answers only loopback callers
 * unless an admin token is configured and presented.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type UnderstudyServer } from '../../server/index.ts';
import { assertNoStaleBuild, startServe, stopAll, type Banner, type CliProcess } from '../cli/cli-process.ts';

const AUDIENCE = 'https://api.understudy.test:443';
const SCOPE = 'urn:opc:resource:consumer::all';
const EMPS = '/hcmRestApi/resources/11.13.18.05/emps';

// Distinctive values, so a grep finds them wherever they leak.
const BANNER_SECRET = 'Banner-Secret-7f3a9c1e5b';
const APP_SECRET = 'App-Secret-2b8d4f6a0c9e';
const POST_SECRET = 'Post-Secret-9e1c3a5b7d2f';
const WRONG_SECRET = 'Wrong-Secret-4a6c8e0b2d1f';
const USER_PASSWORD = 'User-Password-5d7f9b1a3c';
const WRONG_PASSWORD = 'Wrong-Password-8c0e2a4f6b';

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('secrets never leak into the journal or the server output', () => {
  let dir: string;
  let journalFile: string;
  let cli: CliProcess;
  let banner: Banner;
  const accessTokens: string[] = [];
  const refreshTokens: string[] = [];
  const authorizationHeaders: string[] = [];

  async function post(path: string, form: Record<string, string>, authorization?: string) {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (authorization) {
      headers.authorization = authorization;
      authorizationHeaders.push(authorization);
    }
    const response = await fetch(`${banner.baseUrl}${path}`, { method: 'POST', headers, body: new URLSearchParams(form) });
    const text = await response.text();
    const body = text ? (JSON.parse(text) as Record<string, any>) : {};
    if (typeof body.access_token === 'string') accessTokens.push(body.access_token);
    if (typeof body.refresh_token === 'string') refreshTokens.push(body.refresh_token);
    return { status: response.status, body };
  }

  beforeAll(async () => {
    assertNoStaleBuild();
    dir = mkdtempSync(join(tmpdir(), 'understudy-secrets-'));
    journalFile = join(dir, 'journal.jsonl');
    const configFile = join(dir, 'config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        users: [{ username: 'ada', password: USER_PASSWORD }],
        clients: [
          { id: 'banner-client', secret: BANNER_SECRET, grants: ['client_credentials'] },
          { id: 'app', secret: APP_SECRET, grants: ['password', 'refresh_token', 'client_credentials'] },
          { id: 'poster', secret: POST_SECRET, grants: ['client_credentials'] },
        ],
      }),
    );
    ({ cli, banner } = await startServe(['--config', configFile, '--journal', journalFile]));
  });

  afterAll(async () => {
    await stopAll();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs every kind of request, then finds none of the secrets anywhere', async () => {
    const TOKEN = '/oauth2/v1/token';
    // client_secret_basic and client_secret_post.
    expect((await post(TOKEN, { grant_type: 'client_credentials' }, basic('banner-client', BANNER_SECRET))).status).toBe(200);
    expect((await post(TOKEN, { grant_type: 'client_credentials', client_id: 'poster', client_secret: POST_SECRET })).status).toBe(200);
    // Password grant with a refresh token, then the refresh grant (Basic and post).
    const login = await post(TOKEN, { grant_type: 'password', username: 'ada', password: USER_PASSWORD, scope: `${AUDIENCE}${SCOPE} offline_access` }, basic('app', APP_SECRET));
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    expect(typeof login.body.refresh_token).toBe('string');
    const refreshed = await post(TOKEN, { grant_type: 'refresh_token', refresh_token: login.body.refresh_token }, basic('app', APP_SECRET));
    expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
    const refreshedPost = await post(TOKEN, { grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token, client_id: 'app', client_secret: APP_SECRET });
    expect(refreshedPost.status, JSON.stringify(refreshedPost.body)).toBe(200);
    // Reusing a consumed refresh token (an error path that names the token in its reason?).
    expect((await post(TOKEN, { grant_type: 'refresh_token', refresh_token: login.body.refresh_token }, basic('app', APP_SECRET))).status).toBe(400);

    // Failures: wrong secrets, wrong password, unknown client.
    expect((await post(TOKEN, { grant_type: 'client_credentials' }, basic('app', WRONG_SECRET))).status).toBe(401);
    expect((await post(TOKEN, { grant_type: 'client_credentials', client_id: 'poster', client_secret: WRONG_SECRET })).status).toBe(401);
    expect((await post(TOKEN, { grant_type: 'client_credentials' }, basic('nobody', WRONG_SECRET))).status).toBe(401);
    expect((await post(TOKEN, { grant_type: 'password', username: 'ada', password: WRONG_PASSWORD }, basic('app', APP_SECRET))).status).toBe(400);
    // Two mechanisms at once (invalid_request) carrying a secret.
    expect((await post(TOKEN, { grant_type: 'client_credentials', client_secret: WRONG_SECRET }, basic('app', APP_SECRET))).status).toBe(400);

    // The API, with a good token, a tampered token and a refresh token as bearer.
    const access = accessTokens[0] as string;
    for (const token of [access, `${access}x`, refreshedPost.body.refresh_token as string]) {
      const response = await fetch(`${banner.baseUrl}${EMPS}`, { headers: { authorization: `Bearer ${token}` } });
      await response.text();
    }

    // Introspection and revocation (Basic and post), of access and refresh tokens.
    expect((await post('/oauth2/v1/introspect', { token: access }, basic('banner-client', BANNER_SECRET))).status).toBe(200);
    expect((await post('/oauth2/v1/introspect', { token: refreshedPost.body.refresh_token, client_id: 'poster', client_secret: POST_SECRET })).status).toBe(200);
    expect((await post('/oauth2/v1/introspect', { token: access }, basic('app', WRONG_SECRET))).status).toBe(401);
    expect((await post('/oauth2/v1/revoke', { token: refreshedPost.body.refresh_token, token_type_hint: 'refresh_token' }, basic('app', APP_SECRET))).status).toBe(200);
    expect((await post('/oauth2/v1/revoke', { token: accessTokens[1] as string, client_id: 'poster', client_secret: POST_SECRET })).status).toBe(200);
    expect((await post('/oauth2/v1/revoke', { token: access, client_id: 'poster', client_secret: WRONG_SECRET })).status).toBe(401);

    expect(accessTokens.length).toBeGreaterThanOrEqual(5);
    expect(refreshTokens.length).toBeGreaterThanOrEqual(3);

    const journalResponse = await fetch(`${banner.baseUrl}/_understudy/journal`);
    expect(journalResponse.status).toBe(200);
    const journal = await journalResponse.text();
    expect(journal.length).toBeGreaterThan(100);

    // Stop the server cleanly so the JSON Lines file is flushed.
    cli.child.kill('SIGTERM');
    await cli.exited;
    const file = readFileSync(journalFile, 'utf8');
    expect(file.split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(15);

    const stdout = cli.stdout();
    const stderr = cli.stderr();
    expect(stdout.startsWith(banner.text)).toBe(true);
    const afterBanner = stdout.slice(banner.text.length);

    const secrets: Record<string, string> = {
      APP_SECRET,
      POST_SECRET,
      WRONG_SECRET,
      USER_PASSWORD,
      WRONG_PASSWORD,
      // Percent-encoded forms, as they went over the wire in forms.
      APP_SECRET_FORM: encodeURIComponent(APP_SECRET),
    };
    accessTokens.forEach((token, i) => {
      secrets[`access token ${i}`] = token;
      secrets[`access token ${i} signature`] = token.split('.')[2] as string;
    });
    refreshTokens.forEach((token, i) => (secrets[`refresh token ${i}`] = token));
    authorizationHeaders.forEach((header, i) => (secrets[`Basic credentials ${i}`] = header.slice('Basic '.length)));

    const places = { 'GET /_understudy/journal': journal, 'journal file': file, 'stdout after the banner': afterBanner, stderr };
    const leaks: string[] = [];
    for (const [place, text] of Object.entries(places)) {
      for (const [name, secret] of Object.entries(secrets)) {
        if (text.includes(secret)) leaks.push(`${name} in ${place}`);
      }
      if (text.includes(BANNER_SECRET)) leaks.push(`the banner client's secret in ${place}`);
    }
    expect(leaks).toEqual([]);
    // The banner prints the first client's secret on purpose, exactly there.
    expect(banner.text).toContain(BANNER_SECRET);
  });
});

/** A non-loopback IPv4 address of this machine, if it has one. */
function externalAddress(): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (!address.internal && address.family === 'IPv4' && !address.address.startsWith('127.')) return address.address;
    }
  }
  return undefined;
}

const EXTERNAL = externalAddress();

describe.skipIf(!EXTERNAL)(`the control API from a non-loopback address (${EXTERNAL ?? 'none on this machine'})`, () => {
  const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
  const servers: UnderstudyServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  async function bound(adminToken?: string): Promise<UnderstudyServer> {
    const server = await createServer({ port: 0, host: EXTERNAL, config: adminToken ? { control: { adminToken } } : {} });
    servers.push(server);
    expect(server.url).toContain(EXTERNAL as string);
    return server;
  }

  const call = async (server: UnderstudyServer, path: string, init: RequestInit = {}) => {
    const response = await fetch(`${server.url}/_understudy${path}`, init);
    const text = await response.text();
    return { status: response.status, type: response.headers.get('content-type'), body: text ? (JSON.parse(text) as Record<string, any>) : {} };
  };

  it('without an admin token every control route answers 403 problem+json, and nothing changes', async () => {
    const server = await bound();
    const before = server.clock.nowSeconds();
    for (const [method, path, body] of [
      ['GET', '/clock', undefined],
      ['GET', '/journal', undefined],
      ['POST', '/clock/advance', '{"seconds": 86400}'],
      ['POST', '/tokens/revoke', '{"clientId": "demo-client"}'],
      ['POST', '/keys/rotate', '{}'],
      ['GET', '/no-such-route', undefined],
    ] as const) {
      const reply = await call(server, path, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` }, body });
      expect(reply.status, `${method} ${path}`).toBe(403);
      expect(reply.type).toMatch(/^application\/problem\+json/);
      expect(reply.body.detail).toMatch(/loopback/);
    }
    expect(server.clock.nowSeconds() - before).toBeLessThan(60);
    expect(server.keys.all()).toHaveLength(1);
    // The OAuth endpoints still serve remote callers.
    const token = await fetch(server.urls.tokenUrl, {
      method: 'POST',
      headers: { authorization: basic('demo-client', 'demo-secret'), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(token.status).toBe(200);
  });

  it('with an admin token: 401 without it or with a wrong one, 200 with it', async () => {
    const server = await bound(ADMIN_TOKEN);
    for (const authorization of [undefined, 'Bearer wrong', `Bearer ${ADMIN_TOKEN}x`, `Basic ${ADMIN_TOKEN}`, `Bearer ${ADMIN_TOKEN.slice(0, -1)}`]) {
      const reply = await call(server, '/clock', authorization ? { headers: { authorization } } : {});
      expect(reply.status, String(authorization)).toBe(401);
      expect(reply.type).toMatch(/^application\/problem\+json/);
      expect(JSON.stringify(reply.body)).not.toContain(ADMIN_TOKEN);
    }
    const ok = await call(server, '/clock', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(ok.status).toBe(200);
    const advanced = await call(server, '/clock/advance', {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: '{"seconds": 10}',
    });
    expect(advanced.status).toBe(200);
  });
});
