/**
 * understudy's hand-written authorization endpoint and code redemption, held to oidc-provider
 * 9.13.3 (a certified OpenID Provider, devDependency) as the reference: the same requests go to
 * both, and for each the answers must agree on
 *   - kind: an error page, a redirect to the client's redirect_uri, or an interaction (sent to
 *     the server's own login/consent: oidc-provider's /interaction/<uid>, understudy's /login);
 *   - the error code; for a redirect, the state echoed, the response mode and RFC 9207 iss;
 *   - at the token endpoint: the status, the error code, and which tokens are issued.
 * Where understudy differs on purpose the case is in KNOWN_DIFFERENCES (with both answers and the
 * reason); where it differs and probably should not, in SUSPECTED_BUGS. Any other divergence fails,
 * and so does a listed one that no longer diverges (the entry is stale).
 *
 * understudy runs the rfc9068 profile: the idcs profile answers page errors as IDCS's JSON body on
 * purpose. The authorization cases and oidc-provider's reasons (file:line) are in
 * test/reference/oidc-provider-authorize-cases.ts and oidc-provider-authorize.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type UnderstudyServer } from '../../server/index.ts';
import { HttpPerson } from '../support/http-person.ts';
import { authorizeAnswer, type AuthorizeAnswer, type AuthorizeRequestOptions } from '../reference/authorize-answer.ts';
import { authorizeCases, CODE_CHALLENGE, CODE_VERIFIER, type AuthorizeCase } from '../reference/oidc-provider-authorize-cases.ts';
import { referenceAuthorizeAnswer, startReferenceProvider, type ReferenceProvider } from '../reference/oidc-provider-authorize.ts';
import { CookieJar, referenceIntrospect, referenceSignIn, referenceToken, tokenRequest, type TokenAnswer } from '../reference/oidc-provider-code-flow.ts';

/** What is compared of an authorization answer. Fields that do not apply to the kind are left out. */
interface Outcome {
  kind: 'page' | 'redirect' | 'interaction';
  /** page only: the HTTP status. */
  status?: number;
  error?: string;
  /** redirect only: the state the client gets back (absent: none). */
  state?: string;
  /** redirect only: how the answer travels. */
  mode?: 'query' | 'fragment' | 'form_post';
  /** redirect only: the answer names the issuer (RFC 9207). */
  iss?: boolean;
  /** redirect only: an authorization code was issued. */
  code?: boolean;
}

/** What is compared of a token endpoint answer. */
interface TokenOutcome {
  status: number;
  error?: string;
  accessToken: boolean;
  refreshToken: boolean;
  idToken: boolean;
}

interface Difference<T> {
  oidcProvider: T;
  understudy: T;
  /** One line: why understudy answers so. */
  why: string;
}

const S = 'st-1';
const redirect = (error: string | undefined, extra: Partial<Outcome> = {}): Outcome => ({ kind: 'redirect', ...(error ? { error } : {}), state: S, mode: 'query', iss: true, ...extra });
const page = (error: string | undefined, status = 400): Outcome => ({ kind: 'page', status, ...(error ? { error } : {}) });
const interaction: Outcome = { kind: 'interaction' };

/**
 * Differences that hold for every case, built into the comparison rather than listed per case:
 *  - oidc-provider answers every redirect (error, code or interaction) with 303; understudy with
 *    302 after a GET and 303 after a POST (a 302 keeps the method, which is GET anyway).
 *  - oidc-provider's error page prints the request's state; understudy's does not. Neither sends
 *    it anywhere, so the state is compared for redirects only.
 */
const GLOBAL_DIFFERENCES = ['redirect status: oidc-provider 303, understudy 302 (GET) / 303 (POST)', 'error page: oidc-provider prints state, understudy does not (state compared for redirects only)'];

