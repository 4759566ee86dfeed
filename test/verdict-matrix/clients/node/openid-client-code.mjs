// openid-client 6.8.9 as an authorization code + refresh token + OpenID Connect relying party, used as
// its README shows: "Quick start" (client.discovery), "Authorization Code Flow" (a PKCE verifier for
// every redirect, `state` only if !supportsPKCE(), client.buildAuthorizationUrl, then
// client.authorizationCodeGrant with pkceCodeVerifier and expectedState) and "You can then fetch a
// protected resource" (client.fetchProtectedResource); plus the README's "Authorization Code Flow
// (OpenID Connect)" example (README.md:56, examples/oidc.ts: `nonce` only if !supportsPKCE(),
// expectedNonce, idTokenExpected: true, tokens.claims().sub). Refresh: client.refreshTokenGrant.
// Sign-out: client.buildEndSessionUrl with post_logout_redirect_uri and id_token_hint, as its API
// docs show (build/index.d.ts:2214-2226).
//
// What the README decides, kept as it is:
// - understudy's discovery lists code_challenge_methods_supported [S256], so supportsPKCE() is true
//   (build/index.js:449-452) and this app sends NO state and NO nonce: it relies on PKCE. With
//   expectedState undefined the library refuses a callback that carries a state and accepts one
//   without (oauth4webapi/build/index.js:2096-2104); with expectedNonce undefined it refuses an ID
//   token that carries a nonce (oauth4webapi/build/index.js:1466-1467,1429-1437).
// - enableNonRepudiationChecks (build/index.js:748) is in no README example, so the ID token's
//   signature is not verified: its claims are checked (iss, aud, exp, sub), not its signature.
// Client authentication: the secret as client_secret_post (the default, build/index.js:483-489); a
// public client (empty UNDERSTUDY_CLIENT_SECRET) uses client.None(), as its docs show
// (build/index.d.ts:176-197). allowInsecureRequests: understudy is http://127.0.0.1. Discovery reads
// UNDERSTUDY_DISCOVERY_URL as is (a /.well-known/ URL, build/index.js:264,285-287), because the IDCS
// issuer is not the host. Token requests carry no configured headers (openid-client has no option).
//
// APP CODE (openid-client keeps no token and refreshes nothing on its own, build/index.js:999-1031):
// the one signed-in session below; the tokens of each answer are stored, keeping the old refresh
// token when an answer has none; a refresh when the access token has expired by the client's clock
// (expiresIn() === 0, build/index.js:537-549) or when an API call is refused with invalid_token (the
// call is then made once more); after invalid_grant the session is dropped and each unit reports
// needsSignIn until the person signs in again; the sign-in's PKCE verifier (and state and nonce, were
// there any) is kept for the callback, the README's "store ... in the end-user session".
import * as client from 'openid-client';
import { apiHeaders, apiUrl, config, requestBody, serve, signInNeeded } from './protocol.mjs';

const options = { execute: [client.allowInsecureRequests] };
if (config.timeoutMs !== undefined) options.timeout = config.timeoutMs / 1000;
const publicClient = !config.clientSecret;
const oidc = await client.discovery(new URL(config.discoveryUrl), config.clientId, publicClient ? undefined : config.clientSecret, publicClient ? client.None() : undefined, options);

let pending; // app code: the end-user session's values for the callback
let session; // app code: { tokens, refreshToken, idToken } of the signed-in person

async function signIn() {
  const code_verifier = client.randomPKCECodeVerifier();
  const code_challenge = await client.calculatePKCECodeChallenge(code_verifier);
  const parameters = { redirect_uri: config.redirectUri, scope: config.scope, code_challenge, code_challenge_method: 'S256' };
  let state;
  let nonce;
  if (!oidc.serverMetadata().supportsPKCE()) {
    state = client.randomState();
    parameters.state = state;
    nonce = client.randomNonce();
    parameters.nonce = nonce;
  }
  pending = { code_verifier, state, nonce };
  return client.buildAuthorizationUrl(oidc, parameters).href;
}

async function callback(url) {
  const tokens = await client.authorizationCodeGrant(oidc, new URL(url), {
    pkceCodeVerifier: pending?.code_verifier,
    expectedState: pending?.state,
    expectedNonce: pending?.nonce,
    idTokenExpected: true,
  });
  const { sub } = tokens.claims();
  session = { tokens, refreshToken: tokens.refresh_token, idToken: tokens.id_token };
  return { subject: sub };
}

// App code: a refresh whose answer replaces the session, keeping the old refresh token if none came.
async function refresh(current) {
  if (!current.refreshToken) {
    if (session === current) session = undefined;
    throw signInNeeded('the access token is no longer good and there is no refresh token: the person must sign in again');
  }
  let tokens;
  try {
    tokens = await client.refreshTokenGrant(oidc, current.refreshToken);
  } catch (error) {
    if (error instanceof client.ResponseBodyError && error.error === 'invalid_grant') {
      if (session === current) session = undefined;
      throw signInNeeded('the refresh token was refused (invalid_grant): the person must sign in again', error);
    }
    throw error;
  }
  session = { tokens, refreshToken: tokens.refresh_token ?? current.refreshToken, idToken: tokens.id_token ?? current.idToken };
  return session;
}

async function call(unit, current) {
  try {
    const response = await client.fetchProtectedResource(oidc, current.tokens.access_token, apiUrl(unit), unit.method, requestBody(unit), new Headers(apiHeaders(unit)));
    return response.status;
  } catch (error) {
    // A response carrying WWW-Authenticate (401 invalid_token, 403 insufficient_scope) is thrown, not returned.
    if (error instanceof client.WWWAuthenticateChallengeError) error.apiStatus = error.status;
    throw error;
  }
}

const invalidToken = (error) => error instanceof client.WWWAuthenticateChallengeError && error.cause.some((challenge) => challenge.parameters?.error === 'invalid_token');

async function work(unit) {
  let current = session;
  if (!current) throw signInNeeded('nobody is signed in: the person must sign in');
  if (current.tokens.expiresIn() === 0) current = await refresh(current);
  try {
    return await call(unit, current);
  } catch (error) {
    if (!invalidToken(error)) throw error;
    return await call(unit, await refresh(current));
  }
}

function signOut() {
  const idToken = session?.idToken;
  session = undefined;
  if (!idToken) return {}; // nobody signed in: only forgotten here
  const parameters = { id_token_hint: idToken };
  if (config.postLogoutRedirectUri) parameters.post_logout_redirect_uri = config.postLogoutRedirectUri;
  return { url: client.buildEndSessionUrl(oidc, parameters).href };
}

serve(work, { signIn, callback, signOut });
