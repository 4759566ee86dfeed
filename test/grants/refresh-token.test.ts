import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type UnderstudyServer } from '../../server/index.ts';

const AUDIENCE = 'https://api.understudy.test:443';
const SCOPE = 'urn:opc:resource:consumer::all';

describe('password grant with single-use refresh tokens (IDCS)', () => {
  let server: UnderstudyServer;

  beforeAll(async () => {
    server = await createServer({
      port: 0,
      config: {
        users: [{ username: 'ada', password: 'lovelace' }],
        clients: [
          { id: 'app', secret: 'app-secret', grants: ['password', 'refresh_token'] },
          { id: 'other', secret: 'other-secret', grants: ['password', 'refresh_token'] },
          { id: 'no-refresh', secret: 's', grants: ['password'] },
        ],
      },
    });
  });
  afterAll(() => server.close());

  const token = (client: string, secret: string, form: Record<string, string>) =>
    fetch(server.urls.tokenUrl, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${client}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    });

  const login = async (client = 'app', secret = 'app-secret') => {
    const response = await token(client, secret, { grant_type: 'password', username: 'ada', password: 'lovelace', scope: `${AUDIENCE}${SCOPE} offline_access` });
    expect(response.status).toBe(200);
    return (await response.json()) as { access_token: string; refresh_token?: string; expires_in: number; token_type: string };
  };

  it('issues an access token for the user and a refresh token with offline_access', async () => {
    const body = await login();
    expect(Object.keys(body)).toEqual(['access_token', 'token_type', 'expires_in', 'refresh_token']);
    const claims = JSON.parse(Buffer.from(body.access_token.split('.')[1] as string, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ sub: 'ada', sub_type: 'user', client_id: 'app', gtp: 'ro', scope: SCOPE });
  });

  it('gives no refresh token without offline_access or without the refresh_token grant', async () => {
    const plain = await token('app', 'app-secret', { grant_type: 'password', username: 'ada', password: 'lovelace', scope: SCOPE });
    expect(await plain.json()).not.toHaveProperty('refresh_token');
    const body = await login('no-refresh', 's');
    expect(body).not.toHaveProperty('refresh_token');
  });

  it('refuses wrong user credentials with invalid_grant', async () => {
    const response = await token('app', 'app-secret', { grant_type: 'password', username: 'ada', password: 'nope' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('rotates the refresh token and answers a reuse with "The token has already been consumed."', async () => {
    const first = await login();
    const refreshed = await token('app', 'app-secret', { grant_type: 'refresh_token', refresh_token: first.refresh_token as string });
    expect(refreshed.status).toBe(200);
    const second = (await refreshed.json()) as { refresh_token: string; access_token: string };
    expect(second.refresh_token).toBeTruthy();
    expect(second.refresh_token).not.toBe(first.refresh_token);

    const reused = await token('app', 'app-secret', { grant_type: 'refresh_token', refresh_token: first.refresh_token as string });
    expect(reused.status).toBe(400);
    const body = (await reused.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ error: 'invalid_grant', error_description: 'The token has already been consumed.' });
    expect(body.ecid).toBe(reused.headers.get('x-oracle-dms-ecid'));

    // The rotated token still works: one reuse does not poison the chain.
    const next = await token('app', 'app-secret', { grant_type: 'refresh_token', refresh_token: second.refresh_token });
    expect(next.status).toBe(200);
  });

  it('refuses a refresh token of another client, an unknown one, and an expired one', async () => {
    const mine = await login();
    const foreign = await token('other', 'other-secret', { grant_type: 'refresh_token', refresh_token: mine.refresh_token as string });
    expect(foreign.status).toBe(400);
    expect(await foreign.json()).toMatchObject({ error: 'invalid_grant' });

    const unknown = await token('app', 'app-secret', { grant_type: 'refresh_token', refresh_token: 'AQIDBAUnope' });
    expect(await unknown.json()).toMatchObject({ error: 'invalid_grant' });

    const old = await login();
    server.clock.advance(server.config.refreshTokenTtl + 1);
    const expired = await token('app', 'app-secret', { grant_type: 'refresh_token', refresh_token: old.refresh_token as string });
    expect(expired.status).toBe(400);
    expect(await expired.json()).toMatchObject({ error: 'invalid_grant', error_description: 'The refresh token has expired.' });
  });

  it('journals the reuse with its reason', async () => {
    const entries = server.journal.entries({ endpoint: ['token'] });
    const reuse = entries.find((e) => e.error === 'invalid_grant' && e.reason.includes('reused'));
    expect(reuse).toMatchObject({ grantType: 'refresh_token', clientId: 'app', status: 400, decision: 'rejected' });
  });
});