/** Authorization requests where understudy differs on purpose. Keys are case ids. */
const KNOWN_DIFFERENCES: Record<string, Difference<Outcome>> = {
  'scope-unknown': { oidcProvider: interaction, understudy: redirect('invalid_scope'), why: 'RFC 6749 §4.1.2.1 invalid_scope for an unknown scope, as IDCS does; oidc-provider drops unknown scopes' },
  'dupe-redirect-uri': { oidcProvider: redirect('invalid_request'), understudy: page('invalid_request'), why: 'a repeated redirect_uri is never trusted (RFC 6749 §4.1.2.1); oidc-provider falls back to the only registered URI' },
  'dupe-response-mode': { oidcProvider: redirect('invalid_request'), understudy: page('invalid_request'), why: 'with response_mode repeated understudy cannot tell query from fragment, so it shows a page; oidc-provider uses the default' },
  'response-mode-form-post': { oidcProvider: interaction, understudy: redirect('unsupported_response_mode'), why: 'understudy implements query and fragment only (its metadata says so), not OAuth 2.0 Form Post' },
  'response-mode-form-post-error': { oidcProvider: redirect('invalid_request', { mode: 'form_post' }), understudy: redirect('unsupported_response_mode'), why: 'no form_post: the mode is refused first, in the query' },
  'response-type-none': { oidcProvider: redirect('invalid_request'), understudy: redirect('unsupported_response_type'), why: 'understudy issues codes only, so any other response_type is unsupported_response_type (RFC 6749 §4.1.2.1)' },
  'response-type-token-query': { oidcProvider: redirect('invalid_request'), understudy: redirect('unsupported_response_type'), why: 'codes only: token is refused as unsupported before its response mode is looked at' },
  'request-uri-par-bogus': { oidcProvider: redirect('invalid_request_uri'), understudy: redirect('request_uri_not_supported'), why: 'understudy has no PAR (RFC 9126), so any request_uri, urn or URL, is request_uri_not_supported' },
  registration: { oidcProvider: redirect('registration_not_supported'), understudy: interaction, why: 'registration (OIDC Core §7.2.1, self-issued OPs) is an unrecognised parameter to understudy and ignored (RFC 6749 §3.1)' },
  'id-token-hint-garbage': { oidcProvider: redirect('invalid_request'), understudy: interaction, why: 'understudy ignores id_token_hint at the authorization endpoint (it is a hint, OIDC Core §3.1.2.1)' },
  'prompt-select-account': { oidcProvider: redirect('invalid_request'), understudy: interaction, why: 'OIDC Core §3.1.2.1 defines select_account; understudy takes it as login; oidc-provider 9 default policy lacks it' },
  'max-age-huge': { oidcProvider: interaction, understudy: redirect('invalid_request'), why: 'understudy takes max_age as 1 to 10 digits (317 years), so time arithmetic never overflows' },
  'max-age-plus': { oidcProvider: interaction, understudy: redirect('invalid_request'), why: 'understudy takes max_age as plain digits only; oidc-provider converts with unary +' },
  'state-9000': { oidcProvider: interaction, understudy: redirect('invalid_request', { state: undefined }), why: 'understudy refuses any parameter over 8192 characters, and does not echo an oversized state' },
  'state-9000-error': { oidcProvider: redirect('invalid_request', { state: 's'.repeat(9000) }), understudy: redirect('invalid_request', { state: undefined }), why: 'parameters over 8192 characters refused; the oversized state not echoed' },
  'login-hint-9000': { oidcProvider: interaction, understudy: redirect('invalid_request'), why: 'parameters over 8192 characters refused' },
  'response-type-id-token': { oidcProvider: redirect('invalid_request', { mode: 'fragment' }), understudy: redirect('unsupported_response_type', { mode: 'fragment' }), why: 'codes only: id_token is unsupported_response_type; both answer in the fragment (Multiple Response Types §2.1)' },
  'response-type-code-id-token': { oidcProvider: redirect('invalid_request', { mode: 'fragment' }), understudy: redirect('unsupported_response_type', { mode: 'fragment' }), why: 'codes only: code id_token is unsupported_response_type; both answer in the fragment (Multiple Response Types §5)' },
  'post-default-config': { oidcProvider: page(undefined, 404), understudy: interaction, why: 'understudy always serves POST (OIDC Core §3.1.2.1 MUST); oidc-provider only with enableHttpPostMethods' },
};

/**
 * Authorization requests where understudy differs and probably should not (BUG?: against an RFC;
 * lenient?: accepts what a strict server refuses). Each entry asserts today's answer on both
 * sides, so fixing the server fails it: then delete the entry.
 */
const SUSPECTED_BUGS: Record<string, Difference<Outcome>> = {
  'scope-double-space': { oidcProvider: redirect('invalid_scope'), understudy: interaction, why: 'lenient? RFC 6749 §3.3 separates scope-tokens by one space; understudy accepts two, so a client bug goes unnoticed' },
  'prompt-double-space': { oidcProvider: redirect('invalid_request'), understudy: interaction, why: 'lenient? OIDC Core: prompt is space-delimited; understudy accepts two spaces where oidc-provider refuses' },
};

