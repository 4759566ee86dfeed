/**
 * Odd but legal token responses (RFC 6749 §5.1 leaves room for them) and mutated tokens that a
 * careful resource server must refuse (FAULTS.md "invalid_token: expired, ... unknown key").
 */
import { describe, expect, it } from 'vitest';
import { decodePayload, expectFault, startFaultServer, type Reply } from './support.ts';

function expectInvalidToken(reply: Reply, description: RegExp): void {
  expect(reply.status, reply.text).toBe(401);
  const header = reply.headers.get('www-authenticate') as string;
  expect(header).toMatch(/^Bearer realm="understudy", error="invalid_token", error_description="[^"]+"$/);
  expect(reply.json.error).toBe('invalid_token');
  expect(reply.json.error_description).toMatch(description);
  expect(header).toContain(`error_description="${reply.json.error_description}"`);
}

describe('expires_in variants', () => {
  it('token.expires_in_missing: 200 without expires_in (the token still lives an hour)', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.expires_in_missing' });
    const reply = await s.token();
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.json)).toEqual(['access_token', 'token_type']);
    expect(reply.json).not.toHaveProperty('expires_in');
    const claims = decodePayload(reply.json.access_token);
    expect(claims.exp - claims.iat).toBe(3600);
    const entry = await s.lastEntry();
    expect(entry).toMatchObject({ status: 200, decision: 'issued' });
    expectFault(entry, id, 'token.expires_in_missing', 'token_response');
    expect(entry.faults?.[0]?.effect).toBe('token response altered: expiresIn="missing"');
  });

  it('token.expires_in_string: expires_in "3600" as a JSON string', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.expires_in_string' });
    const reply = await s.token();
    expect(reply.json.expires_in).toBe('3600');
    expect(reply.text).toContain('"expires_in":"3600"');
    expectFault(await s.lastEntry(), id, 'token.expires_in_string', 'token_response');
  });

  it('token.expires_in_zero: expires_in 0 for a token that lives an hour', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.expires_in_zero' });
    const reply = await s.token();
    expect(reply.json.expires_in).toBe(0);
    const claims = decodePayload(reply.json.access_token);
    expect(claims.exp - claims.iat).toBe(3600);
    // The token is valid on the API: only the response lies.
    expect((await s.api(reply.json.access_token)).status).toBe(200);
    expectFault((await s.journal())[0]!, id, 'token.expires_in_zero', 'token_response');
  });

  it('token.expires_in_short: 5 by default, or the seconds param', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.expires_in_short' });
    expect((await s.token()).json.expires_in).toBe(5);
    expectFault(await s.lastEntry(), id, 'token.expires_in_short', 'token_response');
    await s.deleteFault(id);
    await s.addFault({ preset: 'token.expires_in_short', params: { seconds: 1 } });
    expect((await s.token()).json.expires_in).toBe(1);
  });

  it('token.expires_in_mismatch: expires_in off from exp - iat by delta (default +600)', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.expires_in_mismatch' });
    const reply = await s.token();
    const claims = decodePayload(reply.json.access_token);
    expect(reply.json.expires_in).toBe(claims.exp - claims.iat + 600);
    expectFault(await s.lastEntry(), id, 'token.expires_in_mismatch', 'token_response');
    await s.deleteFault(id);
    await s.addFault({ preset: 'token.expires_in_mismatch', params: { delta: -3000 } });
    expect((await s.token()).json.expires_in).toBe(600);
  });
});

describe('token_type and scope', () => {
  it('token.lowercase_token_type: token_type "bearer"; the token works as Bearer', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.lowercase_token_type' });
    const reply = await s.token();
    expect(reply.json.token_type).toBe('bearer');
    expect(Object.keys(reply.json)).toEqual(['access_token', 'token_type', 'expires_in']);
    expectFault(await s.lastEntry(), id, 'token.lowercase_token_type', 'token_response');
    expect((await s.api(reply.json.access_token)).status).toBe(200);
  });

  const twoScopes = {
    resources: [{ name: 'demo-api', audience: 'https://api.understudy.test:443', scopes: ['read', 'write'] }],
    api: { routes: [{ name: 'writer', method: 'POST', path: '/write', scopes: ['write'] }] },
  };

  it('token.scope_narrowed: the response says the narrower scope, and the token carries only it', async () => {
    const s = await startFaultServer({ config: twoScopes });
    const id = await s.addFault({ preset: 'token.scope_narrowed' });
    const reply = await s.token({ form: { scope: 'read write' } });
    expect(reply.status).toBe(200);
    expect(reply.json.scope).toBe('read');
    expect(Object.keys(reply.json)).toEqual(['access_token', 'token_type', 'expires_in', 'scope']);
    expect(decodePayload(reply.json.access_token).scope).toBe('read');
    const entry = await s.lastEntry();
    expect(entry).toMatchObject({ scope: 'read write', grantedScope: 'read' });
    expectFault(entry, id, 'token.scope_narrowed', 'token_mutation');
    expect(entry.faults?.[0]?.effect).toBe('token mutated: dropScopes=1, announceScope=true');
    // The dropped scope is really missing: the route that needs it refuses with 403.
    const write = await s.api(reply.json.access_token, { path: '/write', method: 'POST' });
    expect(write.status).toBe(403);
    expect(write.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);
  });

  it('without the rule the same request is granted both scopes and says no scope member', async () => {
    const s = await startFaultServer({ config: twoScopes });
    const reply = await s.token({ form: { scope: 'read write' } });
    expect(decodePayload(reply.json.access_token).scope).toBe('read write');
    expect(reply.json).not.toHaveProperty('scope');
  });

  it('token.fewer_scopes: a narrower token without saying so', async () => {
    const s = await startFaultServer({ config: twoScopes });
    const id = await s.addFault({ preset: 'token.fewer_scopes' });
    const reply = await s.token({ form: { scope: 'read write' } });
    expect(reply.json).not.toHaveProperty('scope');
    expect(decodePayload(reply.json.access_token).scope).toBe('read');
    expectFault(await s.lastEntry(), id, 'token.fewer_scopes', 'token_mutation');
  });
});

