/**
 * Fault rules on the authorization code flow, over HTTP, as a real relying party meets them:
 * openid-client v6 builds the authorization URL, a person signs in (harness/person/http-person.ts),
 * and openid-client redeems the code and checks the ID token. Each preset is added through
 * `server.faults.add()`, and the journal says what the rule did, once.
 */
import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { FaultRuleError } from '../../server/faults/index.ts';
import type { JournalEntry, ProfileName } from '../../server/index.ts';
import { HttpPerson, type PersonChoices } from '../support/http-person.ts';
import { openidAuthorization, type Authorization } from '../support/openid-sign-in.ts';
import { decodePayload, DEMO_CLIENT, startFaultServer, type FaultServer } from './support.ts';

const REDIRECT = 'http://127.0.0.1:7999/callback';
const USERS = [{ username: 'ada', password: 'lovelace', displayName: 'Ada Lovelace', email: 'ada@example.test' }];

interface SignedIn extends Authorization {
  callback: URL;
}

interface Flow {
  s: FaultServer;
  config: client.Configuration;
  person: HttpPerson;
  /** A fresh authorization URL (PKCE, state and nonce), for the person to open. */
  authorization(): Promise<Authorization>;
  /** The person signs in from a fresh authorization URL; the URL they are sent back to. */
  signIn(choices?: PersonChoices): Promise<SignedIn>;
  /** openid-client redeems the code of a callback, checking state, nonce and the ID token. */
  redeem(signedIn: SignedIn): ReturnType<typeof client.authorizationCodeGrant>;
}

async function startFlow(profile: ProfileName = 'idcs'): Promise<Flow> {
  const s = await startFaultServer({
    profile,
    config: {
      users: USERS,
      clients: [
        { id: 'web-app', secret: 'web-secret', grants: ['authorization_code', 'refresh_token'], redirectUris: [REDIRECT] },
        // The fault tests' client credentials client (support.ts), for token answers without an ID token.
        { id: DEMO_CLIENT.id, secret: DEMO_CLIENT.secret, grants: ['client_credentials'] },
      ],
    },
  });
  const discovery = profile === 'idcs' ? new URL('/.well-known/openid-configuration', s.url) : new URL(s.url);
  const config = await client.discovery(discovery, 'web-app', 'web-secret', undefined, { execute: [client.allowInsecureRequests] });
  const person = new HttpPerson(s.url);
  const scope = profile === 'idcs' ? 'openid profile email offline_access https://api.understudy.test:443urn:opc:resource:consumer::all' : 'openid profile email offline_access';
  const authorization = () => openidAuthorization(config, REDIRECT, scope);
  return {
    s,
    config,
    person,
    authorization,
    async signIn(choices) {
      const started = await authorization();
      return { ...started, callback: new URL(await person.signIn(started.url, choices)) };
    },
    redeem: (signedIn) =>
      client.authorizationCodeGrant(config, signedIn.callback, { pkceCodeVerifier: signedIn.verifier, expectedState: signedIn.state, expectedNonce: signedIn.nonce, idTokenExpected: true }),
  };
}

/** The journal's notes of one rule, with the entries they are on. */
async function notesOf(s: FaultServer, id: string): Promise<{ entry: JournalEntry; effect: string; preset?: string; action: string }[]> {
  const entries = await s.journal();
  return entries.flatMap((entry) => (entry.faults ?? []).filter((n) => n.rule === id).map((n) => ({ entry, effect: n.effect, preset: n.preset, action: n.action })));
}

/** The rule acted exactly once (journal and counters agree), and that note is on this endpoint. */
async function expectActedOnce(s: FaultServer, id: string, preset: string | undefined, action: string, endpoint: string): Promise<JournalEntry> {
  const notes = await notesOf(s, id);
  expect(notes.map((n) => [n.entry.endpoint, n.preset, n.action])).toEqual([[endpoint, preset, action]]);
  expect(s.server.faults.list().find((r) => r.id === id)).toMatchObject({ applied: 1 });
  return (notes[0] as { entry: JournalEntry }).entry;
}

/** The error parameters of a redirect back to the client. */
function redirectError(callback: URL): Record<string, string> {
  expect(callback.origin + callback.pathname).toBe(REDIRECT);
  return Object.fromEntries(callback.searchParams);
}

async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, any>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, any>;
  }
  throw new Error('expected a rejection');
}