/** Token requests where understudy differs on purpose. */
const KNOWN_TOKEN_DIFFERENCES: Record<string, Difference<TokenOutcome>> = {
  'offline-access-without-consent': {
    oidcProvider: tokens({ refreshToken: false }),
    understudy: tokens({ refreshToken: true }),
    why: 'understudy keeps offline_access without prompt=consent, as IDCS does; oidc-provider drops it (OIDC Core §11)',
  },
  'redirect-uri-omitted': {
    oidcProvider: tokens(),
    understudy: refused('invalid_request'),
    why: 'RFC 6749 §4.1.3: redirect_uri REQUIRED at the token endpoint when the request sent it; oidc-provider fills in the only registered one',
  },
  'pkce-verifier-malformed': {
    oidcProvider: refused('invalid_request'),
    understudy: refused('invalid_grant'),
    why: 'RFC 7636 §4.6: a verifier that does not match is invalid_grant; oidc-provider checks its format first (invalid_request)',
  },
};

/** Token requests where understudy differs and probably should not (as SUSPECTED_BUGS). */
const SUSPECTED_TOKEN_BUGS: Record<string, Difference<TokenOutcome>> = {
};

function tokens(extra: Partial<TokenOutcome> = {}): TokenOutcome {
  return { status: 200, accessToken: true, refreshToken: false, idToken: true, ...extra };
}
function refused(error: string, status = 400): TokenOutcome {
  return { status, error, accessToken: false, refreshToken: false, idToken: false };
}

function outcome(a: AuthorizeAnswer): Outcome {
  if (a.kind === 'interaction') return { kind: 'interaction' };
  if (a.kind === 'page') return page(a.error, a.status);
  return {
    kind: 'redirect',
    ...(a.error !== undefined ? { error: a.error } : {}),
    ...(a.state !== undefined ? { state: a.state } : {}),
    ...(a.via !== undefined ? { mode: a.via } : {}),
    iss: a.iss !== undefined,
    ...(a.code !== undefined ? { code: true } : {}),
  };
}

function tokenOutcome(a: TokenAnswer): TokenOutcome {
  return {
    status: a.status,
    ...(a.body.error !== undefined ? { error: a.body.error } : {}),
    accessToken: typeof a.body.access_token === 'string',
    refreshToken: typeof a.body.refresh_token === 'string',
    idToken: typeof a.body.id_token === 'string',
  };
}

/** Drops keys whose value is undefined, so expected outcomes can say `state: undefined` for "none". */
function clean<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Asserts parity, or the listed difference (both sides), for one case. */
function judge<T extends object>(id: string, reference: T, understudy: T, known: Record<string, Difference<T>>, suspected: Record<string, Difference<T>>): void {
  const listed = known[id] ?? suspected[id];
  if (listed) {
    expect({ oidcProvider: reference, understudy }, `${id}: ${listed.why}`).toEqual({ oidcProvider: clean(listed.oidcProvider), understudy: clean(listed.understudy) });
  } else {
    expect(understudy, `${id}: understudy differs from oidc-provider (fix it, or list it in KNOWN_DIFFERENCES with the reason)`).toEqual(reference);
  }
}

let ref: ReferenceProvider;
let refDefaultPost: ReferenceProvider;
let server: UnderstudyServer;
const USER = { username: 'alice', password: 'x' };

beforeAll(async () => {
  [ref, refDefaultPost] = await Promise.all([startReferenceProvider({ devInteractions: true, introspection: true }), startReferenceProvider({ enableHttpPostMethods: false })]);
  server = await createServer({
    port: 0,
    profile: 'rfc9068',
    config: {
      clients: [
        { id: ref.clientId, secret: ref.secret, grants: ['authorization_code', 'refresh_token'], redirectUris: [ref.redirectUri] },
        { id: ref.publicClientId, public: true, grants: ['authorization_code', 'refresh_token'], redirectUris: [ref.redirectUri, ref.secondRedirectUri] },
      ],
      users: [{ ...USER, displayName: 'Alice' }],
    },
  });
});
afterAll(async () => {
  await Promise.all([ref?.close(), refDefaultPost?.close(), server?.close()]);
});

