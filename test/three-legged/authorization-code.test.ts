/**
 * The authorization code flow's rules, over HTTP against the real server: single-use codes on the
 * virtual clock (a reuse revokes what the code gave, RFC 6749 §4.1.2), redirect_uri (§4.1.3,
 * IDCS's leniency under the idcs profile), PKCE (RFC 7636, public clients), sessions and prompts
 * (OpenID Connect Core §3.1.2.1), consent memory, refresh tokens dying after refreshTokenTtl of
 * virtual time, the ID token's IDCS claims, userinfo and logout refusals.
 */
import { createHash } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type UnderstudyConfig, type UnderstudyServer } from '../../server/index.ts';
import { HttpPerson } from '../support/http-person.ts';

const CALLBACK = 'http://127.0.0.1:7999/callback';
const VERIFIER = 'v'.repeat(43);
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');
const CONFIG: UnderstudyConfig = {
  users: [{ username: 'ada', password: 'lovelace', displayName: 'Ada Lovelace', email: 'ada@example.test', groups: ['Payroll'] }],
  clients: [
    { id: 'web', secret: 'web-secret', name: 'Payroll Web', grants: ['authorization_code', 'refresh_token'], redirectUris: [CALLBACK, '/local-callback'], postLogoutRedirectUris: [CALLBACK] },
    { id: 'spa', public: true, grants: ['authorization_code', 'refresh_token'], redirectUris: [CALLBACK] },
    { id: 'quiet', secret: 'quiet-secret', grants: ['authorization_code'], redirectUris: [CALLBACK], requireConsent: false },
    { id: 'cc', secret: 'cc-secret' },
  ],
};

let server: UnderstudyServer;
afterEach(() => server?.close());

async function start(profile: 'idcs' | 'rfc9068' = 'idcs', extra: UnderstudyConfig = {}): Promise<UnderstudyServer> {
  server = await createServer({ port: 0, profile, config: { ...CONFIG, ...extra } });
  return server;
}