describe('token.reissue_cached', () => {
  it('answers the same access token while it lives, expires_in shrinking with the virtual clock', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.reissue_cached' });
    const first = await s.token();
    const second = await s.token();
    expect(second.json.access_token).toBe(first.json.access_token);
    expect(first.json.expires_in).toBe(3600);
    expect(second.json.expires_in).toBeGreaterThanOrEqual(3599);

    await s.advance(100);
    const third = await s.token();
    expect(third.json.access_token).toBe(first.json.access_token);
    expect(third.json.expires_in).toBeGreaterThanOrEqual(3499);
    expect(third.json.expires_in).toBeLessThanOrEqual(3500);

    await s.advance(3000);
    const fourth = await s.token();
    expect(fourth.json.access_token).toBe(first.json.access_token);
    expect(fourth.json.expires_in).toBeLessThanOrEqual(500);
    expect(fourth.json.expires_in).toBeGreaterThanOrEqual(499);

    const entries = await s.journal();
    const jti = decodePayload(first.json.access_token).jti;
    expect(entries.map((e) => e.issued?.jti)).toEqual([jti, jti, jti, jti]);
    expect(entries[1]?.reason).toMatch(new RegExp(`^reissued cached token ${jti} to demo-client with \\d+s left$`));
    for (const entry of entries) expectFault(entry, id, 'token.reissue_cached', 'token_response');

    // Once it expired, a fresh token is issued (and cached in turn).
    await s.advance(500);
    const fresh = await s.token();
    expect(fresh.json.access_token).not.toBe(first.json.access_token);
    expect(fresh.json.expires_in).toBe(3600);
  });

  it('removing the rule forgets the cached token', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.reissue_cached' });
    const first = await s.token();
    await s.deleteFault(id);
    await s.addFault({ preset: 'token.reissue_cached', id });
    expect((await s.token()).json.access_token).not.toBe(first.json.access_token);
  });
});

describe('mutated tokens: the mock API refuses them with 401 invalid_token', () => {
  it('token.expired_token', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.expired_token' });
    const reply = await s.token();
    expect(reply.status).toBe(200);
    expect(reply.json.expires_in).toBe(3600);
    const claims = decodePayload(reply.json.access_token);
    const now = Math.floor((await s.send('/_understudy/clock')).json.now);
    expect(claims.exp).toBeLessThanOrEqual(now - 59);
    expectFault(await s.lastEntry(), id, 'token.expired_token', 'token_mutation');
    expectInvalidToken(await s.api(reply.json.access_token), /^The access token expired \d+s ago\.$/);
  });

  it('token.not_yet_valid: refused until nbf, accepted after the virtual clock passes it', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.not_yet_valid' });
    const reply = await s.token();
    const claims = decodePayload(reply.json.access_token);
    expect(claims.nbf).toBe(claims.iat + 300);
    expectFault(await s.lastEntry(), id, 'token.not_yet_valid', 'token_mutation');
    expectInvalidToken(await s.api(reply.json.access_token), /^The access token is not yet valid\.$/);
    await s.advance(301);
    expect((await s.api(reply.json.access_token)).status).toBe(200);
  });

  it('token.unknown_key', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.unknown_key' });
    const reply = await s.token();
    expectFault(await s.lastEntry(), id, 'token.unknown_key', 'token_mutation');
    const header = JSON.parse(Buffer.from(reply.json.access_token.split('.')[0], 'base64url').toString()) as { kid: string };
    expect(header.kid).toBe('UNKNOWN_SIGNING_KEY');
    const jwks = (await s.send('/admin/v1/SigningCert/jwk')).json as { keys: { kid: string }[] };
    expect(jwks.keys.map((k) => k.kid)).not.toContain(header.kid);
    expectInvalidToken(await s.api(reply.json.access_token), /^The access token is signed by an unknown key\.$/);
  });

  it('token.wrong_audience', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.wrong_audience' });
    const reply = await s.token();
    expect(decodePayload(reply.json.access_token).aud).toEqual(['https://elsewhere.example.test:443']);
    expectFault(await s.lastEntry(), id, 'token.wrong_audience', 'token_mutation');
    expectInvalidToken(await s.api(reply.json.access_token), /^The access token is not intended for this resource \(aud\)\.$/);
  });

  it('token.wrong_issuer', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.wrong_issuer', params: { issuer: 'https://evil.example.test/' } });
    const reply = await s.token();
    expect(decodePayload(reply.json.access_token).iss).toBe('https://evil.example.test/');
    expectFault(await s.lastEntry(), id, 'token.wrong_issuer', 'token_mutation');
    expectInvalidToken(await s.api(reply.json.access_token), /^The access token was issued by another issuer\.$/);
  });

  it('a token issued before the rule was added is unaffected', async () => {
    const s = await startFaultServer();
    const good = await s.accessToken();
    await s.addFault({ preset: 'token.unknown_key' });
    expect((await s.api(good)).status).toBe(200);
  });
});
