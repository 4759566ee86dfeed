/**
 * oauth4webapi (panva), the low-level, runtime-agnostic OAuth 2 library under openid-client,
 * used directly: discovery, client credentials grant and RFC 7662 introspection.
 *
 * IDCS discovery with oauth4webapi: `discoveryRequest(issuer)` derives the well-known URL from the
 * issuer identifier, and IDCS's issuer ("https://identity.oraclecloud.com/") is not where a
 * tenant's metadata lives. So an IDCS user fetches the tenant's well-known URL themselves and
 * hands the response to `processDiscoveryResponse` with the issuer they expect: the issuer check
 * stays on, against the value IDCS really uses.
 */
import * as oauth from 'oauth4webapi';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProfileName, UnderstudyServer } from '../../server/index.ts';
import { API_PATH, AUDIENCE, BARE_SCOPE, CLIENT_ID, CLIENT_SECRET, IDCS_ISSUER, PAST_EXPIRY, QUALIFIED_SCOPE, callApi, readJournal, startServer } from './support.ts';

let server: UnderstudyServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const insecure = { [oauth.allowInsecureRequests]: true } as const;
const oauthClient: oauth.Client = { client_id: CLIENT_ID };

async function discover(profile: ProfileName, s: UnderstudyServer): Promise<oauth.AuthorizationServer> {
  if (profile === 'idcs') {
    const response = await fetch(new URL('/.well-known/openid-configuration', s.url), { headers: { accept: 'application/json' } });
    return oauth.processDiscoveryResponse(new URL(IDCS_ISSUER), response);
  }
  const issuer = new URL(s.url);
  const response = await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure });
  return oauth.processDiscoveryResponse(issuer, response);
}

async function clientCredentials(as: oauth.AuthorizationServer, auth: oauth.ClientAuth, scope: string): Promise<oauth.TokenEndpointResponse> {
  const response = await oauth.clientCredentialsGrantRequest(as, oauthClient, auth, new URLSearchParams({ scope }), insecure);
  return oauth.processClientCredentialsResponse(as, oauthClient, response);
}

describe('oauth4webapi: discovery', () => {
  it('rejects the IDCS document when the expected issuer is the tenant URL', async () => {
    server = await startServer('idcs');
    const response = await fetch(new URL('/.well-known/openid-configuration', server.url));
    const failure = await oauth.processDiscoveryResponse(new URL(server.url), response).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(oauth.OperationProcessingError);
    expect((failure as oauth.OperationProcessingError).code).toBe(oauth.JSON_ATTRIBUTE_COMPARISON);
  });
});

