/**
 * openid-client as the sign-in tests drive it: an authorization URL with fresh PKCE, state and
 * nonce, and the dashboard tests' two sign-ins (a refused login, then the whole flow).
 */
import * as client from 'openid-client';
import { HttpPerson } from './http-person.ts';

/** What a fresh authorization request carries, to check the callback and redeem its code with. */
export interface Authorization {
  url: string;
  verifier: string;
  state: string;
  nonce: string;
}

/** An authorization URL with a new S256 challenge, state and nonce (openid-client's helpers). */
export async function openidAuthorization(config: client.Configuration, redirectUri: string, scope: string): Promise<Authorization> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return { url: url.href, verifier, state, nonce };
}

/**
 * Against a server with the embedded `web-app` client and the user ada: a login with a wrong
 * password, then a full sign-in (code, token, userinfo, refresh, logout). Returns the logout's answer.
 */
export async function failedThenFullSignIn(serverUrl: string, urls: { redirect: string; signedOut: string }): Promise<Response> {
  const config = await client.discovery(new URL('/.well-known/openid-configuration', serverUrl), 'web-app', 'web-secret', undefined, { execute: [client.allowInsecureRequests] });
  const started = await openidAuthorization(config, urls.redirect, 'openid profile offline_access');
  await expectRefused(new HttpPerson(serverUrl).signIn(started.url, { password: 'wrong' }));
  const person = new HttpPerson(serverUrl);
  const callback = await person.signIn(started.url);
  const tokens = await client.authorizationCodeGrant(config, new URL(callback), { pkceCodeVerifier: started.verifier, expectedState: started.state, expectedNonce: started.nonce });
  await client.fetchUserInfo(config, tokens.access_token, 'ada');
  await client.refreshTokenGrant(config, tokens.refresh_token as string);
  return person.request('GET', client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token as string, post_logout_redirect_uri: urls.signedOut }).href);
}

async function expectRefused(signIn: Promise<string>): Promise<void> {
  const outcome = await signIn.then(
    () => undefined,
    (error: Error) => error,
  );
  if (!outcome || !/login refused/.test(outcome.message)) throw new Error(`the wrong password was not refused: ${outcome?.message ?? 'signed in'}`);
}