/**
 * What openid-client refused, and why: it throws a ClientError with a generic message whose cause
 * is oauth4webapi's error, with the precise message and (in its own cause) the claim compared.
 */
async function refusal(promise: Promise<unknown>): Promise<{ name: string; code: string; reason: string; detail: Record<string, any> }> {
  const error = await rejection(promise);
  const cause = error.cause as (Error & { cause?: Record<string, any> }) | undefined;
  return { name: error.name, code: error.code as string, reason: cause?.message ?? '', detail: cause?.cause ?? {} };
}

describe('authorization errors at the redirect URI (RFC 6749 §4.1.2.1)', () => {
  it('authorize.access_denied: after the consent page the client gets access_denied with its state, once (times: 1)', async () => {
    const flow = await startFlow();
    const { id } = flow.s.server.faults.add({ preset: 'authorize.access_denied', match: { times: 1 } });
    const denied = await flow.signIn();
    expect(redirectError(denied.callback)).toEqual({ error: 'access_denied', error_description: 'The user denied the consent.', state: denied.state });
    expect(flow.person.steps.map((step) => step.page).filter(Boolean)).toEqual(['Sign In', 'Allow access']);
    const error = await rejection(flow.redeem(denied));
    expect(error).toBeInstanceOf(client.AuthorizationResponseError);
    expect(error).toMatchObject({ error: 'access_denied', error_description: 'The user denied the consent.' });

    const entry = await expectActedOnce(flow.s, id, 'authorize.access_denied', 'authorization_error', 'consent');
    // The consent the person gave is journaled, then what the fault did instead of the code.
    expect(entry).toMatchObject({ status: 303, decision: 'rejected', error: 'access_denied', interaction: 'consent_given' });
    expect(entry.reason).toMatch(/^ada consented to web-app; fault: access_denied/);
    expect((await notesOf(flow.s, id))[0]?.effect).toBe('redirected with access_denied instead of the code');

    // The rule has had its one time: the next sign-in (the session and the consent kept) gets a code.
    const again = await flow.signIn();
    expect(again.callback.searchParams.get('code')).toBeTruthy();
    expect((await flow.redeem(again)).claims()?.sub).toBe('ada');
    await expectActedOnce(flow.s, id, 'authorize.access_denied', 'authorization_error', 'consent');
    expect(flow.s.server.faults.list().find((r) => r.id === id)).toMatchObject({ matched: 2, applied: 1 });
  });

  it("a rule on step 'code' does not count a request that only reached the login page", async () => {
    const flow = await startFlow();
    const { id } = flow.s.server.faults.add({ match: { endpoint: ['authorize', 'login', 'consent'], nth: 1 }, action: { type: 'authorization_error', error: 'server_error', step: 'code' } });
    const { url, state } = await flow.authorization();
    const first = await flow.person.request('GET', url);
    expect(first.status).toBe(302);
    expect(first.headers.get('location')).toContain('/ui/v1/signin?interaction=');
    expect(flow.s.server.faults.list().find((r) => r.id === id)).toMatchObject({ matched: 0, applied: 0 });
    expect((await flow.s.journal()).at(-1)?.faults).toBeUndefined();

    // The request that reaches the code is the rule's first (nth: 1), though it is the flow's third.
    const callback = new URL(await flow.person.signIn(url));
    expect(redirectError(callback)).toEqual({ error: 'server_error', error_description: 'server_error (injected)', state });
    expect(flow.s.server.faults.list().find((r) => r.id === id)).toMatchObject({ matched: 1, applied: 1 });
    await expectActedOnce(flow.s, id, undefined, 'authorization_error', 'consent');
  });

  it("step 'login' answers the authorization request itself, before the login page", async () => {
    const flow = await startFlow();
    const { id } = flow.s.server.faults.add({ match: { endpoint: 'authorize', times: 1 }, action: { type: 'authorization_error', error: 'interaction_required', description: 'Interaction needed.', step: 'login' } });
    const refused = await flow.signIn();
    expect(redirectError(refused.callback)).toEqual({ error: 'interaction_required', error_description: 'Interaction needed.', state: refused.state });
    expect(flow.person.steps).toHaveLength(1);
    const entry = await expectActedOnce(flow.s, id, undefined, 'authorization_error', 'authorize');
    expect(entry.status).toBe(302);
  });

  it('authorize.login_required: even with a live session the authorization request is answered login_required', async () => {
    const flow = await startFlow();
    const first = await flow.signIn();
    expect(first.callback.searchParams.get('code')).toBeTruthy();
    const { id } = flow.s.server.faults.add({ preset: 'authorize.login_required', match: { times: 1 } });
    const steps = flow.person.steps.length;
    const refused = await flow.signIn();
    expect(redirectError(refused.callback)).toEqual({ error: 'login_required', error_description: 'End-User authentication is required', state: refused.state });
    // One request: the authorization request itself, the session cookie notwithstanding.
    expect(flow.person.steps.length - steps).toBe(1);
    expect(await rejection(flow.redeem(refused))).toMatchObject({ error: 'login_required' });
    await expectActedOnce(flow.s, id, 'authorize.login_required', 'authorization_error', 'authorize');
    expect((await flow.signIn()).callback.searchParams.get('code')).toBeTruthy();
  });

  it('authorize.login_required without a session: answered instead of the login page', async () => {
    const flow = await startFlow();
    const { id } = flow.s.server.faults.add({ preset: 'authorize.login_required' });
    const refused = await flow.signIn();
    expect(redirectError(refused.callback)).toMatchObject({ error: 'login_required', state: refused.state });
    expect(flow.person.steps).toHaveLength(1);
    await expectActedOnce(flow.s, id, 'authorize.login_required', 'authorization_error', 'authorize');
  });

  it('authorize.consent_required: after the login, instead of the consent page', async () => {
    const flow = await startFlow();
    const { id } = flow.s.server.faults.add({ preset: 'authorize.consent_required', match: { times: 1 } });
    const refused = await flow.signIn();
    expect(redirectError(refused.callback)).toEqual({ error: 'consent_required', error_description: 'End-User consent is required', state: refused.state });
    expect(flow.person.steps.map((step) => step.page).filter(Boolean)).toEqual(['Sign In']);
    expect(await rejection(flow.redeem(refused))).toMatchObject({ error: 'consent_required' });
    await expectActedOnce(flow.s, id, 'authorize.consent_required', 'authorization_error', 'login');
  });

  it('the rfc9068 profile adds iss to the error redirect (RFC 9207), as to its codes', async () => {
    const flow = await startFlow('rfc9068');
    const { id } = flow.s.server.faults.add({ preset: 'authorize.access_denied' });
    const denied = await flow.signIn();
    expect(redirectError(denied.callback)).toEqual({ error: 'access_denied', error_description: 'The user denied the consent.', iss: flow.config.serverMetadata().issuer, state: denied.state });
    expect(await rejection(flow.redeem(denied))).toMatchObject({ error: 'access_denied' });
    await expectActedOnce(flow.s, id, 'authorize.access_denied', 'authorization_error', 'consent');
  });

  it('match.client and match.scope apply to the authorization request and to its login and consent pages', async () => {
    const flow = await startFlow();
    const other = flow.s.server.faults.add({ match: { endpoint: ['authorize', 'login', 'consent'], client: 'another-app' }, action: { type: 'authorization_error', error: 'access_denied', step: ['login', 'consent', 'code'] } });
    const noScope = flow.s.server.faults.add({ match: { endpoint: 'authorize', scope: 'phone' }, action: { type: 'authorization_error', error: 'access_denied', step: ['login', 'consent', 'code'] } });
    const onConsent = flow.s.server.faults.add({ match: { endpoint: 'consent', client: 'web-app', scope: 'urn:opc:resource:consumer::all offline_access' }, action: { type: 'authorization_error', error: 'temporarily_unavailable' } });
    const refused = await flow.signIn();
    expect(redirectError(refused.callback)).toMatchObject({ error: 'temporarily_unavailable', state: refused.state });
    const rules = flow.s.server.faults.list();
    expect(rules.find((r) => r.id === other.id)).toMatchObject({ matched: 0, applied: 0 });
    expect(rules.find((r) => r.id === noScope.id)).toMatchObject({ matched: 0, applied: 0 });
    await expectActedOnce(flow.s, onConsent.id, undefined, 'authorization_error', 'consent');
    // The fault layer read the authorization request's client and scope for the journal as well.
    const authorize = (await flow.s.journal()).find((e) => e.endpoint === 'authorize');
    expect(authorize).toMatchObject({ clientId: 'web-app' });
  });

  it('a POST authorization request: its form is read once, for match.client and for the endpoint', async () => {
    const flow = await startFlow();
    const other = flow.s.server.faults.add({ match: { endpoint: 'authorize', client: 'someone-else' }, action: { type: 'authorization_error', error: 'server_error', step: 'login' } });
    const { id } = flow.s.server.faults.add({ match: { endpoint: 'authorize', client: 'web-app' }, action: { type: 'authorization_error', error: 'login_required', description: 'End-User authentication is required', step: 'login' } });
    const { url, state } = await flow.authorization();
    const form = new URL(url).searchParams;
    const answer = await flow.person.request('POST', url.split('?')[0] as string, form);
    expect(answer.status).toBe(303);
    expect(redirectError(new URL(answer.headers.get('location') as string))).toEqual({ error: 'login_required', error_description: 'End-User authentication is required', state });
    expect(flow.s.server.faults.list().find((r) => r.id === id)).toMatchObject({ matched: 1, applied: 1 });
    expect(flow.s.server.faults.list().find((r) => r.id === other.id)).toMatchObject({ matched: 0, applied: 0 });
    expect((await flow.s.journal()).at(-1)).toMatchObject({ method: 'POST', clientId: 'web-app' });
  });

  it('login.slow: the login page and its form POST answer late (ms, default 3000)', async () => {
    const flow = await startFlow();
    const defaults = flow.s.server.faults.add({ preset: 'login.slow' });
    expect(defaults.match).toEqual({ endpoint: 'login' });
    expect(defaults.action).toEqual({ type: 'delay', ms: 3000 });
    flow.s.server.faults.remove(defaults.id);
    const { id } = flow.s.server.faults.add({ preset: 'login.slow', params: { ms: 150 } });
    const started = performance.now();
    const signedIn = await flow.signIn();
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(signedIn.callback.searchParams.get('code')).toBeTruthy();
    const notes = await notesOf(flow.s, id);
    expect(notes.map((n) => [n.entry.endpoint, n.entry.method, n.effect])).toEqual([
      ['login', 'GET', 'delayed 150ms'],
      ['login', 'POST', 'delayed 150ms'],
    ]);
    expect((await flow.redeem(signedIn)).claims()?.sub).toBe('ada');
  });

  it('an authorization_error rule for an endpoint it can never act on is refused, naming match.endpoint', async () => {
    const flow = await startFlow();
    const attempt = () => flow.s.server.faults.add({ match: { endpoint: ['authorize', 'token'] }, action: { type: 'authorization_error', error: 'access_denied' } });
    expect(attempt).toThrow(FaultRuleError);
    expect(attempt).toThrow(/match\.endpoint: a authorization_error rule acts on authorize, login, consent only, never on token/);
    expect(() => flow.s.server.faults.add({ match: { endpoint: 'api' }, action: { type: 'id_token_mutation', badSignature: true } })).toThrow(/match\.endpoint/);
    expect(() => flow.s.server.faults.add({ action: { type: 'authorization_error', error: 'not_an_error' } })).toThrow(FaultRuleError);
    expect(() => flow.s.server.faults.add({ action: { type: 'id_token_mutation', nonce: 'x', dropNonce: true } })).toThrow(/nonce/);
    expect(flow.s.server.faults.size).toBe(0);
  });
});