describe.each(['idcs', 'rfc9068'] as const)('oauth4webapi: %s profile', (profile) => {
  it('gets a token with client_secret_basic and with client_secret_post', async () => {
    server = await startServer(profile);
    const as = await discover(profile, server);
    expect(as.token_endpoint).toBe(server.urls.tokenUrl);

    const basic = await clientCredentials(as, oauth.ClientSecretBasic(CLIENT_SECRET), QUALIFIED_SCOPE);
    expect(basic.token_type).toBe('bearer');
    expect(basic.expires_in).toBe(3600);
    expect((await callApi(server, basic.access_token)).status).toBe(200);

    const post = await clientCredentials(as, oauth.ClientSecretPost(CLIENT_SECRET), BARE_SCOPE);
    expect((await callApi(server, post.access_token)).status).toBe(200);

    const journal = await readJournal(server, { endpoint: 'token' });
    expect(journal.map((e) => e.decision)).toEqual(['issued', 'issued']);
  });

  it('reports a wrong secret: a Basic challenge for client_secret_basic, an invalid_client body for client_secret_post', async () => {
    server = await startServer(profile);
    const as = await discover(profile, server);
    const attempt = (auth: oauth.ClientAuth) =>
      clientCredentials(as, auth, BARE_SCOPE).then(
        () => undefined,
        (error: unknown) => error,
      );

    // RFC 6749 §5.2: a 401 to a Basic-authenticated client carries WWW-Authenticate: Basic, and
    // oauth4webapi surfaces the challenge before the body.
    const basic = await attempt(oauth.ClientSecretBasic('not-the-secret'));
    expect(basic).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
    const challenge = basic as oauth.WWWAuthenticateChallengeError;
    expect(challenge.status).toBe(401);
    expect(challenge.cause[0]?.scheme).toBe('basic');
    expect(challenge.cause[0]?.parameters.error).toBe('invalid_client');

    const post = await attempt(oauth.ClientSecretPost('not-the-secret'));
    expect(post).toBeInstanceOf(oauth.ResponseBodyError);
    const error = post as oauth.ResponseBodyError;
    expect(error.status).toBe(401);
    expect(error.error).toBe('invalid_client');
    if (profile === 'idcs') {
      expect(error.error_description).toBe('Client authentication failed.');
      expect(error.cause.ecid).toBeTypeOf('string');
    }
  });

  it('introspects an active token, then an expired one', async () => {
    server = await startServer(profile);
    const as = await discover(profile, server);
    const auth = oauth.ClientSecretBasic(CLIENT_SECRET);
    const { access_token: token } = await clientCredentials(as, auth, QUALIFIED_SCOPE);

    const introspect = async () => {
      const response = await oauth.introspectionRequest(as, oauthClient, auth, token, insecure);
      return oauth.processIntrospectionResponse(as, oauthClient, response);
    };

    const active = await introspect();
    expect(active.active).toBe(true);
    expect(active.client_id).toBe(CLIENT_ID);
    expect(active.scope).toBe(BARE_SCOPE);
    expect(active.sub).toBe(CLIENT_ID);
    if (profile === 'idcs') {
      expect(active.token_type).toBe('JWT');
      expect(active.iss).toBe(IDCS_ISSUER);
      expect(active.aud).toEqual([AUDIENCE]);
    } else {
      expect(active.token_type).toBe('Bearer');
      expect(active.iss).toBe(server.url);
      expect(active.aud).toBe(AUDIENCE);
    }
    expect(active.exp! - active.iat!).toBe(3600);

    server.clock.advance(PAST_EXPIRY);
    expect(await introspect()).toEqual({ active: false });

    const journal = await readJournal(server, { endpoint: 'introspect' });
    expect(journal).toHaveLength(2);
    expect(journal.every((e) => e.status === 200 && e.decision === 'served')).toBe(true);
  });
});

