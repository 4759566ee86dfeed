/**
 * openid-client v6 (panva), the most used certified OAuth/OIDC client for Node, against
 * understudy, used the way its documentation shows: discovery, then `clientCredentialsGrant`,
 * then jose to verify the JWT access token, then the protected API.
 *
 * About IDCS discovery: openid-client's `discovery(new URL('https://idcs-xxx.identity.oraclecloud.com'), ...)`
 * fetches `/.well-known/openid-configuration` and then insists that the document's `issuer` equals
 * the URL it was given (RFC 8414 §3.3). Real IDCS answers `"issuer": "https://identity.oraclecloud.com/"`
 * for every identity domain, so that call fails against a real tenant, and understudy reproduces
 * it (first test below). What an IDCS user has to do instead, and what these tests do, is pass
 * the full well-known URL: openid-client v6 fetches a URL whose path contains `/.well-known/`
 * as-is and skips the issuer comparison. (The other way, building `new Configuration(metadata, ...)`
 * from a document fetched by hand, works too but loses openid-client's fetch options and retries.)
 */
import { generateKeyPair, exportJWK, createRemoteJWKSet, jwtVerify, decodeProtectedHeader, type JWTPayload } from 'jose';
import * as client from 'openid-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProfileName, UnderstudyServer } from '../../server/index.ts';
import {
  API_PATH,
  AUDIENCE,
  BARE_SCOPE,
  CLIENT_ID,
  CLIENT_SECRET,
  IDCS_ISSUER,
  PAST_EXPIRY,
  QUALIFIED_SCOPE,
  bearerChallengeParams,
  readJournal,
  startServer,
} from './support.ts';

let server: UnderstudyServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The discovery URL a user passes to openid-client for each profile. */
function discoveryUrl(profile: ProfileName, base: string): URL {
  // idcs: the full well-known URL (see the file comment). rfc9068: the issuer itself, with
  // RFC 8414 discovery (`algorithm: 'oauth2'`), issuer check on.
  return profile === 'idcs' ? new URL('/.well-known/openid-configuration', base) : new URL(base);
}

async function discover(profile: ProfileName, s: UnderstudyServer, auth: client.ClientAuth, clientId = CLIENT_ID): Promise<client.Configuration> {
  return client.discovery(discoveryUrl(profile, s.url), clientId, undefined, auth, {
    algorithm: profile === 'idcs' ? 'oidc' : 'oauth2',
    execute: [client.allowInsecureRequests],
  });
}

/** Verifies an access token the way a resource server would, with jose and the discovered JWKS. */
async function verifyAccessToken(config: client.Configuration, token: string, profile: ProfileName): Promise<JWTPayload> {
  const metadata = config.serverMetadata();
  const jwks = createRemoteJWKSet(new URL(metadata.jwks_uri as string));
  const { payload } = await jwtVerify(token, jwks, {
    issuer: metadata.issuer,
    audience: AUDIENCE,
    algorithms: ['RS256'],
    ...(profile === 'rfc9068' ? { typ: 'at+jwt' } : {}),
  });
  return payload;
}

describe('openid-client: IDCS discovery', () => {
  it('refuses discovery from the bare tenant URL, because the IDCS issuer differs from it (as with real IDCS)', async () => {
    server = await startServer('idcs');
    const failure = await client
      .discovery(new URL(server.url), CLIENT_ID, undefined, client.ClientSecretBasic(CLIENT_SECRET), { execute: [client.allowInsecureRequests] })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(client.ClientError);
    expect((failure as client.ClientError).code).toBe('OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED');
    expect((failure as Error).message).toMatch(/issuer does not match/);
  });

  it('discovers from the full well-known URL and keeps the document issuer', async () => {
    server = await startServer('idcs');
    const config = await discover('idcs', server, client.ClientSecretBasic(CLIENT_SECRET));
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(IDCS_ISSUER);
    expect(metadata.token_endpoint).toBe(server.urls.tokenUrl);
    expect(metadata.jwks_uri).toBe(server.urls.jwksUrl);
    expect(metadata.token_endpoint).toBe(`${server.url}/oauth2/v1/token`);
  });
});

const cases: Array<{ profile: ProfileName; method: string; auth: () => client.ClientAuth; scope: string }> = [
  { profile: 'idcs', method: 'client_secret_basic', auth: () => client.ClientSecretBasic(CLIENT_SECRET), scope: QUALIFIED_SCOPE },
  { profile: 'idcs', method: 'client_secret_post', auth: () => client.ClientSecretPost(CLIENT_SECRET), scope: BARE_SCOPE },
  { profile: 'rfc9068', method: 'client_secret_basic', auth: () => client.ClientSecretBasic(CLIENT_SECRET), scope: BARE_SCOPE },
  { profile: 'rfc9068', method: 'client_secret_post', auth: () => client.ClientSecretPost(CLIENT_SECRET), scope: QUALIFIED_SCOPE },
];

