/**
 * What the journal keeps of a sign-in for the contract checks: fingerprints of state, nonce and
 * code_challenge on authorization requests, and of the code, refresh token or assertion a token
 * request presents (also when a fault answers before the endpoint runs), never the values.
 */
import { createHash } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { fingerprint } from '../../server/journal/fingerprint.ts';
import { createServer, type UnderstudyServer } from '../../server/index.ts';
import { HttpPerson } from '../support/http-person.ts';

const CALLBACK = 'http://127.0.0.1:7999/callback';
const VERIFIER = 'v'.repeat(43);
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

let server: UnderstudyServer;
afterEach(() => server?.close());

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
async function token(params: Record<string, string>, auth = basic('web', 'web-secret')) {
  const response = await fetch(server.urls.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: auth }, body: new URLSearchParams(params) });
  return (await response.json()) as Record<string, string>;
}

describe('the journal of a sign-in', () => {
  it('fingerprints state, nonce and the challenge, and the code and refresh tokens each token request presents and gets', async () => {
    server = await createServer({
      port: 0,
      config: { users: [{ username: 'ada', password: 'lovelace' }], clients: [{ id: 'web', secret: 'web-secret', grants: ['authorization_code', 'refresh_token'], redirectUris: [CALLBACK] }] },
    });
    const challenge = createHash('sha256').update(VERIFIER).digest('base64url');
    const query = new URLSearchParams({ client_id: 'web', response_type: 'code', redirect_uri: CALLBACK, scope: 'openid offline_access', state: 'st-1', nonce: 'n-1', code_challenge: challenge, code_challenge_method: 'S256', prompt: 'login' });
    const code = new URL(await new HttpPerson(server.url).signIn(`${server.urls.authorizeUrl}?${query}`)).searchParams.get('code') as string;
    const first = await token({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: VERIFIER });
    const second = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token as string });
    await fetch(server.urls.revokeUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic('web', 'web-secret') }, body: new URLSearchParams({ token: second.refresh_token as string }) });
    await server.settle();

    const authorize = server.journal.entries({ endpoint: ['authorize'] })[0];
    expect(authorize?.authorization).toEqual({ state: fingerprint('st-1'), nonce: fingerprint('n-1'), codeChallenge: fingerprint(challenge), codeChallengeMethod: 'S256', prompt: 'login' });
    const [redemption, refresh] = server.journal.entries({ endpoint: ['token'] });
    expect(redemption?.credentials?.code).toBe(fingerprint(code));
    expect(redemption?.credentials?.issuedRefreshToken?.fingerprint).toBe(fingerprint(first.refresh_token as string));
    expect(redemption?.credentials?.issuedRefreshToken?.exp).toBe((redemption?.issued?.iat as number) + server.config.refreshTokenTtl);
    expect(refresh?.credentials?.refreshToken).toBe(fingerprint(first.refresh_token as string));
    expect(refresh?.credentials?.issuedRefreshToken?.fingerprint).not.toBe(refresh?.credentials?.refreshToken);
    // Revoking a refresh token ends its grant: the entry names both.
    const revoked = server.journal.entries({ endpoint: ['revoke'] })[0];
    expect(revoked).toMatchObject({ grant: redemption?.grant, credentials: { refreshToken: fingerprint(second.refresh_token as string) } });
    // Fingerprints only: no value of a code, token or state is in the journal.
    const written = JSON.stringify(server.journal.entries());
    for (const secret of [code, first.refresh_token as string, 'st-1', challenge]) expect(written).not.toContain(secret);
  });

  it('keeps what a request presented when a fault answers it before the token endpoint runs', async () => {
    server = await createServer({ port: 0, config: { clients: [{ id: 'web', secret: 'web-secret', grants: ['authorization_code', 'refresh_token'], redirectUris: [CALLBACK] }] } });
    server.faults.add({ preset: 'token.code_expired' });
    await token({ grant_type: 'authorization_code', code: 'AQIDBA-some-code', redirect_uri: CALLBACK });
    await server.settle();
    const refused = server.journal.entries({ endpoint: ['token'] })[0];
    expect(refused?.error).toBe('invalid_grant');
    expect(refused?.credentials).toEqual({ code: fingerprint('AQIDBA-some-code') });
  });

  it('records a user assertion\'s jti, iat and exp as sent, with its fingerprint', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    server = await createServer({
      port: 0,
      config: {
        users: [{ username: 'ada', password: 'lovelace' }],
        clients: [{ id: 'app', secret: 'app-secret', grants: [JWT_BEARER], jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' }] } }],
      },
    });
    const now = Math.floor(server.clock.nowSeconds());
    const assertion = await new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer('app').setSubject('ada').setAudience(server.urls.tokenUrl).setIssuedAt(now).setExpirationTime(now + 300).setJti('j-1').sign(privateKey);
    const answer = await token({ grant_type: JWT_BEARER, assertion }, basic('app', 'app-secret'));
    expect(answer.access_token).toBeTruthy();
    await server.settle();
    expect(server.journal.entries({ endpoint: ['token'] })[0]?.credentials).toEqual({ assertion: { fingerprint: fingerprint(assertion), jti: 'j-1', iat: now, exp: now + 300 } });
  });
});
