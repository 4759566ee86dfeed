/**
 * @badgateway/oauth2-client (Evert Pot): `OAuth2Client.clientCredentials()` and the `OAuth2Fetch`
 * wrapper, which adds the bearer token to every request and, on a 401, fetches a new token and
 * replays the request once.
 *
 * Discovery: given only `server`, the library reads RFC 8414's
 * `/.well-known/oauth-authorization-server`. understudy's idcs profile serves the OIDC document
 * only, so the IDCS tests name it with `discoveryEndpoint` (the library does not check the issuer,
 * so IDCS's foreign issuer is no obstacle).
 */
import { OAuth2Client, OAuth2Fetch, OAuth2HttpError } from '@badgateway/oauth2-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProfileName, UnderstudyServer } from '../../server/index.ts';
import { API_PATH, BARE_SCOPE, CLIENT_ID, CLIENT_SECRET, PAST_EXPIRY, QUALIFIED_SCOPE, callApi, readJournal, startServer } from './support.ts';

/** The package does not export its settings type from its entry point. */
type ClientSettings = ConstructorParameters<typeof OAuth2Client>[0];

let server: UnderstudyServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function settings(s: UnderstudyServer, profile: ProfileName, extra: Partial<ClientSettings> = {}): ClientSettings {
  return {
    server: s.url,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    ...(profile === 'idcs' ? { discoveryEndpoint: '/.well-known/openid-configuration' } : {}),
    ...extra,
  };
}

describe.each(['idcs', 'rfc9068'] as const)('@badgateway/oauth2-client: %s profile', (profile) => {
  it('discovers the token endpoint and gets a token with clientCredentials()', async () => {
    server = await startServer(profile);
    const oauthClient = new OAuth2Client(settings(server, profile));
    const token = await oauthClient.clientCredentials({ scope: [QUALIFIED_SCOPE] });
    expect(token.accessToken).toMatch(/^eyJ/);
    expect(token.refreshToken).toBeNull();
    expect(token.expiresAt).toBeGreaterThan(Date.now() + 3_500_000);
    expect(await oauthClient.getEndpoint('tokenEndpoint')).toBe(server.urls.tokenUrl);
    expect((await callApi(server, token.accessToken)).status).toBe(200);

    const journal = await readJournal(server);
    expect(journal.map((e) => `${e.endpoint} ${e.status}`)).toEqual(['discovery 200', 'token 200', 'api 200']);
    // Discovery said client_secret_basic comes first, so the library used the Authorization header.
    expect(journal[1]?.requestHeaders).toContain('authorization');
  });

  it('uses client_secret_post when told to', async () => {
    server = await startServer(profile);
    const oauthClient = new OAuth2Client(settings(server, profile, { authenticationMethod: 'client_secret_post' }));
    const token = await oauthClient.clientCredentials({ scope: [BARE_SCOPE] });
    expect((await callApi(server, token.accessToken)).status).toBe(200);
    const [entry] = await readJournal(server, { endpoint: 'token' });
    expect(entry?.params).toEqual(expect.arrayContaining(['client_id', 'client_secret', 'grant_type', 'scope']));
    expect(entry?.requestHeaders).not.toContain('authorization');
  });

  it('raises OAuth2HttpError invalid_scope for a scope the client is not granted', async () => {
    server = await startServer(profile);
    const oauthClient = new OAuth2Client(settings(server, profile));
    const failure = await oauthClient.clientCredentials({ scope: ['urn:example:not-a-scope'] }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(OAuth2HttpError);
    expect((failure as OAuth2HttpError).oauth2Code).toBe('invalid_scope');
    expect((failure as OAuth2HttpError).httpCode).toBe(400);
  });

  it('OAuth2Fetch: a 401 invalid_token after expiry makes it fetch a new token and replay the request', async () => {
    server = await startServer(profile);
    const oauthClient = new OAuth2Client(settings(server, profile));
    const api = new OAuth2Fetch({
      client: oauthClient,
      getNewToken: () => oauthClient.clientCredentials({ scope: [QUALIFIED_SCOPE] }),
    });
    const apiUrl = new URL(API_PATH, server.url);

    const first = await api.fetch(apiUrl);
    expect(first.status).toBe(200);
    const again = await api.fetch(apiUrl);
    expect(again.status).toBe(200);

    // The library's own expiry bookkeeping is on the wall clock, so it still holds the old
    // token when the server's virtual clock passes its exp: the 401 is what makes it refresh.
    server.clock.advance(PAST_EXPIRY);
    const replayed = await api.fetch(apiUrl);
    expect(replayed.status).toBe(200);
    expect(((await replayed.json()) as { count: number }).count).toBe(2);

    const journal = await readJournal(server, { endpoint: 'token,api' });
    expect(journal.map((e) => `${e.endpoint} ${e.status}${e.error ? ` ${e.error}` : ''}`)).toEqual([
      'token 200',
      'api 200',
      'api 200',
      'api 401 invalid_token',
      'token 200',
      'api 200',
    ]);
    const [firstIssue, , , rejected, secondIssue, replay] = journal;
    expect(rejected?.presented?.jti).toBe(firstIssue?.issued?.jti);
    expect(rejected?.reason).toMatch(/expired/);
    expect(secondIssue?.issued?.jti).not.toBe(firstIssue?.issued?.jti);
    expect(replay?.presented?.jti).toBe(secondIssue?.issued?.jti);
    expect(replay?.decision).toBe('allowed');
  });
});