describe('authorization endpoint: understudy (rfc9068) vs oidc-provider', () => {
  // Case ids only; the clients' ids and URIs are the same on both servers (see beforeAll).
  const ids = { clientId: 'ref-confidential', publicClientId: 'ref-public', redirectUri: 'https://app.example/cb', secondRedirectUri: 'https://app.example/cb2' };
  const cases = authorizeCases(ids);
  const answers = new Map<string, { reference: AuthorizeAnswer; understudy: AuthorizeAnswer }>();

  beforeAll(async () => {
    expect(ids).toEqual({ clientId: ref.clientId, publicClientId: ref.publicClientId, redirectUri: ref.redirectUri, secondRedirectUri: ref.secondRedirectUri });
    const send = (c: AuthorizeCase, endpoint: string) => {
      const options: AuthorizeRequestOptions = { ...(c.contentType ? { contentType: c.contentType } : {}), ...(c.urlQuery ? { urlQuery: new URLSearchParams(c.urlQuery) } : {}) };
      return endpoint.endsWith('/auth')
        ? referenceAuthorizeAnswer(endpoint.slice(0, -'/auth'.length), new URLSearchParams(c.params), c.method, options)
        : authorizeAnswer(endpoint, new URLSearchParams(c.params), c.method, options);
    };
    // Each request stands alone (no cookies), so all are sent at once.
    await Promise.all(
      cases.map(async (c) => {
        const [reference, understudy] = await Promise.all([send(c, `${c.defaultPostConfig ? refDefaultPost.url : ref.url}/auth`), send(c, `${server.url}/authorize`)]);
        answers.set(c.id, { reference, understudy });
      }),
    );
  });

  it('lists only differences of existing cases', () => {
    const known = new Set(cases.map((c) => c.id));
    expect([...Object.keys(KNOWN_DIFFERENCES), ...Object.keys(SUSPECTED_BUGS)].filter((id) => !known.has(id))).toEqual([]);
    expect(Object.keys(KNOWN_DIFFERENCES).filter((id) => id in SUSPECTED_BUGS)).toEqual([]);
    expect(GLOBAL_DIFFERENCES).toHaveLength(2);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s', (id, c) => {
    const { reference, understudy } = answers.get(id)!;
    judge(id, outcome(reference), outcome(understudy), KNOWN_DIFFERENCES, SUSPECTED_BUGS);
    // The global status difference: 303 from oidc-provider, 302 (GET) or 303 (POST) from understudy.
    if (reference.kind !== 'page' && reference.via !== 'form_post') expect(reference.status).toBe(303);
    if (understudy.kind !== 'page') expect(understudy.status, id).toBe(c.method === 'POST' ? 303 : 302);
  });

  it('sends understudy interactions to its login page (/login)', () => {
    for (const [id, { understudy }] of answers) {
      // A relative Location (the browser stays on the origin it used): resolved against the server.
      if (understudy.kind === 'interaction') expect(new URL(understudy.location!, 'http://understudy.invalid').pathname, id).toBe('/login');
    }
  });
});

describe('authorization endpoint with a signed-in browser: understudy vs oidc-provider', () => {
  const base = { client_id: 'ref-confidential', response_type: 'code', scope: 'openid', redirect_uri: 'https://app.example/cb', state: S, code_challenge: CODE_CHALLENGE, code_challenge_method: 'S256' };
  // alice signed in to ref-confidential with scope openid, and consented to it; then:
  const cases: [id: string, params: Record<string, string>, expected: Outcome][] = [
    ['same request again', base, redirect(undefined, { code: true })],
    ['prompt=none', { ...base, prompt: 'none' }, redirect(undefined, { code: true })],
    ['prompt=none, response_mode=fragment', { ...base, prompt: 'none', response_mode: 'fragment' }, redirect(undefined, { code: true, mode: 'fragment' })],
    ['prompt=login', { ...base, prompt: 'login' }, interaction],
    ['prompt=consent', { ...base, prompt: 'consent' }, interaction],
    ['max_age=0', { ...base, max_age: '0' }, interaction],
    ['prompt=none, max_age=0', { ...base, prompt: 'none', max_age: '0' }, redirect('login_required')],
    ['a scope not consented to (profile)', { ...base, scope: 'openid profile' }, interaction],
    ['prompt=none, a scope not consented to', { ...base, prompt: 'none', scope: 'openid profile' }, redirect('consent_required')],
    ['another client', { ...base, client_id: 'ref-public' }, interaction],
    ['prompt=none, another client', { ...base, client_id: 'ref-public', prompt: 'none' }, redirect('consent_required')],
  ];
  const jar = new CookieJar();
  let cookie = '';

  beforeAll(async () => {
    expect((await referenceSignIn(ref, base, { jar, accountId: USER.username })).code).toBeDefined();
    const browser = new HttpPerson(server.url, USER);
    const callback = await browser.signIn(`${server.url}/authorize?${new URLSearchParams(base)}`);
    expect(new URL(callback).searchParams.get('code')).toBeTruthy();
    cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  });

  // In order: each request runs in the one browser (its session and consents).
  it.each(cases)('%s', async (id, params, expected) => {
    const reference = outcome(await authorizeAnswer(`${ref.url}/auth`, new URLSearchParams(params), 'GET', { cookie: jar.header() }));
    const understudy = outcome(await authorizeAnswer(`${server.url}/authorize`, new URLSearchParams(params), 'GET', { cookie }));
    expect(reference, `${id}: oidc-provider`).toEqual(clean(expected));
    expect(understudy, `${id}: understudy`).toEqual(reference);
  });
});