describe.each(['idcs', 'rfc9068'] as const)('oauth4webapi, strict, through every endpoint: %s profile', (profile) => {
  const APP: oauth.Client = { client_id: 'user-app' };
  const appAuth = oauth.ClientSecretBasic('user-app-secret');
  const start = () =>
    startServer(profile, {
      users: [{ username: 'ada', password: 'lovelace' }],
      clients: [{ id: 'user-app', secret: 'user-app-secret', grants: ['password', 'refresh_token'], scopes: [QUALIFIED_SCOPE] }],
    });

  /**
   * oauth4webapi has no password grant (RFC 9700 §2.4 deprecates it), so the request is sent by
   * hand, as an IDCS user would, and the library's strict processing judges the answer.
   */
  async function login(as: oauth.AuthorizationServer): Promise<oauth.TokenEndpointResponse> {
    const response = await fetch(as.token_endpoint as string, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('user-app:user-app-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', username: 'ada', password: 'lovelace', scope: `${QUALIFIED_SCOPE} offline_access` }),
    });
    return oauth.processGenericTokenEndpointResponse(as, APP, response);
  }

  async function refresh(as: oauth.AuthorizationServer, refreshToken: string): Promise<oauth.TokenEndpointResponse> {
    const response = await oauth.refreshTokenGrantRequest(as, APP, appAuth, refreshToken, insecure);
    return oauth.processRefreshTokenResponse(as, APP, response);
  }

  async function revoke(as: oauth.AuthorizationServer, token: string, hint?: string): Promise<void> {
    const response = await oauth.revocationRequest(as, APP, appAuth, token, { ...insecure, additionalParameters: hint ? { token_type_hint: hint } : undefined });
    await oauth.processRevocationResponse(response);
  }

  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => error as oauth.ResponseBodyError,
    );

  it('password grant, refresh rotation, the API through protectedResourceRequest, then the refresh token revoked with its grant', async () => {
    server = await start();
    const as = await discover(profile, server);
    expect(as.revocation_endpoint).toBe(server.urls.revokeUrl);
    expect(as.introspection_endpoint).toBe(server.urls.introspectUrl);
    expect(as.jwks_uri).toBe(server.urls.jwksUrl);

    const first = await login(as);
    expect(first.refresh_token).toBeTypeOf('string');
    const rotated = await refresh(as, first.refresh_token as string);
    expect(rotated.refresh_token).not.toBe(first.refresh_token);

    const reused = await failure(refresh(as, first.refresh_token as string));
    expect(reused).toBeInstanceOf(oauth.ResponseBodyError);
    expect(reused?.error).toBe('invalid_grant');

    const api = await oauth.protectedResourceRequest(rotated.access_token, 'GET', new URL(API_PATH, server.url), undefined, undefined, insecure);
    expect(api.status).toBe(200);

    // RFC 7009: a refresh token can be revoked, and its grant's access tokens go with it.
    await revoke(as, rotated.refresh_token as string, 'refresh_token');
    const revoked = await failure(refresh(as, rotated.refresh_token as string));
    expect(revoked?.error).toBe('invalid_grant');
    expect(revoked?.error_description).toBe('The refresh token has been revoked.');
    expect((await callApi(server, rotated.access_token)).status).toBe(401);
    expect((await callApi(server, first.access_token)).status).toBe(401);

    const introspected = await oauth.processIntrospectionResponse(as, APP, await oauth.introspectionRequest(as, APP, appAuth, rotated.access_token, insecure));
    expect(introspected.active).toBe(false);
  });

  it('revokes an access token with the wrong hint (RFC 7009 §2.1: the hint only says where to look first)', async () => {
    server = await start();
    const as = await discover(profile, server);
    const { access_token: token, refresh_token: refreshToken } = await login(as);
    await revoke(as, token, 'refresh_token');
    expect((await callApi(server, token)).status).toBe(401);
    // Only that access token: the refresh token of its grant still works.
    expect((await refresh(as, refreshToken as string)).access_token).toBeTypeOf('string');
  });

  it('refuses to revoke another client\'s refresh token: invalid_request, and it keeps working', async () => {
    server = await start();
    const as = await discover(profile, server);
    const { refresh_token: refreshToken } = await login(as);
    const response = await oauth.revocationRequest(as, oauthClient, oauth.ClientSecretBasic(CLIENT_SECRET), refreshToken as string, insecure);
    const refused = await failure(oauth.processRevocationResponse(response));
    expect(refused).toBeInstanceOf(oauth.ResponseBodyError);
    expect(refused?.status).toBe(400);
    expect(refused?.error).toBe('invalid_request');
    expect((await refresh(as, refreshToken as string)).access_token).toBeTypeOf('string');
  });

  it(profile === 'rfc9068' ? 'validateJwtAccessToken accepts the token against the JWKS (RFC 9068)' : 'validateJwtAccessToken refuses an IDCS token: it has no typ "at+jwt" (RFC 9068 §2.1), as IDCS\'s own do not', async () => {
    server = await start();
    const as = await discover(profile, server);
    const { access_token: token } = await clientCredentials(as, oauth.ClientSecretBasic(CLIENT_SECRET), QUALIFIED_SCOPE);
    const request = new Request(new URL(API_PATH, server.url), { headers: { authorization: `Bearer ${token}` } });
    const result = oauth.validateJwtAccessToken(as, request, AUDIENCE, insecure);
    if (profile === 'rfc9068') {
      const claims = await result;
      expect(claims.client_id).toBe(CLIENT_ID);
      expect(claims.scope).toBe(BARE_SCOPE);
    } else {
      const error = await result.then(
        () => undefined,
        (e: unknown) => e as oauth.OperationProcessingError,
      );
      expect(error).toBeInstanceOf(oauth.OperationProcessingError);
    }
  });
});