function authorizeUrl(params: Record<string, string>): string {
  return `${server.urls.authorizeUrl}?${new URLSearchParams({ client_id: 'web', response_type: 'code', redirect_uri: CALLBACK, scope: 'openid offline_access', state: 's1', ...params })}`;
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

/** A token request; `null` sends no Authorization header (a public client). */
async function token(params: Record<string, string>, auth: string | null = basic('web', 'web-secret')) {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (auth) headers.authorization = auth;
  const response = await fetch(server.urls.tokenUrl, { method: 'POST', headers, body: new URLSearchParams(params) });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

async function codeFor(person: HttpPerson, params: Record<string, string> = {}): Promise<string> {
  const callback = new URL(await person.signIn(authorizeUrl(params)));
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code: ${callback.href}`);
  return code;
}

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1] as string, 'base64url').toString()) as Record<string, unknown>;
const lastToken = () => server.journal.entries({ endpoint: ['token'] }).at(-1);

describe('authorization codes', () => {
  it('are IDCS-shaped, single use, and a reused code revokes the access and refresh tokens it gave', async () => {
    await start();
    const code = await codeFor(new HttpPerson(server.url));
    // Bytes 01..05 and 64 random ones: base64 "AQIDBA" then a character the random bytes decide.
    expect(code).toMatch(/^AQIDBA[A-Za-z0-9_-]+=$/);
    expect(code).toHaveLength(128);
    const first = await token({ grant_type: 'authorization_code', code });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(Object.keys(first.body)).toEqual(['access_token', 'token_type', 'expires_in', 'id_token', 'refresh_token']);

    const again = await token({ grant_type: 'authorization_code', code });
    expect(again).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: 'The authorization code has already been used.' } });
    expect(lastToken()?.reason).toMatch(/code reused .* revoked its grant: its refresh tokens and 1 access token/);
    const introspected = await fetch(server.urls.introspectUrl, {
      method: 'POST',
      headers: { authorization: basic('web', 'web-secret'), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: first.body.access_token as string }),
    });
    expect(await introspected.json()).toMatchObject({ active: false });
    expect(await token({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token as string })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('expire after authorizationCodeTtl seconds of virtual time', async () => {
    await start('idcs', { authorizationCodeTtl: 60 });
    const code = await codeFor(new HttpPerson(server.url));
    server.clock.advance(61);
    expect(await token({ grant_type: 'authorization_code', code })).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: 'The authorization code has expired.' } });
  });

  it('belong to the client they were issued to', async () => {
    await start();
    const code = await codeFor(new HttpPerson(server.url));
    expect(await token({ grant_type: 'authorization_code', code }, basic('quiet', 'quiet-secret'))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    // The other client's attempt did not use the code up.
    expect((await token({ grant_type: 'authorization_code', code })).status).toBe(200);
  });

  it('idcs: redirect_uri may be left out of the redemption (Oracle documents it so) but must match when sent', async () => {
    await start();
    const person = new HttpPerson(server.url);
    expect((await token({ grant_type: 'authorization_code', code: await codeFor(person) })).status).toBe(200);
    const code = await codeFor(person);
    expect(await token({ grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1:7999/other' })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('rfc9068: a redemption must repeat the redirect_uri of the request (RFC 6749 §4.1.3)', async () => {
    await start('rfc9068');
    const person = new HttpPerson(server.url);
    const code = await codeFor(person);
    expect(await token({ grant_type: 'authorization_code', code })).toMatchObject({ status: 400, body: { error: 'invalid_request', error_description: "missing required parameter 'redirect_uri'" } });
    expect((await token({ grant_type: 'authorization_code', code: await codeFor(person), redirect_uri: CALLBACK })).status).toBe(200);
  });

  it('a registered path is on the server itself, sent as the path or as the absolute URL', async () => {
    await start();
    // The person follows only understudy's sign-in pages (under /ui/), so it stops at the callback on the server.
    const person = new HttpPerson(`${server.url}/ui/`);
    for (const sent of ['/local-callback', `${server.url}/local-callback`]) {
      const callback = new URL(await person.signIn(authorizeUrl({ redirect_uri: sent })));
      expect(callback.origin + callback.pathname).toBe(`${server.url}/local-callback`);
      const code = callback.searchParams.get('code') as string;
      expect((await token({ grant_type: 'authorization_code', code, redirect_uri: sent })).status).toBe(200);
    }
    const unregistered = await fetch(authorizeUrl({ redirect_uri: '/elsewhere' }), { redirect: 'manual' });
    expect(unregistered.status).toBe(400);
  });
});

describe('PKCE (RFC 7636)', () => {
  it('a public client must send an S256 challenge and redeem with the verifier and no secret', async () => {
    await start();
    const person = new HttpPerson(server.url);
    const refused = new URL(await person.signIn(authorizeUrl({ client_id: 'spa' })));
    expect(Object.fromEntries(refused.searchParams)).toMatchObject({ error: 'invalid_request', error_description: 'Authorization Server policy requires PKCE to be used for this request', state: 's1' });
    const plain = new URL(await person.signIn(authorizeUrl({ client_id: 'spa', code_challenge: VERIFIER, code_challenge_method: 'plain' })));
    expect(plain.searchParams.get('error')).toBe('invalid_request');

    const code = await codeFor(person, { client_id: 'spa', code_challenge: CHALLENGE, code_challenge_method: 'S256' });
    expect(await token({ grant_type: 'authorization_code', code, client_id: 'spa', code_verifier: 'w'.repeat(43) }, null)).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: 'PKCE verification failed' } });
    const code2 = await codeFor(person, { client_id: 'spa', code_challenge: CHALLENGE, code_challenge_method: 'S256' });
    const ok = await token({ grant_type: 'authorization_code', code: code2, client_id: 'spa', code_verifier: VERIFIER, redirect_uri: CALLBACK }, null);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    // The public client refreshes with client_id alone.
    expect((await token({ grant_type: 'refresh_token', refresh_token: ok.body.refresh_token as string, client_id: 'spa' }, null)).status).toBe(200);
  });

  it('a verifier for a code that had no challenge is refused (RFC 9700 §2.1.1), and a missing verifier for one that had', async () => {
    await start();
    const person = new HttpPerson(server.url);
    expect(await token({ grant_type: 'authorization_code', code: await codeFor(person), code_verifier: VERIFIER })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const code = await codeFor(person, { code_challenge: CHALLENGE, code_challenge_method: 'S256' });
    expect(await token({ grant_type: 'authorization_code', code })).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: 'PKCE verification failed' } });
  });
});

describe('sessions, prompts and consent', () => {
  it('a second authorization in the same browser skips the login and, consent given, the consent page', async () => {
    await start();
    const person = new HttpPerson(server.url);
    await codeFor(person);
    const before = person.steps.length;
    await codeFor(person);
    expect(person.steps.slice(before).map((s) => s.page).filter(Boolean)).toEqual([]);
    // More scope than consented: asked again, and only for consent.
    await codeFor(person, { scope: 'openid profile email' });
    expect(person.steps.slice(before).map((s) => s.page).filter(Boolean)).toEqual(['Allow access']);
  });

  it('prompt=login asks for the login again, prompt=consent for the consent, prompt=none answers login_required without a session', async () => {
    await start();
    const person = new HttpPerson(server.url);
    const none = new URL(await person.signIn(authorizeUrl({ prompt: 'none' })));
    expect(Object.fromEntries(none.searchParams)).toMatchObject({ error: 'login_required', state: 's1' });
    await codeFor(person);
    let mark = person.steps.length;
    await codeFor(person, { prompt: 'login' });
    expect(person.steps.slice(mark).map((s) => s.page).filter(Boolean)).toEqual(['Sign In']);
    mark = person.steps.length;
    await codeFor(person, { prompt: 'consent' });
    expect(person.steps.slice(mark).map((s) => s.page).filter(Boolean)).toEqual(['Allow access']);
    expect((await codeFor(person, { prompt: 'none' })).length).toBe(128);
    const wider = new URL(await person.signIn(authorizeUrl({ prompt: 'none', scope: 'openid groups' })));
    expect(wider.searchParams.get('error')).toBe('consent_required');
  });

  it('the session ends after sessionTtl of virtual time, and max_age asks for a fresher login', async () => {
    await start('idcs', { sessionTtl: 600 });
    const person = new HttpPerson(server.url);
    await codeFor(person);
    server.clock.advance(120);
    let mark = person.steps.length;
    await codeFor(person, { max_age: '60' });
    expect(person.steps.slice(mark).map((s) => s.page).filter(Boolean)).toEqual(['Sign In']);
    server.clock.advance(601);
    const none = new URL(await person.signIn(authorizeUrl({ prompt: 'none' })));
    expect(none.searchParams.get('error')).toBe('login_required');
    mark = person.steps.length;
    await codeFor(person);
    expect(person.steps.slice(mark).map((s) => s.page).filter(Boolean)).toEqual(['Sign In']);
  });

  it('denying consent or cancelling the login answers access_denied with the state; withdrawn consent is asked again', async () => {
    await start();
    const denied = new URL(await new HttpPerson(server.url, { consent: 'deny' }).signIn(authorizeUrl({})));
    expect(Object.fromEntries(denied.searchParams)).toMatchObject({ error: 'access_denied', state: 's1' });
    const cancelled = new URL(await new HttpPerson(server.url, { cancelLogin: true }).signIn(authorizeUrl({})));
    expect(cancelled.searchParams.get('error')).toBe('access_denied');
    expect(server.journal.entries().map((e) => e.interaction).filter((s) => s === 'consent_denied')).toHaveLength(1);

    const person = new HttpPerson(server.url);
    await codeFor(person);
    const answer = await fetch(`${server.urls.controlUrl}/consents/withdraw`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'ada', clientId: 'web' }) });
    expect(answer.status).toBe(200);
    const mark = person.steps.length;
    await codeFor(person);
    expect(person.steps.slice(mark).map((s) => s.page).filter(Boolean)).toEqual(['Allow access']);
  });

  it('a wrong password is journaled as a failed login and the page asks again', async () => {
    await start();
    await expect(new HttpPerson(server.url, { password: 'nope' }).signIn(authorizeUrl({}))).rejects.toThrow(/login refused/);
    const failed = server.journal.entries({ endpoint: ['login'] }).find((e) => e.interaction === 'login_failed');
    expect(failed).toMatchObject({ decision: 'rejected', user: 'ada', reason: 'wrong password for ada' });
  });
});

describe('refresh tokens of a sign-in', () => {
  it('rotate, answer a new ID token of the same sign-in, and die after refreshTokenTtl of virtual time', async () => {
    await start();
    const first = await token({ grant_type: 'authorization_code', code: await codeFor(new HttpPerson(server.url)) });
    const authTime = claimsOf(first.body.id_token as string).auth_time;
    server.clock.advance(6 * 86_400);
    const second = await token({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token as string });
    expect(second.status).toBe(200);
    expect(claimsOf(second.body.id_token as string)).toMatchObject({ auth_time: authTime, sub: 'ada' });
    expect(claimsOf(second.body.id_token as string).nonce).toBeUndefined();
    server.clock.advance(604_801);
    expect(await token({ grant_type: 'refresh_token', refresh_token: second.body.refresh_token as string })).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: 'The refresh token has expired.' } });
  });

  it('come only with offline_access, for a client with the refresh_token grant', async () => {
    await start();
    const reply = await token({ grant_type: 'authorization_code', code: await codeFor(new HttpPerson(server.url), { scope: 'openid' }) });
    expect(Object.keys(reply.body)).toEqual(['access_token', 'token_type', 'expires_in', 'id_token']);
  });
});

describe('the ID token', () => {
  it('idcs: IDCS claims, aud [issuer, client], tok_type IT, exp the session end, at_hash of the access token, the nonce, signed like access tokens', async () => {
    await start();
    const reply = await token({ grant_type: 'authorization_code', code: await codeFor(new HttpPerson(server.url), { nonce: 'n-0S6_WzA2Mj' }) });
    const idToken = reply.body.id_token as string;
    const jwks = createLocalJWKSet((await (await fetch(server.urls.jwksUrl)).json()) as { keys: [] });
    const { payload } = await jwtVerify(idToken, jwks, { issuer: server.urls.issuer, audience: 'web' });
    expect(payload).toMatchObject({ sub: 'ada', tok_type: 'IT', azp: 'web', nonce: 'n-0S6_WzA2Mj', user_displayname: 'Ada Lovelace', aud: [server.urls.issuer, 'web'] });
    expect(payload.exp).toBe(payload.session_exp);
    expect(payload.exp).toBe((payload.auth_time as number) + 28_800);
    expect(payload.sid).toMatch(/^[0-9a-f]{32}:[0-9a-f]{6}$/);
    const digest = createHash('sha256').update(reply.body.access_token as string).digest();
    expect(payload.at_hash).toBe(digest.subarray(0, 16).toString('base64url'));
    expect(Object.keys(decodeProtectedHeader(idToken))).toEqual(['x5t#S256', 'x5t', 'kid', 'alg']);
  });

  it('rfc9068: OpenID Connect Core claims, aud the client', async () => {
    await start('rfc9068');
    const reply = await token({ grant_type: 'authorization_code', code: await codeFor(new HttpPerson(server.url)), redirect_uri: CALLBACK });
    expect(claimsOf(reply.body.id_token as string)).toMatchObject({ iss: server.urls.issuer, sub: 'ada', aud: 'web' });
  });
});

describe('userinfo', () => {
  it("idcs: the user's profile claims in alphabetical order, email with the email scope", async () => {
    await start();
    const reply = await token({ grant_type: 'authorization_code', code: await codeFor(new HttpPerson(server.url), { scope: 'openid email groups' }) });
    const answer = await fetch(server.urls.userinfoUrl, { headers: { authorization: `Bearer ${reply.body.access_token}` } });
    const body = (await answer.json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual([...Object.keys(body)].sort());
    expect(body).toMatchObject({ sub: 'ada', name: 'Ada Lovelace', preferred_username: 'ada', email: 'ada@example.test', email_verified: true, groups: [{ name: 'Payroll' }] });
  });

  it('refuses a missing, expired or non-openid token with RFC 6750 challenges', async () => {
    await start();
    expect((await fetch(server.urls.userinfoUrl)).status).toBe(401);
    const cc = await token({ grant_type: 'client_credentials' }, basic('cc', 'cc-secret'));
    const notOpenid = await fetch(server.urls.userinfoUrl, { headers: { authorization: `Bearer ${cc.body.access_token}` } });
    expect(notOpenid.status).toBe(403);
    expect(notOpenid.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    const user = await token({ grant_type: 'authorization_code', code: await codeFor(new HttpPerson(server.url)) });
    server.clock.advance(3601);
    const expired = await fetch(server.urls.userinfoUrl, { headers: { authorization: `Bearer ${user.body.access_token}` } });
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });
});

describe('logout', () => {
  it('ends the session: the next authorization asks for the login', async () => {
    await start();
    const person = new HttpPerson(server.url);
    const reply = await token({ grant_type: 'authorization_code', code: await codeFor(person) });
    const out = await person.request('GET', `${server.urls.logoutUrl}?${new URLSearchParams({ id_token_hint: reply.body.id_token as string, post_logout_redirect_uri: CALLBACK, state: 'bye' })}`);
    expect(out.status).toBe(302);
    expect(out.headers.get('location')).toBe(`${CALLBACK}?state=bye`);
    expect(server.journal.entries({ endpoint: ['logout'] }).at(-1)).toMatchObject({ interaction: 'signed_out', user: 'ada', reason: `ended the session of ada; sent back to ${CALLBACK}` });
    const mark = person.steps.length;
    await codeFor(person);
    expect(person.steps.slice(mark).map((s) => s.page).filter(Boolean)).toEqual(['Sign In']);
  });

  it('refuses a post_logout_redirect_uri without id_token_hint, or one the client did not register, and never redirects there', async () => {
    await start();
    const person = new HttpPerson(server.url);
    const reply = await token({ grant_type: 'authorization_code', code: await codeFor(person) });
    const bare = await person.request('GET', `${server.urls.logoutUrl}?post_logout_redirect_uri=${encodeURIComponent(CALLBACK)}`);
    expect(bare.status).toBe(400);
    expect(bare.headers.get('location')).toBeNull();
    const foreign = await person.request('GET', `${server.urls.logoutUrl}?${new URLSearchParams({ id_token_hint: reply.body.id_token as string, post_logout_redirect_uri: 'https://evil.example/' })}`);
    expect(foreign.status).toBe(400);
    expect(foreign.headers.get('location')).toBeNull();
    const page = await person.request('GET', server.urls.logoutUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('You are signed out');
  });
});

describe('pages', () => {
  it("the login page's form-action allows the redirect's origin, or a native app's scheme, never its path", async () => {
    await start('idcs', { clients: [...(CONFIG.clients ?? []), { id: 'native', public: true, grants: ['authorization_code'], redirectUris: ['com.example.app:/oauth2redirect', 'http://127.0.0.1:7999/cb;x'] }] });
    const person = new HttpPerson(server.url);
    for (const [redirect, allowed] of [['com.example.app:/oauth2redirect', 'com.example.app:'], ['http://127.0.0.1:7999/cb;x', 'http://127.0.0.1:7999']]) {
      const first = await person.request('GET', authorizeUrl({ client_id: 'native', redirect_uri: redirect as string, code_challenge: CHALLENGE, code_challenge_method: 'S256' }));
      const page = await person.request('GET', new URL(first.headers.get('location') as string, server.url).href);
      expect(page.headers.get('content-security-policy')).toContain(`form-action 'self' ${allowed};`);
    }
  });

  it('a browser asking for /favicon.ico gets 204 and leaves no journal entry', async () => {
    await start();
    const before = server.journal.entries().length;
    expect((await fetch(`${server.url}/favicon.ico`)).status).toBe(204);
    await server.settle();
    expect(server.journal.entries()).toHaveLength(before);
  });
});

describe('the authorization endpoint refuses without redirecting when the redirect cannot be trusted', () => {
  it('idcs: an unregistered redirect_uri gets IDCS JSON body with the ECID in the description', async () => {
    await start();
    const answer = await fetch(authorizeUrl({ redirect_uri: 'https://evil.example/cb' }), { redirect: 'manual' });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('location')).toBeNull();
    const body = (await answer.json()) as Record<string, string>;
    expect(body.error).toBe('invalid_redirect_uri');
    expect(body.error_description).toMatch(/^Client web requested an invalid redirect URL: https:\/\/evil\.example\/cb\. ECID: \S+$/);
  });

  it('rfc9068: an unknown client gets an HTML page under a strict CSP', async () => {
    await start('rfc9068');
    const answer = await fetch(authorizeUrl({ client_id: 'nobody' }), { redirect: 'manual' });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toContain('text/html');
    expect(answer.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(await answer.text()).toContain('invalid_client');
  });
});

describe('found in review', () => {
  it('the consent page cannot stand in for a login the request demands (prompt=login, max_age=0)', async () => {
    await start();
    const person = new HttpPerson(server.url);
    await codeFor(person);
    for (const demand of [{ prompt: 'login' }, { max_age: '0' }] as Record<string, string>[]) {
      const first = await person.request('GET', authorizeUrl(demand));
      const login = new URL(first.headers.get('location') as string, server.url);
      expect(login.pathname).toBe('/ui/v1/signin');
      const interaction = login.searchParams.get('interaction') as string;
      const skipped = await person.request('POST', `${server.url}/ui/v1/myconsole/consent`, new URLSearchParams({ interaction, action: 'allow' }));
      expect(skipped.status).toBe(303);
      expect(new URL(skipped.headers.get('location') as string, server.url).pathname).toBe('/ui/v1/signin');
    }
  });

  it('max_age: exactly max_age seconds after the login is fresh enough, one more is not (OIDC Core §3.1.2.1 "greater than")', async () => {
    await start();
    server.clock.freeze();
    const person = new HttpPerson(server.url);
    await codeFor(person);
    server.clock.advance(60);
    let mark = person.steps.length;
    await codeFor(person, { max_age: '60' });
    expect(person.steps.slice(mark).map((s) => s.page).filter(Boolean)).toEqual([]);
    server.clock.advance(1);
    mark = person.steps.length;
    await codeFor(person, { max_age: '60' });
    expect(person.steps.slice(mark).map((s) => s.page).filter(Boolean)).toEqual(['Sign In']);
  });

  it('a session that ends between the login and the consent sends the browser back to the login', async () => {
    await start('idcs', { sessionTtl: 600 });
    const person = new HttpPerson(server.url);
    const login = new URL((await person.request('GET', authorizeUrl({}))).headers.get('location') as string, server.url);
    const interaction = login.searchParams.get('interaction') as string;
    const consent = await person.request('POST', `${server.url}/ui/v1/signin`, new URLSearchParams({ interaction, action: 'login', username: 'ada', password: 'lovelace' }));
    expect(new URL(consent.headers.get('location') as string, server.url).pathname).toBe('/ui/v1/myconsole/consent');
    server.clock.advance(601);
    const answer = await person.request('POST', `${server.url}/ui/v1/myconsole/consent`, new URLSearchParams({ interaction, action: 'allow' }));
    expect(new URL(answer.headers.get('location') as string, server.url).pathname).toBe('/ui/v1/signin');
  });

  it('two sign-ins at once in one browser do not spoil each other', async () => {
    await start();
    const person = new HttpPerson(server.url);
    const first = new URL((await person.request('GET', authorizeUrl({ state: 'one' }))).headers.get('location') as string, server.url);
    const second = new URL((await person.request('GET', authorizeUrl({ client_id: 'quiet', state: 'two' }))).headers.get('location') as string, server.url);
    for (const [login, state] of [[first, 'one'], [second, 'two']] as const) {
      const interaction = login.searchParams.get('interaction') as string;
      const answer = await person.request('POST', `${server.url}/ui/v1/signin`, new URLSearchParams({ interaction, action: 'login', username: 'ada', password: 'lovelace' }));
      expect(answer.status, state).toBe(303);
      const next = new URL(answer.headers.get('location') as string, server.url);
      expect(next.pathname === '/ui/v1/myconsole/consent' || next.searchParams.get('state') === state, `${state}: ${next.href}`).toBe(true);
    }
  });

  it('two redemptions of one code at once: one is refused, and the tokens of the other are revoked too', async () => {
    await start();
    const code = await codeFor(new HttpPerson(server.url));
    const [a, b] = await Promise.all([token({ grant_type: 'authorization_code', code }), token({ grant_type: 'authorization_code', code })]);
    const winner = a.status === 200 ? a : b;
    expect([a.status, b.status].sort()).toEqual([200, 400]);
    const introspected = await fetch(server.urls.introspectUrl, {
      method: 'POST',
      headers: { authorization: basic('web', 'web-secret'), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: winner.body.access_token as string }),
    });
    expect(await introspected.json()).toMatchObject({ active: false });
    expect((await token({ grant_type: 'refresh_token', refresh_token: winner.body.refresh_token as string })).status).toBe(400);
  });

  it("a used code presented without the PKCE verifier revokes nothing: a leaked code alone cannot end the user's grant", async () => {
    await start();
    const code = await codeFor(new HttpPerson(server.url), { client_id: 'spa', code_challenge: CHALLENGE, code_challenge_method: 'S256' });
    const first = await token({ grant_type: 'authorization_code', code, client_id: 'spa', code_verifier: VERIFIER, redirect_uri: CALLBACK }, null);
    expect(first.status).toBe(200);
    expect(await token({ grant_type: 'authorization_code', code, client_id: 'spa', redirect_uri: CALLBACK }, null)).toMatchObject({ status: 400, body: { error_description: 'PKCE verification failed' } });
    expect((await token({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token as string, client_id: 'spa' }, null)).status).toBe(200);
  });

  it("a public client may introspect only its own tokens", async () => {
    await start();
    const cc = await token({ grant_type: 'client_credentials' }, basic('cc', 'cc-secret'));
    const answer = await fetch(server.urls.introspectUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ client_id: 'spa', token: cc.body.access_token as string }) });
    expect(await answer.json()).toEqual({ active: false });
  });

  it('id_token_hint must be an ID token, of the user signed in', async () => {
    await start();
    const person = new HttpPerson(server.url);
    const tokens = await token({ grant_type: 'authorization_code', code: await codeFor(person) });
    const withAccessToken = await person.request('GET', `${server.urls.logoutUrl}?${new URLSearchParams({ id_token_hint: tokens.body.access_token as string, post_logout_redirect_uri: CALLBACK })}`);
    expect(withAccessToken.status).toBe(400);
    expect(server.journal.entries({ endpoint: ['logout'] }).at(-1)?.reason).toMatch(/not an ID token/);
  });

  it('CORS: a page of another origin may redeem, refresh and read userinfo (preflight answered), not drive the login', async () => {
    await start();
    const preflight = await fetch(server.urls.userinfoUrl, { method: 'OPTIONS', headers: { origin: 'http://127.0.0.1:5173', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('authorization');
    const answer = await fetch(server.urls.tokenUrl, { method: 'POST', headers: { origin: 'http://127.0.0.1:5173', 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=authorization_code&client_id=spa&code=x' });
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    const authorize = await fetch(authorizeUrl({}), { headers: { origin: 'http://127.0.0.1:5173' }, redirect: 'manual' });
    expect(authorize.headers.get('access-control-allow-origin')).toBeNull();
  });
});
