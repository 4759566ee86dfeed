/**
 * simple-oauth2 (lelylan), a long-standing Node OAuth 2 client: `ClientCredentials` with the
 * token endpoint configured by hand (it has no discovery), credentials in the Basic header
 * (its default, RFC 6749 strict form-encoding) or in the body.
 */
import { ClientCredentials, type ModuleOptions } from 'simple-oauth2';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProfileName, UnderstudyServer } from '../../server/index.ts';
import { BARE_SCOPE, CLIENT_ID, CLIENT_SECRET, PAST_EXPIRY, QUALIFIED_SCOPE, bearerChallengeParams, callApi, readJournal, startServer } from './support.ts';

let server: UnderstudyServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const TOKEN_PATHS: Record<ProfileName, string> = { idcs: '/oauth2/v1/token', rfc9068: '/token' };

function options(s: UnderstudyServer, profile: ProfileName, authorizationMethod: 'header' | 'body', secret = CLIENT_SECRET): ModuleOptions {
  return {
    client: { id: CLIENT_ID, secret },
    auth: { tokenHost: s.url, tokenPath: TOKEN_PATHS[profile] },
    options: { authorizationMethod },
  };
}

/** The Boom error simple-oauth2 (through @hapi/wreck) throws for a non-2xx answer. */
interface BoomError extends Error {
  isBoom: true;
  output: { statusCode: number };
  data: { payload: Record<string, unknown>; res: { headers: Record<string, string | undefined> } };
}

describe.each(['idcs', 'rfc9068'] as const)('simple-oauth2: %s profile', (profile) => {
  it.each(['header', 'body'] as const)('gets a token with authorizationMethod %s that works until it expires', async (method) => {
    server = await startServer(profile);
    expect(`${server.url}${TOKEN_PATHS[profile]}`).toBe(server.urls.tokenUrl);
    const oauthClient = new ClientCredentials(options(server, profile, method));

    const accessToken = await oauthClient.getToken({ scope: method === 'header' ? QUALIFIED_SCOPE : [BARE_SCOPE] });
    expect(accessToken.token.token_type).toBe('Bearer');
    expect(accessToken.token.expires_in).toBe(3600);
    expect(accessToken.expired()).toBe(false);
    const token = accessToken.token.access_token as string;
    expect((await callApi(server, token)).status).toBe(200);

    server.clock.advance(PAST_EXPIRY);
    // simple-oauth2 computes expiry from the wall clock, so it still believes the token is fresh:
    // only the resource server, on the virtual clock, knows better.
    expect(accessToken.expired()).toBe(false);
    const refused = await callApi(server, token);
    expect(refused.status).toBe(401);
    expect(bearerChallengeParams(refused.headers.get('www-authenticate')).error).toBe('invalid_token');

    const [entry] = await readJournal(server, { endpoint: 'token' });
    expect(entry?.decision).toBe('issued');
    expect(entry?.requestHeaders.includes('authorization')).toBe(method === 'header');
    expect(entry?.params?.includes('client_secret')).toBe(method === 'body');
  });

  it('surfaces invalid_client for a wrong secret as a Boom error with the OAuth body', async () => {
    server = await startServer(profile);
    const oauthClient = new ClientCredentials(options(server, profile, 'header', 'wrong-secret'));
    const failure = (await oauthClient.getToken({ scope: BARE_SCOPE }).then(
      () => undefined,
      (error: unknown) => error,
    )) as BoomError;
    expect(failure.isBoom).toBe(true);
    expect(failure.output.statusCode).toBe(401);
    expect(failure.data.payload.error).toBe('invalid_client');
    expect(failure.data.res.headers['www-authenticate']).toMatch(/^Basic /);
    if (profile === 'idcs') {
      expect(failure.data.payload.error_description).toBe('Client authentication failed.');
      expect(failure.data.payload.ecid).toBeTypeOf('string');
    }
  });
});
