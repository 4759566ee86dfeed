import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type UnderstudyServer } from '../support/start-server.ts';
import { basic, decodeJwt, DEMO, IDCS_ISSUER, JWT_BEARER, postForm, readJournal, requestToken, type Reply } from './helpers.ts';

interface AssertionOptions {
  key?: CryptoKey | Uint8Array;
  alg?: string;
  kid?: string | null;
  iss?: string;
  sub?: string;
  aud?: string | string[];
  /** Seconds from now. */
  expIn?: number | null;
  jti?: string | null;
}

describe('private_key_jwt client authentication (RFC 7523)', () => {
  let server: UnderstudyServer;
  let rsa: { privateKey: CryptoKey; publicJwk: JWK };
  let ec: { privateKey: CryptoKey; publicJwk: JWK };
  let stranger: CryptoKey;

  async function keyPair(alg: 'RS256' | 'ES256', kid: string) {
    const { privateKey, publicKey } = await generateKeyPair(alg);
    return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
  }

  beforeAll(async () => {
    rsa = await keyPair('RS256', 'rsa-1');
    ec = await keyPair('ES256', 'ec-1');
    stranger = (await generateKeyPair('RS256')).privateKey;
    server = await startServer({
      config: {
        clients: [
          { id: DEMO.clientId, secret: DEMO.secret, name: DEMO.clientName },
          { id: 'jwt-client', name: 'JWT Client', authMethod: 'private_key_jwt', jwks: { keys: [rsa.publicJwk as Record<string, unknown>] } },
          // authMethod defaults to private_key_jwt for a client with jwks and no secret.
          { id: 'ec-client', jwks: { keys: [ec.publicJwk as Record<string, unknown>] } },
        ],
      },
    });
  });
  afterAll(() => server.close());

  function assertion(clientId: string, options: AssertionOptions = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const alg = options.alg ?? 'RS256';
    const header: { alg: string; kid?: string } = { alg };
    const kid = options.kid === undefined ? (alg === 'ES256' ? 'ec-1' : 'rsa-1') : options.kid;
    if (kid !== null) header.kid = kid;
    const jwt = new SignJWT(options.jti === null ? {} : { jti: options.jti ?? randomBytes(16).toString('hex') })
      .setProtectedHeader(header)
      .setIssuer(options.iss ?? clientId)
      .setSubject(options.sub ?? clientId)
      .setAudience(options.aud ?? server.urls.tokenUrl)
      .setIssuedAt(now);
    if (options.expIn !== null) jwt.setExpirationTime(now + (options.expIn ?? 60));
    return jwt.sign(options.key ?? (alg === 'ES256' ? ec.privateKey : rsa.privateKey));
  }

  function tokenWith(clientAssertion: string, extra: Record<string, string> = {}): Promise<Reply> {
    return postForm(server.urls.tokenUrl, {
      grant_type: 'client_credentials',
      client_assertion_type: JWT_BEARER,
      client_assertion: clientAssertion,
      ...extra,
    });
  }

  function expectInvalidClient(reply: Reply): void {
    expect(reply.status, reply.text).toBe(401);
    expect(reply.json).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed.', ecid: reply.headers.get('x-oracle-dms-ecid') });
    // No Authorization header was used, so no challenge (RFC 6749 §5.2).
    expect(reply.headers.get('www-authenticate')).toBeNull();
  }

  function expectInvalidRequest(reply: Reply): void {
    expect(reply.status, reply.text).toBe(400);
    expect(reply.json.error).toBe('invalid_request');
    expect(reply.json.ecid).toBe(reply.headers.get('x-oracle-dms-ecid'));
  }

  it('issues a token for a valid RS256 assertion (iss = sub = client_id, aud = token URL, exp, jti)', async () => {
    const reply = await tokenWith(await assertion('jwt-client'));
    expect(reply.status, reply.text).toBe(200);
    expect(Object.keys(reply.json)).toEqual(['access_token', 'token_type', 'expires_in']);
    const { payload } = decodeJwt(reply.json.access_token);
    expect(payload).toMatchObject({ sub: 'jwt-client', client_id: 'jwt-client', client_name: 'JWT Client', sub_type: 'client', scope: DEMO.scope });
  });

  it('issues a token for a valid ES256 assertion', async () => {
    const reply = await tokenWith(await assertion('ec-client', { alg: 'ES256' }));
    expect(reply.status, reply.text).toBe(200);
    expect(decodeJwt(reply.json.access_token).payload.client_id).toBe('ec-client');
  });

  it('accepts an assertion without kid when the client has one key', async () => {
    const reply = await tokenWith(await assertion('jwt-client', { kid: null }));
    expect(reply.status, reply.text).toBe(200);
  });

  it('accepts the issuer as the assertion audience (IDCS documents aud "https://identity.oraclecloud.com/")', async () => {
    const reply = await tokenWith(await assertion('jwt-client', { aud: IDCS_ISSUER }));
    expect(reply.status, reply.text).toBe(200);
  });

  it('accepts a client_id parameter that matches the assertion', async () => {
    const reply = await tokenWith(await assertion('jwt-client'), { client_id: 'jwt-client' });
    expect(reply.status, reply.text).toBe(200);
  });

  it('refuses a replayed jti: invalid_client', async () => {
    const jwt = await assertion('jwt-client', { jti: `replay-${randomBytes(8).toString('hex')}` });
    expect((await tokenWith(jwt)).status).toBe(200);
    expectInvalidClient(await tokenWith(jwt));
    // A new assertion with a fresh jti is fine.
    expect((await tokenWith(await assertion('jwt-client'))).status).toBe(200);
  });

  it('refuses an expired assertion: invalid_client', async () => {
    expectInvalidClient(await tokenWith(await assertion('jwt-client', { expIn: -30 })));
  });

  it('refuses an assertion without exp: invalid_client', async () => {
    expectInvalidClient(await tokenWith(await assertion('jwt-client', { expIn: null })));
  });

  it('refuses an assertion signed with another key under the registered kid: invalid_client', async () => {
    expectInvalidClient(await tokenWith(await assertion('jwt-client', { key: stranger })));
  });

  it('refuses an assertion signed with an unregistered kid: invalid_client', async () => {
    expectInvalidClient(await tokenWith(await assertion('jwt-client', { key: stranger, kid: 'unknown-kid' })));
  });

  it('refuses an HS256 assertion: invalid_client', async () => {
    const secret = new TextEncoder().encode('an-hmac-secret-that-is-long-enough-for-hs256!');
    expectInvalidClient(await tokenWith(await assertion('jwt-client', { alg: 'HS256', key: secret })));
  });

  it('refuses an unsigned (alg none) assertion: invalid_client', async () => {
    const now = Math.floor(Date.now() / 1000);
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${part({ alg: 'none' })}.${part({ iss: 'jwt-client', sub: 'jwt-client', aud: server.urls.tokenUrl, exp: now + 60, jti: 'none-alg' })}.`;
    expectInvalidClient(await tokenWith(unsigned));
  });

  it('refuses an assertion for another audience: invalid_client', async () => {
    expectInvalidClient(await tokenWith(await assertion('jwt-client', { aud: 'https://elsewhere.example.test/oauth2/v1/token' })));
  });

  it('refuses an assertion whose iss is not the client: invalid_client', async () => {
    expectInvalidClient(await tokenWith(await assertion('jwt-client', { iss: 'someone-else' })));
  });

  it('refuses an assertion of an unknown client: invalid_client', async () => {
    expectInvalidClient(await tokenWith(await assertion('no-such-client')));
  });

  it('refuses an assertion from a client registered for a secret: invalid_client', async () => {
    expectInvalidClient(await tokenWith(await assertion(DEMO.clientId)));
  });

  it('refuses a client secret from a private_key_jwt client: 401 invalid_client with a Basic challenge', async () => {
    const reply = await postForm(server.urls.tokenUrl, { grant_type: 'client_credentials' }, { authorization: basic('jwt-client', 'guess') });
    expect(reply.status).toBe(401);
    expect(reply.json.error).toBe('invalid_client');
    expect(reply.headers.get('www-authenticate')).toMatch(/^Basic /);
  });

  it('refuses a wrong client_assertion_type: 400 invalid_request', async () => {
    const jwt = await assertion('jwt-client');
    expectInvalidRequest(await tokenWith(jwt, { client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer' }));
    // The refused request did not use up the jti.
    expect((await tokenWith(jwt)).status).toBe(200);
  });

  it('refuses a missing client_assertion_type: 400 invalid_request', async () => {
    const reply = await postForm(server.urls.tokenUrl, { grant_type: 'client_credentials', client_assertion: await assertion('jwt-client') });
    expectInvalidRequest(reply);
  });

  it('refuses a client_id that differs from the assertion sub: 400 invalid_request', async () => {
    expectInvalidRequest(await tokenWith(await assertion('jwt-client'), { client_id: 'ec-client' }));
  });

  it('refuses a client_assertion that is not a JWT: 400 invalid_request', async () => {
    expectInvalidRequest(await tokenWith('not-a-jwt'));
  });

  it('journals refused assertions under the claimed client', async () => {
    const jwt = await assertion('jwt-client', { expIn: -30 });
    expectInvalidClient(await tokenWith(jwt));
    const { entries, raw } = await readJournal(server, '?endpoint=token');
    const last = entries.at(-1);
    expect(last).toMatchObject({ endpoint: 'token', clientId: 'jwt-client', decision: 'rejected', error: 'invalid_client', grantType: 'client_credentials' });
    expect(raw).not.toContain(jwt);
  });

  it('still serves secret clients next to private_key_jwt ones', async () => {
    expect((await requestToken(server)).status).toBe(200);
  });

  it('authenticates introspection with an assertion whose aud is the introspection URL', async () => {
    const token = (await tokenWith(await assertion('jwt-client'))).json.access_token as string;
    const reply = await postForm(server.urls.introspectUrl, {
      token,
      client_assertion_type: JWT_BEARER,
      client_assertion: await assertion('jwt-client', { aud: server.urls.introspectUrl }),
    });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.json).toMatchObject({ active: true, client_id: 'jwt-client' });
  });
});
