/**
 * openid-client v6 completes the authorization code flow with PKCE against understudy, the way
 * its README shows it: discovery, buildAuthorizationUrl, (a person signs in), authorizationCodeGrant
 * with the ID token verified against the JWKS, fetchUserInfo, refreshTokenGrant, buildEndSessionUrl.
 */
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type ProfileName, type UnderstudyServer } from '../../server/index.ts';
import { HttpPerson } from '../support/http-person.ts';
import { openidAuthorization } from '../support/openid-sign-in.ts';

const REDIRECT = 'http://127.0.0.1:7999/callback';
const SIGNED_OUT = 'http://127.0.0.1:7999/signed-out';

describe.each<ProfileName>(['idcs', 'rfc9068'])('openid-client authorization code + PKCE (%s profile)', (profile) => {
  let server: UnderstudyServer;
  let config: client.Configuration;

  beforeAll(async () => {
    server = await createServer({
      port: 0,
      profile,
      config: {
        users: [{ username: 'ada', password: 'lovelace', displayName: 'Ada Lovelace', email: 'ada@example.test' }],
        clients: [
          { id: 'web-app', secret: 'web-secret', grants: ['authorization_code', 'refresh_token'], redirectUris: [REDIRECT], postLogoutRedirectUris: [SIGNED_OUT] },
        ],
      },
    });
    const discovery = profile === 'idcs' ? new URL('/.well-known/openid-configuration', server.url) : new URL(server.url);
    config = await client.discovery(discovery, 'web-app', 'web-secret', undefined, { execute: [client.allowInsecureRequests] });
    // Verify the ID token's signature against the discovered JWKS too (openid-client skips it by
    // default for an ID token from the token endpoint, OIDC Core §3.1.3.7 item 6).
    client.enableNonRepudiationChecks(config);
  });
  afterAll(() => server.close());

  it('signs in, redeems the code, verifies the ID token, reads userinfo, rotates the refresh token and logs out', async () => {
    const scope = profile === 'idcs' ? 'openid profile email offline_access https://api.understudy.test:443urn:opc:resource:consumer::all' : 'openid profile email offline_access';
    const { url, verifier, state, nonce } = await openidAuthorization(config, REDIRECT, scope);
    const person = new HttpPerson(server.url);
    const callback = await person.signIn(url);
    expect(callback.startsWith(REDIRECT)).toBe(true);
    expect(person.steps.map((s) => s.page).filter(Boolean)).toEqual(['Sign In', 'Allow access']);

    const tokens = await client.authorizationCodeGrant(config, new URL(callback), { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
    const claims = tokens.claims();
    expect(claims?.sub).toBe('ada');
    expect(claims?.nonce).toBe(nonce);
    expect(tokens.refresh_token).toBeDefined();

    const info = await client.fetchUserInfo(config, tokens.access_token, 'ada');
    expect(info.email).toBe('ada@example.test');

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token as string);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token as string)).rejects.toMatchObject({ error: 'invalid_grant' });

    const logout = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token as string, post_logout_redirect_uri: SIGNED_OUT, state: 'bye' });
    const answer = await person.request('GET', logout.href);
    expect(answer.status).toBe(302);
    expect(answer.headers.get('location')).toBe(`${SIGNED_OUT}?state=bye`);
    const steps = server.journal.entries().map((e) => e.interaction).filter(Boolean);
    expect(steps).toEqual(['login_required', 'login_shown', 'login_succeeded', 'consent_shown', 'consent_given', 'code_redeemed', 'signed_out']);
    // One grant id ties the sign-in's steps, the redemption and both refreshes (the refused reuse too).
    const signIn = server.journal.entries().filter((e) => ['authorize', 'login', 'consent', 'token'].includes(e.endpoint));
    expect(new Set(signIn.map((e) => e.grant)).size).toBe(1);
    expect(signIn[0]?.grant).toMatch(/^[0-9a-f-]{36}$/);
  });
});