describe('the token endpoint in the code flow', () => {
  it('token.code_expired: the code redemption is refused invalid_grant "The authorization code has expired." (times: 1)', async () => {
    const flow = await startFlow();
    const { id } = flow.s.server.faults.add({ preset: 'token.code_expired', match: { times: 1 } });
    const signedIn = await flow.signIn();
    const error = await rejection(flow.redeem(signedIn));
    expect(error).toBeInstanceOf(client.ResponseBodyError);
    expect(error).toMatchObject({ error: 'invalid_grant', error_description: 'The authorization code has expired.', status: 400 });
    const entry = await expectActedOnce(flow.s, id, 'token.code_expired', 'oauth_error', 'token');
    expect(entry).toMatchObject({ grantType: 'authorization_code', error: 'invalid_grant' });
    // Refused before the endpoint ran: the code is still good, and the next redemption is not faulted.
    expect((await flow.redeem(signedIn)).claims()?.sub).toBe('ada');
    await expectActedOnce(flow.s, id, 'token.code_expired', 'oauth_error', 'token');
  });

  it('token.code_reused: invalid_grant "The authorization code has already been used."; client credentials are not matched', async () => {
    const flow = await startFlow();
    const { id } = flow.s.server.faults.add({ preset: 'token.code_reused', match: { times: 1 } });
    expect((await flow.s.token()).status).toBe(200);
    const signedIn = await flow.signIn();
    expect(await rejection(flow.redeem(signedIn))).toMatchObject({ error: 'invalid_grant', error_description: 'The authorization code has already been used.' });
    await expectActedOnce(flow.s, id, 'token.code_reused', 'oauth_error', 'token');
    expect(flow.s.server.faults.list().find((r) => r.id === id)).toMatchObject({ matched: 1, applied: 1 });
  });

  it('token.refresh_expired: the refresh is refused invalid_grant "The refresh token has expired."; the code redemption is not', async () => {
    const flow = await startFlow();
    const { id } = flow.s.server.faults.add({ preset: 'token.refresh_expired', match: { times: 1 } });
    const tokens = await flow.redeem(await flow.signIn());
    expect(tokens.refresh_token).toBeDefined();
    const error = await rejection(client.refreshTokenGrant(flow.config, tokens.refresh_token as string));
    expect(error).toMatchObject({ error: 'invalid_grant', error_description: 'The refresh token has expired.' });
    const entry = await expectActedOnce(flow.s, id, 'token.refresh_expired', 'oauth_error', 'token');
    expect(entry.grantType).toBe('refresh_token');
  });

  it('userinfo.invalid_token: 401 invalid_token with a Bearer challenge; the token stays revoked', async () => {
    const flow = await startFlow();
    const tokens = await flow.redeem(await flow.signIn());
    expect((await client.fetchUserInfo(flow.config, tokens.access_token, 'ada')).sub).toBe('ada');
    const { id } = flow.s.server.faults.add({ preset: 'userinfo.invalid_token', match: { times: 1 } });
    const error = await rejection(client.fetchUserInfo(flow.config, tokens.access_token, 'ada'));
    expect(error).toBeInstanceOf(client.WWWAuthenticateChallengeError);
    expect((error.cause as { scheme: string; parameters: Record<string, string> }[])[0]).toMatchObject({ scheme: 'bearer', parameters: { error: 'invalid_token' } });
    const entry = await expectActedOnce(flow.s, id, 'userinfo.invalid_token', 'invalid_token', 'userinfo');
    expect(entry).toMatchObject({ status: 401, error: 'invalid_token', clientId: 'web-app' });
    expect((await notesOf(flow.s, id))[0]?.effect).toMatch(/^revoked token \S+ early$/);
    const again = await flow.s.send('/oauth2/v1/userinfo', { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(again.status).toBe(401);
    expect(again.headers.get('www-authenticate')).toMatch(/^Bearer realm="[^"]+", error="invalid_token"/);
  });
});

describe.each<ProfileName>(['idcs', 'rfc9068'])('ID tokens a relying party must refuse (%s profile)', (profile) => {
  it('id_token.wrong_nonce: openid-client refuses the nonce; the rule acts once (times: 1), on the ID token only', async () => {
    const flow = await startFlow(profile);
    const { id } = flow.s.server.faults.add({ preset: 'id_token.wrong_nonce', match: { times: 1 } });
    // A client credentials answer carries no ID token: not counted.
    expect((await flow.s.token()).status).toBe(200);
    const error = await refusal(flow.redeem(await flow.signIn()));
    expect(error).toMatchObject({ name: 'ClientError', code: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED', reason: 'unexpected ID Token "nonce" claim value' });
    expect(error.detail).toMatchObject({ claim: 'nonce', expected: expect.any(String), claims: { nonce: 'not-the-nonce-you-sent' } });
    const entry = await expectActedOnce(flow.s, id, 'id_token.wrong_nonce', 'id_token_mutation', 'token');
    expect((await notesOf(flow.s, id))[0]?.effect).toBe('ID token mutated: nonce="not-the-nonce-you-sent"');
    expect(entry.grantType).toBe('authorization_code');
    expect(flow.s.server.faults.list().find((r) => r.id === id)).toMatchObject({ matched: 1, applied: 1 });
    expect((await flow.redeem(await flow.signIn())).claims()?.sub).toBe('ada');
  });

  it('id_token.wrong_audience: openid-client refuses the aud', async () => {
    const flow = await startFlow(profile);
    const { id } = flow.s.server.faults.add({ preset: 'id_token.wrong_audience' });
    const error = await refusal(flow.redeem(await flow.signIn()));
    expect(error).toMatchObject({ code: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED', reason: 'unexpected JWT "aud" (audience) claim value' });
    expect(error.detail).toMatchObject({ claim: 'aud', expected: 'web-app', claims: { aud: profile === 'idcs' ? ['another-client'] : 'another-client' } });
    await expectActedOnce(flow.s, id, 'id_token.wrong_audience', 'id_token_mutation', 'token');
  });

  it('id_token.wrong_issuer: openid-client refuses the iss', async () => {
    const flow = await startFlow(profile);
    const { id } = flow.s.server.faults.add({ preset: 'id_token.wrong_issuer' });
    const error = await refusal(flow.redeem(await flow.signIn()));
    expect(error).toMatchObject({ code: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED', reason: 'unexpected JWT "iss" (issuer) claim value' });
    expect(error.detail).toMatchObject({ claim: 'iss', expected: flow.config.serverMetadata().issuer, claims: { iss: 'https://impostor.example.test/' } });
    await expectActedOnce(flow.s, id, 'id_token.wrong_issuer', 'id_token_mutation', 'token');
  });

  it('id_token.expired: openid-client refuses the exp', async () => {
    const flow = await startFlow(profile);
    const { id } = flow.s.server.faults.add({ preset: 'id_token.expired' });
    const error = await refusal(flow.redeem(await flow.signIn()));
    expect(error).toMatchObject({ code: 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED', reason: 'unexpected JWT "exp" (expiration time) claim value, expiration is past current timestamp' });
    expect(error.detail).toMatchObject({ claim: 'exp' });
    const claims = error.detail.claims as { exp: number; iat: number };
    expect(claims.exp).toBeLessThan(Date.now() / 1000 - 30);
    expect(claims.exp).toBeGreaterThan(claims.iat);
    await expectActedOnce(flow.s, id, 'id_token.expired', 'id_token_mutation', 'token');
  });

  it('id_token.bad_signature: jose jwtVerify fails against the JWKS, and openid-client with non-repudiation checks refuses it', async () => {
    const flow = await startFlow(profile);
    const { id } = flow.s.server.faults.add({ preset: 'id_token.bad_signature', match: { times: 2 } });
    // Without non-repudiation checks openid-client trusts the TLS channel: it takes the token.
    const tokens = await flow.redeem(await flow.signIn());
    const idToken = tokens.id_token as string;
    expect(decodePayload(idToken).sub).toBe('ada');
    const jwks = createRemoteJWKSet(new URL(flow.config.serverMetadata().jwks_uri as string));
    const failure = await rejection(jwtVerify(idToken, jwks, { issuer: flow.config.serverMetadata().issuer, audience: 'web-app' }));
    expect(failure).toBeInstanceOf(joseErrors.JWSSignatureVerificationFailed);
    expect(failure.code).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
    // The access token beside it is signed as usual.
    await expect(jwtVerify(tokens.access_token, jwks)).resolves.toBeDefined();

    client.enableNonRepudiationChecks(flow.config);
    const error = await refusal(flow.redeem(await flow.signIn()));
    expect(error).toMatchObject({ code: 'OAUTH_INVALID_RESPONSE', reason: 'JWT signature verification failed' });
    const notes = await notesOf(flow.s, id);
    expect(notes.map((n) => n.effect)).toEqual(['ID token mutated: badSignature=true', 'ID token mutated: badSignature=true']);
    expect(flow.s.server.faults.list().find((r) => r.id === id)).toMatchObject({ matched: 2, applied: 2 });
    // times: 2 is spent: the third ID token verifies, with non-repudiation checks on.
    expect((await flow.redeem(await flow.signIn())).claims()?.sub).toBe('ada');
  });

  it('id_token_mutation dropNonce: the ID token without a nonce is refused', async () => {
    const flow = await startFlow(profile);
    const { id } = flow.s.server.faults.add({ match: { endpoint: 'token', times: 1 }, action: { type: 'id_token_mutation', dropNonce: true } });
    const error = await refusal(flow.redeem(await flow.signIn()));
    expect(error).toMatchObject({ code: 'OAUTH_INVALID_RESPONSE', reason: 'JWT "nonce" (nonce) claim missing' });
    expect(error.detail.claims).not.toHaveProperty('nonce');
    await expectActedOnce(flow.s, id, undefined, 'id_token_mutation', 'token');
  });
});
