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
import { AUDIENCE, BARE_SCOPE, CLIENT_ID, CLIENT_SECRET, IDCS_ISSUER, PAST_EXPIRY, QUALIFIED_SCOPE, callApi, readJournal, startServer } from './support.ts';

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