describe.each(cases)('openid-client: $profile profile, $method', ({ profile, method, auth, scope }) => {
  it('gets a token that jose verifies, that the API accepts, and that the API refuses once expired', async () => {
    server = await startServer(profile);
    const config = await discover(profile, server, auth());
    expect(config.serverMetadata().jwks_uri).toBe(server.urls.jwksUrl);
    expect(config.serverMetadata().token_endpoint).toBe(server.urls.tokenUrl);
    if (profile === 'rfc9068') expect(config.serverMetadata().issuer).toBe(server.url);

    const tokens = await client.clientCredentialsGrant(config, { scope });
    expect(tokens.token_type).toBe('bearer'); // openid-client lower-cases it
    expect(tokens.expires_in).toBe(3600);
    expect(tokens.expiresIn()).toBeGreaterThan(3500);

    const payload = await verifyAccessToken(config, tokens.access_token, profile);
    expect(payload.client_id).toBe(CLIENT_ID);
    expect(payload.sub).toBe(CLIENT_ID);
    expect(payload.scope).toBe(BARE_SCOPE);
    expect(payload.exp! - payload.iat!).toBe(3600);
    const header = decodeProtectedHeader(tokens.access_token);
    if (profile === 'idcs') {
      expect(payload.iss).toBe(IDCS_ISSUER);
      expect(payload.aud).toEqual([AUDIENCE]);
      expect(header.typ).toBeUndefined();
      expect(header.x5t).toBeTypeOf('string');
    } else {
      expect(payload.iss).toBe(server.url);
      expect(payload.aud).toBe(AUDIENCE);
      expect(header.typ).toBe('at+jwt');
    }

    // The API, called through openid-client's own helper.
    const apiUrl = new URL(API_PATH, server.url);
    const response = await client.fetchProtectedResource(config, tokens.access_token, apiUrl, 'GET');
    expect(response.status).toBe(200);
    expect(((await response.json()) as { count: number }).count).toBe(2);

    server.clock.advance(PAST_EXPIRY);
    const refused = await client.fetchProtectedResource(config, tokens.access_token, apiUrl, 'GET').then(
      () => undefined,
      (error: unknown) => error,
    );
    // openid-client turns a 401 with a WWW-Authenticate challenge into WWWAuthenticateChallengeError.
    expect(refused).toBeInstanceOf(client.WWWAuthenticateChallengeError);
    const challengeError = refused as client.WWWAuthenticateChallengeError;
    expect(challengeError.response.status).toBe(401);
    expect(challengeError.cause[0]?.scheme).toBe('bearer');
    expect(challengeError.cause[0]?.parameters.error).toBe('invalid_token');
    expect(bearerChallengeParams(challengeError.response.headers.get('www-authenticate')).error).toBe('invalid_token');

    const journal = await readJournal(server, { endpoint: 'token' });
    expect(journal).toHaveLength(1);
    expect(journal[0]?.decision).toBe('issued');
    expect(journal[0]?.params).toEqual(method === 'client_secret_post' ? expect.arrayContaining(['client_id', 'client_secret']) : expect.not.arrayContaining(['client_secret']));
  });

  it('introspects the token with tokenIntrospection', async () => {
    server = await startServer(profile);
    const config = await discover(profile, server, auth());
    const tokens = await client.clientCredentialsGrant(config, { scope });
    const active = await client.tokenIntrospection(config, tokens.access_token);
    expect(active.active).toBe(true);
    expect(active.client_id).toBe(CLIENT_ID);
    expect(active.token_type).toBe(profile === 'idcs' ? 'JWT' : 'Bearer');
    server.clock.advance(PAST_EXPIRY);
    expect(await client.tokenIntrospection(config, tokens.access_token)).toEqual({ active: false });
  });
});

describe.each(['idcs', 'rfc9068'] as const)('openid-client: %s profile, private_key_jwt', (profile) => {
  it('authenticates with a client assertion signed by the registered key', async () => {
    // IDCS only lists RS256 for client assertions; the RFC profile also takes ES256.
    const alg = profile === 'idcs' ? 'RS256' : 'ES256';
    const { privateKey, publicKey } = await generateKeyPair(alg);
    const jwk = { ...(await exportJWK(publicKey)), kid: 'assertion-key-1', alg, use: 'sig' };
    server = await startServer(profile, {
      clients: [{ id: 'jwt-client', authMethod: 'private_key_jwt', jwks: { keys: [jwk] }, scopes: [QUALIFIED_SCOPE] }],
    });
    const config = await discover(profile, server, client.PrivateKeyJwt({ key: privateKey, kid: 'assertion-key-1' }), 'jwt-client');

    const first = await client.clientCredentialsGrant(config, { scope: BARE_SCOPE });
    const payload = await verifyAccessToken(config, first.access_token, profile);
    expect(payload.client_id).toBe('jwt-client');
    // Each assertion has a fresh jti, so a second grant is not a replay.
    const second = await client.clientCredentialsGrant(config, { scope: BARE_SCOPE });
    expect(second.access_token).not.toBe(first.access_token);

    const response = await client.fetchProtectedResource(config, second.access_token, new URL(API_PATH, server.url), 'GET');
    expect(response.status).toBe(200);

    const journal = await readJournal(server, { endpoint: 'token' });
    expect(journal.map((e) => e.decision)).toEqual(['issued', 'issued']);
    expect(journal[0]?.params).toEqual(expect.arrayContaining(['client_assertion', 'client_assertion_type']));
  });

  it('is refused with invalid_client when the assertion is signed by another key', async () => {
    const alg = profile === 'idcs' ? 'RS256' : 'ES256';
    const registered = await generateKeyPair(alg);
    const other = await generateKeyPair(alg);
    const jwk = { ...(await exportJWK(registered.publicKey)), kid: 'assertion-key-1', alg };
    server = await startServer(profile, { clients: [{ id: 'jwt-client', authMethod: 'private_key_jwt', jwks: { keys: [jwk] } }] });
    const config = await discover(profile, server, client.PrivateKeyJwt({ key: other.privateKey, kid: 'assertion-key-1' }), 'jwt-client');
    const failure = await client.clientCredentialsGrant(config, { scope: BARE_SCOPE }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(client.ResponseBodyError);
    expect((failure as client.ResponseBodyError).error).toBe('invalid_client');
    expect((failure as client.ResponseBodyError).status).toBe(401);
  });
});