describe('token endpoint, code redemption: understudy vs oidc-provider', () => {
  const CONFIDENTIAL = { clientId: 'ref-confidential', secret: 'ref-confidential-secret' };
  const PUBLIC = { clientId: 'ref-public' };
  const authorize = { client_id: CONFIDENTIAL.clientId, response_type: 'code', scope: 'openid', redirect_uri: 'https://app.example/cb', state: S, code_challenge: CODE_CHALLENGE, code_challenge_method: 'S256' };
  const redeem = { grant_type: 'authorization_code', redirect_uri: 'https://app.example/cb', code_verifier: CODE_VERIFIER };

  /** Authorization parameters with `set` applied; an undefined value removes the parameter. */
  const without = (params: Record<string, string>, set: Record<string, string | undefined>): Record<string, string> =>
    clean({ ...params, ...set }) as Record<string, string>;

  async function codes(params: Record<string, string | undefined> = {}): Promise<{ reference: string; understudy: string }> {
    const query = without(authorize, params);
    const [answer, callback] = await Promise.all([referenceSignIn(ref, query, { accountId: USER.username }), new HttpPerson(server.url, USER).signIn(`${server.url}/authorize?${new URLSearchParams(query)}`)]);
    const understudy = new URL(callback).searchParams.get('code');
    if (answer.code === undefined || !understudy) throw new Error(`no code: ${JSON.stringify(answer)} / ${callback}`);
    return { reference: answer.code, understudy };
  }

  async function both(code: { reference: string; understudy: string }, params: Record<string, string | undefined>, client: { clientId: string; secret?: string }) {
    const body = (value: string) => without({ ...redeem, code: value }, params);
    const [reference, understudy] = await Promise.all([referenceToken(ref, body(code.reference), client), tokenRequest(`${server.url}/token`, body(code.understudy), client)]);
    return { reference, understudy };
  }

  const cases: [id: string, authorization: Record<string, string | undefined>, token: Record<string, string | undefined>, client: { clientId: string; secret?: string }][] = [
    ['redeemed', {}, {}, CONFIDENTIAL],
    ['redeemed by a public client', { client_id: PUBLIC.clientId }, {}, PUBLIC],
    ['offline-access-without-consent', { scope: 'openid offline_access' }, {}, CONFIDENTIAL],
    ['offline-access-with-consent', { scope: 'openid offline_access', prompt: 'consent' }, {}, CONFIDENTIAL],
    ['code-of-another-client', {}, {}, PUBLIC],
    ['code-of-another-client (public code, confidential client)', { client_id: PUBLIC.clientId }, {}, CONFIDENTIAL],
    ['redirect-uri-mismatch', {}, { redirect_uri: 'https://app.example/cb2' }, CONFIDENTIAL],
    ['redirect-uri-omitted', {}, { redirect_uri: undefined }, CONFIDENTIAL],
    ['redirect-uri-omitted-two-registered', { client_id: PUBLIC.clientId }, { redirect_uri: undefined }, PUBLIC],
    ['redirect-uri-omitted-both', { redirect_uri: undefined }, { redirect_uri: undefined }, CONFIDENTIAL],
    ['redirect-uri-empty-at-token', { redirect_uri: undefined }, { redirect_uri: '' }, CONFIDENTIAL],
    ['pkce-verifier-missing', {}, { code_verifier: undefined }, CONFIDENTIAL],
    ['pkce-verifier-wrong', {}, { code_verifier: 'x'.repeat(43) }, CONFIDENTIAL],
    ['pkce-verifier-malformed', {}, { code_verifier: 'x' }, CONFIDENTIAL],
    ['pkce-verifier-without-challenge', { code_challenge: undefined, code_challenge_method: undefined }, {}, CONFIDENTIAL],
    ['pkce-verifier-empty-without-challenge', { code_challenge: undefined, code_challenge_method: undefined }, { code_verifier: '' }, CONFIDENTIAL],
    ['pkce-public-verifier-missing', { client_id: PUBLIC.clientId }, { code_verifier: undefined }, PUBLIC],
  ];

  const answers = new Map<string, { reference: TokenAnswer; understudy: TokenAnswer }>();
  beforeAll(async () => {
    // Each case has its own browsers and codes, so all run at once.
    await Promise.all(cases.map(async ([id, authorization, token, client]) => answers.set(id, await both(await codes(authorization), token, client))));
  });

  it('lists only differences of existing cases', () => {
    const known = new Set(cases.map(([id]) => id));
    expect([...Object.keys(KNOWN_TOKEN_DIFFERENCES), ...Object.keys(SUSPECTED_TOKEN_BUGS)].filter((id) => !known.has(id))).toEqual([]);
  });

  it.each(cases.map(([id]) => id))('%s', (id) => {
    const { reference, understudy } = answers.get(id)!;
    judge(id, tokenOutcome(reference), tokenOutcome(understudy), KNOWN_TOKEN_DIFFERENCES, SUSPECTED_TOKEN_BUGS);
  });

  it('an unknown code: invalid_grant on both', async () => {
    const { reference, understudy } = await both({ reference: 'no-such-code', understudy: 'no-such-code' }, {}, CONFIDENTIAL);
    expect(tokenOutcome(reference)).toEqual(refused('invalid_grant'));
    expect(tokenOutcome(understudy)).toEqual(tokenOutcome(reference));
  });

  it('a code reused: invalid_grant on both, and the access token it gave is revoked on both (RFC 6749 §4.1.2)', async () => {
    const code = await codes();
    const first = await both(code, {}, CONFIDENTIAL);
    expect(tokenOutcome(first.reference)).toEqual(tokens());
    expect(tokenOutcome(first.understudy)).toEqual(tokens());
    const reference = first.reference.body.access_token!;
    const understudy = first.understudy.body.access_token!;
    const introspect = async (token: string) => (await tokenRequest(`${server.url}/introspect`, { token }, CONFIDENTIAL)).body.active;
    const api = async (token: string) => (await fetch(`${server.url}/hcmRestApi/resources/11.13.18.05/emps`, { headers: { authorization: `Bearer ${token}` } })).status;
    expect(await referenceIntrospect(ref, reference, CONFIDENTIAL)).toBe(true);
    expect(await introspect(understudy)).toBe(true);
    expect(await api(understudy)).toBe(200);

    const again = await both(code, {}, CONFIDENTIAL);
    expect(tokenOutcome(again.reference)).toEqual(refused('invalid_grant'));
    expect(tokenOutcome(again.understudy)).toEqual(refused('invalid_grant'));

    expect(await referenceIntrospect(ref, reference, CONFIDENTIAL)).toBe(false);
    expect(await introspect(understudy)).toBe(false);
    expect(await api(understudy)).toBe(401);
  });

  // oidc-provider reads Date.now() only (test/reference/oidc-provider-clock.ts): its side is not run.
  it('an expired code: invalid_grant once authorizationCodeTtl has passed (understudy only, on its virtual clock)', async () => {
    const ttl = server.config.authorizationCodeTtl;
    server.clock.freeze(); // whole seconds, so the boundary is exact
    try {
      const [a, b] = [await codes(), await codes()];
      server.clock.advance(ttl - 1);
      expect(tokenOutcome(await tokenRequest(`${server.url}/token`, { ...redeem, code: a.understudy }, CONFIDENTIAL))).toEqual(tokens());
      server.clock.advance(1);
      expect(tokenOutcome(await tokenRequest(`${server.url}/token`, { ...redeem, code: b.understudy }, CONFIDENTIAL))).toEqual(refused('invalid_grant'));
    } finally {
      server.clock.advance(-ttl);
      server.clock.resume();
    }
  });
});
