/**
 * RFC 7523 §2.1 JWT bearer grant, IDCS's "JWT user assertion": assertions built and signed with
 * jose, as an integration would (Oracle Integration's "OAuth using JWT User Assertion").
 */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { SignJWT, exportJWK, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type UnderstudyServer } from '../../server/index.ts';
import { certificateThumbprints, generateRsaKeyWithCertificate } from '../../server/keys/certificate.ts';

const GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const IDCS_AUDIENCE = 'https://identity.oraclecloud.com/';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

describe('JWT user assertion grant (RFC 7523 §2.1)', () => {
  let server: UnderstudyServer;
  let jwk: JWK;
  const basic = `Basic ${Buffer.from('oic-app:oic-secret').toString('base64')}`;

  beforeAll(async () => {
    jwk = { ...(await exportJWK(publicKey)), kid: 'oic-cert', alg: 'RS256', use: 'sig' };
    server = await createServer({
      port: 0,
      config: {
        users: [{ username: 'ada', password: 'lovelace' }],
        clients: [
          { id: 'oic-app', secret: 'oic-secret', grants: [GRANT], jwks: { keys: [jwk] } },
          { id: 'cc-only', secret: 'cc-secret', grants: ['client_credentials'], jwks: { keys: [jwk] } },
        ],
      },
    });
  });
  afterAll(() => server.close());

  const now = () => Math.floor(server.clock.nowSeconds());
  const assertion = (claims: Record<string, unknown> = {}, options: { key?: typeof privateKey; header?: Record<string, unknown> } = {}) =>
    new SignJWT({ jti: crypto.randomUUID(), ...claims })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: 'oic-cert', ...options.header })
      .setIssuer(String(claims.iss ?? 'oic-app'))
      .setSubject(String(claims.sub ?? 'ada'))
      .setAudience(IDCS_AUDIENCE)
      .setIssuedAt(now())
      .setExpirationTime(Number(claims.exp ?? now() + 300))
      .sign(options.key ?? privateKey);
  const exchange = async (value: string, auth = basic, extra: Record<string, string> = {}) => {
    const response = await fetch(server.urls.tokenUrl, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: GRANT, assertion: value, ...extra }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const lastReason = () => server.journal.entries().filter((e) => e.endpoint === 'token').at(-1)?.reason;
  const claimsOf = (token: unknown) => JSON.parse(Buffer.from(String(token).split('.')[1] as string, 'base64url').toString()) as Record<string, unknown>;

  it("issues the user's token: sub the user, sub_type user, the client's id, and the API accepts it", async () => {
    const reply = await exchange(await assertion());
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(Object.keys(reply.body)).toEqual(['access_token', 'token_type', 'expires_in']);
    expect(claimsOf(reply.body.access_token)).toMatchObject({ sub: 'ada', sub_type: 'user', client_id: 'oic-app', gtp: GRANT });
    const api = await fetch(`${server.url}/hcmRestApi/resources/11.13.18.05/emps`, { headers: { authorization: `Bearer ${String(reply.body.access_token)}` } });
    expect(api.status).toBe(200);
  });

  it('finds the key by x5t (the certificate thumbprint) when the header has no kid', async () => {
    const withCertificate = await generateRsaKeyWithCertificate('oic-app');
    const { x5c, x5t } = certificateThumbprints(withCertificate.certificatePem);
    const certified = { ...(await exportJWK(createPublicKey(withCertificate.privateKey))), kid: 'other-alias', alg: 'RS256', x5c: [x5c] };
    const s = await createServer({
      port: 0,
      config: {
        users: [{ username: 'ada', password: 'lovelace' }],
        clients: [{ id: 'oic-app', secret: 'oic-secret', grants: [GRANT], jwks: { keys: [jwk, certified] } }],
      },
    });
    try {
      const at = Math.floor(s.clock.nowSeconds());
      const value = await new SignJWT({ jti: 'x5t-1' }).setProtectedHeader({ alg: 'RS256', typ: 'JWT', x5t }).setIssuer('oic-app').setSubject('ada').setAudience(IDCS_AUDIENCE).setIssuedAt(at).setExpirationTime(at + 60).sign(withCertificate.privateKey);
      const send = (body: string) => fetch(s.urls.tokenUrl, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: GRANT, assertion: body }) });
      const response = await send(value);
      expect(response.status, await response.clone().text()).toBe(200);
      // A thumbprint of no registered certificate names no key, though the signature would verify with one.
      const unknown = await new SignJWT({ jti: 'x5t-2' }).setProtectedHeader({ alg: 'RS256', typ: 'JWT', x5t: 'bm8tc3VjaC1jZXJ0aWZpY2F0ZQ' }).setIssuer('oic-app').setSubject('ada').setAudience(IDCS_AUDIENCE).setIssuedAt(at).setExpirationTime(at + 60).sign(withCertificate.privateKey);
      expect((await send(unknown)).status).toBe(400);
      expect(s.journal.entries().at(-1)?.reason).toMatch(/no registered key matches/);
    } finally {
      await s.close();
    }
  });

  const refusals: [string, () => Promise<string>, RegExp][] = [
    ['expired (on the virtual clock)', async () => assertion({ exp: now() - 1 }), /rejected: it has expired/],
    ['signed by a key the client did not register', async () => assertion({}, { key: stranger }), /rejected: the signature does not verify/],
    ['for a user that does not exist', async () => assertion({ sub: 'mallory' }), /rejected: sub mallory is not a configured user/],
    ['issued by another client', async () => assertion({ iss: 'cc-only' }), /rejected: claim iss is invalid/],
  ];
  for (const [name, make, reason] of refusals) {
    it(`refuses an assertion ${name}: 400 invalid_grant, the reason in the journal`, async () => {
      const reply = await exchange(await make());
      expect(reply.status).toBe(400);
      expect(reply.body).toMatchObject({ error: 'invalid_grant', error_description: 'The user assertion is invalid.' });
      expect(lastReason()).toMatch(reason);
    });
  }

  it('with no certificate registered, an x5t in the header is no lookup: the key is found as without it', async () => {
    const reply = await exchange(await assertion({}, { header: { kid: undefined, x5t: 'bm8tY2VydGlmaWNhdGU' } }));
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  });

  it('refuses a jti that is not a string (it could not be checked for replay)', async () => {
    const reply = await exchange(await assertion({ jti: 42 }));
    expect(reply.status).toBe(400);
    expect(lastReason()).toMatch(/jti is not a string/);
  });

  it('refuses a replayed assertion (the same jti while it is valid)', async () => {
    const value = await assertion();
    expect((await exchange(value)).status).toBe(200);
    const replay = await exchange(value);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    expect(lastReason()).toMatch(/jti .* was already used/);
  });

  it('an assertion valid now is expired after the virtual clock moves past its exp', async () => {
    const value = await assertion({ exp: now() + 60 });
    server.clock.advance(61);
    expect((await exchange(value)).status).toBe(400);
    expect(lastReason()).toMatch(/expired/);
  });

  it('a client not allowed the grant is unauthorized_client; a missing assertion is invalid_request', async () => {
    const cc = `Basic ${Buffer.from('cc-only:cc-secret').toString('base64')}`;
    expect((await exchange(await assertion({ iss: 'cc-only' }), cc)).body.error).toBe('unauthorized_client');
    const missing = await fetch(server.urls.tokenUrl, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: GRANT }) });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: string }).error).toBe('invalid_request');
  });

  it('discovery lists the grant type', async () => {
    const document = (await (await fetch(server.urls.discoveryUrl)).json()) as { grant_types_supported: string[] };
    expect(document.grant_types_supported).toContain(GRANT);
  });
});
