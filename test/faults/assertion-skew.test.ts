/**
 * FAULTS.md "client-assertion clock skew": a server whose clock runs ahead judges a client
 * assertion expired (RFC 7523 §3: exp must be in the future); the client gets invalid_client.
 */
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { expectFault, FORM, read, startFaultServer } from './support.ts';

async function assertionClient() {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
  return { jwk, privateKey };
}

describe('token.assertion_clock_skew', () => {
  it('an assertion valid for 60 s is refused while the server clock is 300 s ahead, and accepted once the rule is removed', async () => {
    const { jwk, privateKey } = await assertionClient();
    const s = await startFaultServer({ config: { clients: [{ id: 'jwt-app', authMethod: 'private_key_jwt', jwks: { keys: [jwk] } }] } });
    const assertion = (jti: string) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer('jwt-app')
        .setSubject('jwt-app')
        .setAudience(s.tokenUrl)
        .setJti(jti)
        .setIssuedAt(Math.floor(s.server.clock.nowSeconds()))
        .setExpirationTime(s.server.clock.nowSeconds() + 60)
        .sign(privateKey);
    const request = async (jti: string) =>
      read(
        await fetch(s.tokenUrl, {
          method: 'POST',
          headers: { 'content-type': FORM },
          body: new URLSearchParams({
            grant_type: 'client_credentials',
            client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
            client_assertion: await assertion(jti),
          }),
        }),
      );

    const id = await s.addFault({ preset: 'token.assertion_clock_skew' });
    const refused = await request('a-1');
    expect(refused.status).toBe(401);
    expect(refused.json).toMatchObject({ error: 'invalid_client', error_description: 'Client authentication failed.' });
    const entry = await s.lastEntry();
    expectFault(entry, id, 'token.assertion_clock_skew', 'clock_skew');
    expect(entry.faults?.[0]?.effect).toBe('clock 300s ahead for client assertions');
    expect(entry.reason).toMatch(/expired/);
    expect(entry.clientId).toBe('jwt-app');

    await s.deleteFault(id);
    expect((await request('a-2')).status).toBe(200);
  });
});
