/**
 * Fuzzes the browser-facing endpoints of the authorization code flow (authorize, the login and
 * consent pages, the token endpoint's authorization_code grant, userinfo and logout) on a real
 * server on an ephemeral port, for both profiles, over plain node:http so every query string,
 * form body and Cookie header goes on the wire exactly as generated. Invariants:
 * - never a 5xx, never a hang (each request finishes within REQUEST_BOUND_MS), exactly one
 *   journal entry per request; Location and Set-Cookie never carry CR/LF; HTML pages carry a
 *   content-security-policy;
 * - authorize answers 4xx without Location, or redirects to understudy's own login/consent page
 *   or to exactly the redirect URI the request names (or the client's only one), never
 *   elsewhere; what it sends there echoes `state` iff state was sent once, non-empty and not
 *   oversized; a code only for a browser with a live session;
 * - the login and consent forms grant a code only when the form's interaction id is the
 *   cookie's, the interaction is live and the right password / "allow" was given (and then do);
 * - the token endpoint never redeems a random code, verifier or redirect_uri (400/401 JSON);
 * - userinfo and logout answer 4xx, the signed-out page, or a registered post-logout URI;
 * - HTML pages never carry markup from the request (they have no script of their own).
 * Bugs it found are pinned at the end as minimal cases.
 * FUZZ_STATS=1 also prints what the answers were, to check the generators reach past the first refusal.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type ProfileName, type UnderstudyConfig, type UnderstudyServer } from '../../server/index.ts';
import { createProfile } from '../../server/profiles/index.ts';
import { MAX_PARAMETER_LENGTH, tooLong } from '../../server/authorization/interaction/parse-authorization-request.ts';
import { interactionCookie, sessionCookie as sessionCookieName } from '../../server/authorization/interaction/browser-cookies.ts';
import { CaseCounter, SEED, runs } from './support.ts';
import { CookieJar } from '../../harness/person/cookie-jar.ts';

const counter = new CaseCounter();
/** What the answers were, to see that the properties reach past the first refusal (FUZZ_STATS=1 prints them). */
const outcomes = new CaseCounter();
afterAll(() => {
  counter.report('browser-endpoints');
  if (process.env.FUZZ_STATS) outcomes.report('browser-endpoints outcomes');
});

/** Runs per property: small for `npm test` (the file stays well under 15 s), FUZZ_RUNS for `npm run test:fuzz`. */
const RUNS = { authorize: runs(100), faults: runs(40), interactions: runs(40), userinfo: runs(60), token: runs(60), logout: runs(50) };
/** Longest a single request may take before it counts as a hang. */
const REQUEST_BOUND_MS = 5_000;
/** Node refuses request heads over 16 KiB (431, before the app and its journal): GETs stay below. */
const MAX_GET_QUERY = 14_000;
/** Node's default limit on an answer's head (--max-http-header-size): a Location above it breaks Node clients. */
const NODE_HEADER_LIMIT = 16 * 1024;
/** Oversized values go up to ~10 kB, past MAX_PARAMETER_LENGTH. */
const OVERSIZED_MAX = 10_240;

const USER = { username: 'ada', password: 'lovelace' };
const CALLBACK = 'http://127.0.0.1:7999/callback';
const CALLBACK_WITH_QUERY = 'http://127.0.0.1:7999/cb?tenant=acme';
const LOCAL_CALLBACK = '/local-callback';
const SPA_CALLBACK = 'com.example.app:/oauth2redirect';
const QUICK_CALLBACK = 'http://localhost:8080/cb';
const SIGNED_OUT = 'http://127.0.0.1:7999/signed-out';
const LOCAL_SIGNED_OUT = '/local-signed-out';
const DEMO_RESOURCE_SCOPE = 'https://api.understudy.test:443urn:opc:resource:consumer::all';

const CLIENTS: NonNullable<UnderstudyConfig['clients']> = [
  // Confidential, consent required, three redirect URIs (one with a query, one a path on the server).
  { id: 'web-app', secret: 'web-secret', name: 'Web <App> "&"', grants: ['authorization_code', 'refresh_token'], redirectUris: [CALLBACK, CALLBACK_WITH_QUERY, LOCAL_CALLBACK], postLogoutRedirectUris: [SIGNED_OUT, LOCAL_SIGNED_OUT] },
  // Public, PKCE required, a native app's custom scheme, no consent.
  { id: 'spa', public: true, grants: ['authorization_code'], redirectUris: [SPA_CALLBACK], requireConsent: false },
  // Confidential, one redirect URI, no consent: a login answers with a code at once.
  { id: 'quick', secret: 'quick-secret', grants: ['authorization_code'], redirectUris: [QUICK_CALLBACK], requireConsent: false, postLogoutRedirectUris: [SIGNED_OUT] },
  // No authorization_code grant, no redirect URI.
  { id: 'svc', secret: 'svc-secret', grants: ['client_credentials'] },
];
const CLIENT_IDS = CLIENTS.map((c) => c.id);

const AUTHORIZE_ERRORS = new Set([
  'invalid_request', 'unauthorized_client', 'access_denied', 'unsupported_response_type', 'invalid_scope', 'invalid_target', 'server_error', 'temporarily_unavailable',
  'login_required', 'consent_required', 'interaction_required', 'request_not_supported', 'request_uri_not_supported', 'unsupported_response_mode',
]);
const TOKEN_ERRORS = new Set(['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope', 'invalid_target']);

// ---------------------------------------------------------------------------------------------
// HTTP on the wire, exactly as generated.

interface Reply {
  status: number;
  headers: IncomingMessage['headers'];
  rawHeaders: string[];
  location: string | undefined;
  setCookies: string[];
  type: string;
  text: string;
  json: any;
}

const agent = new Agent({ keepAlive: true, maxSockets: 8 });
afterAll(() => agent.destroy());
/** Requests put on the wire, to compare with the journal. */
let requestsSent = 0;

function hit(server: UnderstudyServer, method: string, path: string, options: { headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  const { port } = new URL(server.url);
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
  return new Promise<Reply>((resolve, reject) => {
    // Browsers read answer heads up to 256 KiB (Node's own default is 16 KiB): see NODE_HEADER_LIMIT.
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent, maxHeaderSize: 256 * 1024 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        const setCookie = res.headers['set-cookie'];
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          rawHeaders: res.rawHeaders,
          location: typeof res.headers.location === 'string' ? res.headers.location : undefined,
          setCookies: Array.isArray(setCookie) ? setCookie : [],
          type: String(res.headers['content-type'] ?? ''),
          text,
          json,
        });
      });
    });
    requestsSent += 1;
    const timer = setTimeout(() => req.destroy(new Error(`HANG: no complete answer within ${REQUEST_BOUND_MS} ms to ${method} ${path.slice(0, 300)}`)), REQUEST_BOUND_MS);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(options.body);
  });
}

/** The pieces of a query string or form body: encoded pairs, or raw text sent as is. */
type Piece = { key: string; value: string } | { raw: string };

function encodePieces(pieces: readonly Piece[]): string {
  return pieces.map((p) => ('raw' in p ? p.raw : new URLSearchParams([[p.key, p.value]]).toString())).join('&');
}

/** What the server reads from a query string or form body (WHATWG urlencoded parsing, as parseForm). */
function parsed(wire: string): URLSearchParams {
  return new URLSearchParams(wire);
}

/** A parameter sent exactly once with a value (RFC 6749 §3.1: an empty one counts as omitted). */
function once(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name);
  return values.length === 1 && values[0] !== '' ? values[0] : undefined;
}

/** The Cookie value the `cookies` package (Koa's ctx.cookies) reads: the first `name=` pair, quotes stripped. */
function cookieAsServerReads(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  const match = new RegExp(`(?:^|;) *${name.replace(/[-[\]{}()*+?.,\\^$|#\s]/g, '\\$&')}=([^;]*)`).exec(header);
  if (!match) return undefined;
  let value = match[1] as string;
  if (value[0] === '"') value = value.slice(1, -1);
  return value || undefined;
}

function abs(server: UnderstudyServer, uri: string): string {
  return uri.startsWith('/') ? `${server.url}${uri}` : uri;
}

// ---------------------------------------------------------------------------------------------
// A browser: keeps cookies, walks understudy's own redirects, signs in and consents.

class Browser {
  readonly cookies = new CookieJar();
  readonly server: UnderstudyServer;
  constructor(server: UnderstudyServer) {
    this.server = server;
  }

  cookieHeader(): string | undefined {
    return this.cookies.header();
  }

  async go(method: string, url: string, form?: Record<string, string>): Promise<Reply> {
    const target = new URL(url);
    const headers: Record<string, string> = {};
    const cookie = this.cookieHeader();
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(form).toString();
    }
    const reply = await hit(this.server, method, `${target.pathname}${target.search}`, { headers, body });
    this.cookies.store(reply.setCookies);
    return reply;
  }

  /** Follows an authorization from its URL to the first redirect that leaves understudy, logging in and consenting on the way. */
  async authorize(query: Record<string, string>, consent: 'allow' | 'deny' = 'allow'): Promise<URL> {
    const paths = pathsOf(this.server);
    let reply = await this.go('GET', `${this.server.url}${paths.authorize}?${new URLSearchParams(query)}`);
    for (let hop = 0; hop < 8; hop += 1) {
      const location = reply.location;
      if (!location) throw new Error(`no redirect: ${reply.status} ${reply.text.slice(0, 300)}`);
      const next = new URL(location, this.server.url);
      const uid = next.searchParams.get('interaction') ?? '';
      if (next.href.startsWith(`${this.server.url}${paths.login}?`)) {
        reply = await this.go('POST', `${this.server.url}${paths.login}`, { interaction: uid, username: USER.username, password: USER.password, action: 'login' });
      } else if (next.href.startsWith(`${this.server.url}${paths.consent}?`)) {
        reply = await this.go('POST', `${this.server.url}${paths.consent}`, { interaction: uid, action: consent });
      } else {
        return next;
      }
    }
    throw new Error('too many redirects');
  }
}

const pathsByProfile = new Map<string, ReturnType<typeof createProfile>['paths']>();
function pathsOf(server: UnderstudyServer) {
  const name = server.config.profile;
  let paths = pathsByProfile.get(name);
  if (!paths) {
    paths = createProfile(name).paths;
    pathsByProfile.set(name, paths);
  }
  return paths;
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

function newVerifier(): string {
  return randomBytes(48).toString('base64url');
}

// ---------------------------------------------------------------------------------------------
// Checks every answer gets.

function isForm(type: string | undefined): boolean {
  return /^application\/x-www-form-urlencoded\s*(;|$)/i.test(type ?? '');
}

function lastJournalReason(server: UnderstudyServer): string {
  const entries = server.journal.entries();
  const last = entries[entries.length - 1];
  return last ? `${last.endpoint} ${last.status} ${last.reason}` : '(journal empty)';
}

/** Never a 5xx; no CR/LF in Location or Set-Cookie; understudy's cookies HttpOnly; HTML with a CSP. */
function expectSaneHeaders(server: UnderstudyServer, reply: Reply, where: string, configured5xx?: number): void {
  if (reply.status !== configured5xx) expect(reply.status, `${where} -> ${reply.status} ${reply.text.slice(0, 300)} [journal: ${lastJournalReason(server)}]`).toBeLessThan(500);
  if ((reply.location?.length ?? 0) > NODE_HEADER_LIMIT) outcomes.tick(`Location over ${NODE_HEADER_LIMIT} bytes (Node clients refuse it): ${where.slice(0, 40)}`);
  for (let i = 0; i < reply.rawHeaders.length; i += 2) {
    const name = (reply.rawHeaders[i] as string).toLowerCase();
    const value = reply.rawHeaders[i + 1] as string;
    if (name === 'location' || name === 'set-cookie') expect(/[\r\n]/.test(value), `${where}: ${name} carries CR/LF: ${JSON.stringify(value)}`).toBe(false);
  }
  for (const line of reply.setCookies) {
    if (/^understudy_/i.test(line)) {
      expect(line, `${where}: cookie flags`).toMatch(/;\s*httponly/i);
      expect(line, `${where}: cookie flags`).toMatch(/;\s*samesite=lax/i);
    }
  }
  // A configured fault's answer is the rule's own (e.g. a proxy's bare error page).
  if (/^text\/html/i.test(reply.type) && reply.status !== configured5xx) {
    const csp = String(reply.headers['content-security-policy'] ?? '');
    expect(csp, `${where}: an HTML page without a content-security-policy`).toMatch(/default-src 'none'/);
    expect(csp, `${where}: csp`).toMatch(/frame-ancestors 'none'/);
    // The pages have no script at all: one in a page is reflected input.
    expect(/<script|<[a-z]+[^>]*\son[a-z]+=/i.test(reply.text), `${where}: markup injected into the page: ${reply.text.slice(0, 300)}`).toBe(false);
  }
}

/** A 4xx refusal: no Location; an HTML page (with its CSP, checked above) or a JSON error. */
function expectRefusal(reply: Reply, where: string): void {
  expect(reply.status, where).toBeGreaterThanOrEqual(400);
  expect(reply.status, where).toBeLessThan(500);
  expect(reply.location, `${where}: a ${reply.status} with a Location`).toBeUndefined();
  if (reply.text && !/^text\/html/i.test(reply.type)) {
    expect(reply.type, where).toMatch(/^application\/json/);
    expect(typeof reply.json?.error, `${where}: no error in ${reply.text.slice(0, 200)}`).toBe('string');
  }
}

/** Every request of one run has exactly one journal entry, once the journal settled. */
async function expectJournaled(server: UnderstudyServer, recordedBefore: number, sentBefore: number, where: string): Promise<void> {
  expect(await server.settle({ timeoutMs: REQUEST_BOUND_MS }), `${where}: requests still in flight`).toBe(true);
  expect(server.journal.recorded - recordedBefore, `${where}: journal entries for ${requestsSent - sentBefore} requests`).toBe(requestsSent - sentBefore);
}

/** Runs a property step and checks the journal afterwards. */
async function journaled(server: UnderstudyServer, where: () => string, run: () => Promise<Reply>): Promise<Reply> {
  const recorded = server.journal.recorded;
  const sent = requestsSent;
  const reply = await run();
  await expectJournaled(server, recorded, sent, `${where()} -> ${reply.status} ${JSON.stringify(reply.headers).slice(0, 300)} ${reply.text.slice(0, 200)}`);
  return reply;
}

/** Is this Location understudy's own login or consent page (absolute, or a path on the origin the browser is on)? */
function ownPage(server: UnderstudyServer, location: string): 'login' | 'consent' | undefined {
  const paths = pathsOf(server);
  for (const step of ['login', 'consent'] as const) {
    for (const prefix of [`${server.url}${paths[step]}?interaction=`, `${paths[step]}?interaction=`]) {
      if (location.startsWith(prefix) && /^[A-Za-z0-9_-]{16,}$/.test(location.slice(prefix.length))) return step;
    }
  }
  return undefined;
}

/** The interaction id of an own-page Location. */
function interactionOf(server: UnderstudyServer, location: string | undefined): string {
  return new URL(location ?? '', server.url).searchParams.get('interaction') ?? '';
}

/** The answer's parameters at the redirect URI `target` (query added to the registered one, or fragment). */
function answerAt(target: string, location: string, where: string): { params: URLSearchParams; mode: 'query' | 'fragment' } {
  const separator = target.includes('?') ? '&' : '?';
  const ok = location.startsWith(`${target}${separator}`) || location.startsWith(`${target}#`);
  expect(ok, `${where}: Location ${location.slice(0, 300)} is not the redirect URI ${target} plus an answer`).toBe(true);
  const rest = location.slice(target.length);
  return { params: new URLSearchParams(rest.slice(1)), mode: rest.startsWith('#') ? 'fragment' : 'query' };
}

// ---------------------------------------------------------------------------------------------
// Generators.

const asciiPrintable = (maxLength: number) => fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });

const oversized = fc
  .tuple(fc.integer({ min: MAX_PARAMETER_LENGTH + 1, max: OVERSIZED_MAX }), fc.constantFrom('a', 'Z9', '~', '-_', 'é'))
  .map(([length, unit]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length));
const boundary = fc.constantFrom(MAX_PARAMETER_LENGTH - 1, MAX_PARAMETER_LENGTH, MAX_PARAMETER_LENGTH + 1).map((n) => 's'.repeat(n));

/** Any value: text, unicode, binary (lone surrogates too), header-injection and URL-looking text, boundary and oversized. */
const anyValue = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 16 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 16 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '', ' ', '%', '%zz', '%E0%A4%A', '\u0000', '\r\nSet-Cookie: evil=1', '\r\nLocation: https://evil.example/', 'a\nb', '<script>alert(1)</script>', `"'><`,
      'https://evil.example/cb', '//evil.example', 'javascript:alert(1)', '\uFEFF', '\uD800', '😀😀😀', 'null', '[]', '{}', '0', '-1',
    ),
  },
  { weight: 1, arbitrary: oversized },
  { weight: 1, arbitrary: boundary },
);

/** Raw (unencoded) query/body text: percent garbage and separators, printable ASCII without '#'. */
const rawPiece = fc.oneof(
  fc.constantFrom('%', '%%', '%zz=1', '=&=&', '&&&', 'state=%E0%A4%A', 'state', 'state=', '=state', 'client_id', 'a=%', '%00=%00', '+=+', 'redirect_uri=%'),
  asciiPrintable(20).filter((s) => !s.includes('#')),
).map((raw) => ({ raw }) as Piece);

function randomKeyPiece() {
  return fc.tuple(fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('', ' ', 'state ', 'STATE', 'client_id[]', 'redirect_uri\u0000')), anyValue).map(([key, value]) => ({ key, value }) as Piece);
}

/** One change to a well-formed request: drop, empty, repeat or replace a parameter, or add one (or raw junk). */
type Mutation = { op: 'drop' | 'empty'; at: number } | { op: 'dup' | 'set'; at: number; value: string | undefined } | { op: 'add'; piece: Piece };

function applyMutations(pairs: readonly { key: string; value: string }[], mutations: readonly Mutation[]): Piece[] {
  const pieces: Piece[] = pairs.map((p) => ({ ...p }));
  for (const m of mutations) {
    if (m.op === 'add') {
      pieces.push(m.piece);
      continue;
    }
    if (pieces.length === 0) continue;
    const at = m.at % pieces.length;
    const target = pieces[at] as Piece;
    if (m.op === 'drop') pieces.splice(at, 1);
    else if ('raw' in target) continue;
    else if (m.op === 'empty') pieces[at] = { key: target.key, value: '' };
    else if (m.op === 'set') pieces[at] = { key: target.key, value: m.value ?? '' };
    else if (m.op === 'dup') pieces.splice(at + 1, 0, { key: target.key, value: m.value ?? target.value });
  }
  return pieces;
}

function mutations(interesting: fc.Arbitrary<string>, names: readonly string[], maxLength = 3) {
  const value = fc.oneof({ weight: 2, arbitrary: interesting }, { weight: 2, arbitrary: anyValue });
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ op: fc.constantFrom('drop' as const, 'empty' as const), at: fc.nat() }),
    fc.record({ op: fc.constantFrom('dup' as const, 'set' as const), at: fc.nat(), value: fc.option(value, { nil: undefined }) }),
    fc.record({
      op: fc.constant('add' as const),
      piece: fc.oneof(fc.tuple(fc.constantFrom(...names), value).map(([key, v]) => ({ key, value: v }) as Piece), randomKeyPiece(), rawPiece),
    }),
  );
  return fc.oneof({ weight: 1, arbitrary: fc.constant<Mutation[]>([]) }, { weight: 3, arbitrary: fc.array(mutation, { minLength: 1, maxLength }) });
}

const AUTHORIZE_PARAMS = ['client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'nonce', 'prompt', 'max_age', 'login_hint', 'code_challenge', 'code_challenge_method', 'response_mode', 'request', 'request_uri', 'resource'];

/** Sometimes present (`weight` of 4), with a value from `values`. */
function maybe(name: string, values: fc.Arbitrary<string>, weight = 2) {
  return fc.oneof({ weight: 4 - weight, arbitrary: fc.constant<{ key: string; value: string }[]>([]) }, { weight, arbitrary: values.map((value) => [{ key: name, value }]) });
}

/**
 * Authorization requests: a well-formed one for web-app, spa or quick (sometimes with what
 * the client needs, such as PKCE, left out), then up to three mutations.
 */
function authorizeQuery(server: UnderstudyServer) {
  // A fixed verifier keeps the generated requests reproducible from the seed.
  const challenge = s256('fuzz-verifier-0123456789-abcdefghijklmnopqrstuvwxyz');
  const ownUris = { 'web-app': [CALLBACK, CALLBACK_WITH_QUERY, LOCAL_CALLBACK, `${server.url}${LOCAL_CALLBACK}`], spa: [SPA_CALLBACK], quick: [QUICK_CALLBACK] };
  const lookalikes = [
    `${CALLBACK}/`, CALLBACK.toUpperCase(), `${CALLBACK}?x=1`, `${CALLBACK}#frag`, `${CALLBACK}@evil.example`, `${CALLBACK}/../evil`, `${CALLBACK}%2F..%2Fevil`,
    'http://127.0.0.1:7999/cb', 'http://127.0.0.1:7999/cb?tenant=other', `${CALLBACK_WITH_QUERY}&x=1`, `${LOCAL_CALLBACK}/`, `${LOCAL_CALLBACK}?x`, `//evil.example${LOCAL_CALLBACK}`,
    `${server.url}${LOCAL_CALLBACK}/..`, `${server.url.replace('127.0.0.1', 'localhost')}${LOCAL_CALLBACK}`, 'local-callback', 'https://evil.example/callback', 'com.example.app:/other',
    'javascript:alert(1)//', `${SPA_CALLBACK} `, ` ${QUICK_CALLBACK}`, SPA_CALLBACK, QUICK_CALLBACK, CALLBACK,
  ];
  const interesting = fc.oneof(
    fc.constantFrom(...lookalikes),
    fc.constantFrom(...CLIENT_IDS, 'nobody', 'WEB-APP', 'web-app '),
    fc.constantFrom('code', 'token', 'id_token', 'code id_token', 'CODE', 'none'),
    fc.constantFrom('none', 'login', 'consent', 'select_account', 'none login', 'login consent', 'bogus', ' none '),
    fc.constantFrom('0', '60', '-1', '1e3', '99999999999', 'abc'),
    fc.constantFrom(challenge, challenge.slice(1), `${challenge}${'A'.repeat(90)}`, `${challenge.slice(1)}!`, 'S256', 'plain', 's256'),
    fc.constantFrom('query', 'fragment', 'form_post', 'jwt', 'eyJhbGciOiJub25lIn0.e30.', 'urn:ietf:params:oauth:request_uri:x', 'https://api.understudy.test:443', 'https://other.example'),
    fc.constantFrom('openid', 'openid profile email', 'offline_access', DEMO_RESOURCE_SCOPE, 'nope', 'openid unknown:scope'),
    boundary,
    oversized,
  );
  const stateValue = fc.oneof({ weight: 6, arbitrary: fc.string({ maxLength: 40 }) }, { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) }, { weight: 1, arbitrary: boundary }, { weight: 1, arbitrary: oversized });
  const base = fc.constantFrom<'web-app' | 'spa' | 'quick'>('web-app', 'spa', 'quick').chain((clientId) =>
    fc
      .tuple(
        clientId === 'web-app' ? fc.constantFrom(...ownUris['web-app']).map((value) => [{ key: 'redirect_uri', value }]) : maybe('redirect_uri', fc.constantFrom(...ownUris[clientId])),
        maybe('state', stateValue, 3),
        maybe('scope', fc.constantFrom('openid', 'openid profile email', 'openid offline_access', DEMO_RESOURCE_SCOPE, `openid ${DEMO_RESOURCE_SCOPE}`, 'profile')),
        maybe('nonce', fc.string({ minLength: 1, maxLength: 20 }), 1),
        maybe('prompt', fc.constantFrom('none', 'login', 'consent', 'select_account', 'login consent'), 1),
        maybe('max_age', fc.constantFrom('0', '60', '3600'), 1),
        maybe('login_hint', fc.constantFrom('ada', 'someone', '<b>x</b>'), 1),
        // PKCE: spa must send it; the others may.
        fc.oneof(
          { weight: clientId === 'spa' ? 6 : 2, arbitrary: fc.constant([{ key: 'code_challenge', value: challenge }, { key: 'code_challenge_method', value: 'S256' }]) },
          { weight: 2, arbitrary: fc.constant<{ key: string; value: string }[]>([]) },
        ),
        maybe('response_mode', fc.constantFrom('query', 'fragment'), 1),
      )
      .map((groups) => [{ key: 'client_id', value: clientId }, { key: 'response_type', value: 'code' }, ...groups.flat()]),
  );
  return fc.tuple(base, mutations(interesting, AUTHORIZE_PARAMS)).map(([pairs, changes]) => encodePieces(applyMutations(pairs, changes)));
}

const methodOf = fc.oneof(
  { weight: 6, arbitrary: fc.constant('GET') },
  { weight: 5, arbitrary: fc.constant('POST') },
  { weight: 1, arbitrary: fc.constantFrom('HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS') },
);
const formType = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8', 'APPLICATION/X-WWW-FORM-URLENCODED') },
  { weight: 1, arbitrary: fc.constantFrom('application/json', 'text/plain', 'multipart/form-data; boundary=x', '', 'application/x-www-form-urlencodedx') },
);
const cookieValue = fc.oneof(fc.string({ unit: fc.constantFrom(...'ABCabc019-_'), minLength: 1, maxLength: 32 }), asciiPrintable(20).filter((s) => !s.includes(';')), fc.constantFrom('', '""', '"', '%00'));

/**
 * A query over Node's request-head limit is refused by Node itself (431) before the app, so it
 * gets no journal entry: such a GET/HEAD is sent as a form POST instead.
 */
function fitting(method: string, wire: string): string {
  return (method === 'GET' || method === 'HEAD') && wire.length > MAX_GET_QUERY ? 'POST' : method;
}

/** Sends a browser request: GET/HEAD with the query, anything else with the form body. */
function sendBrowserRequest(server: UnderstudyServer, method: string, path: string, wire: string, type: string, cookie: string | undefined): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (cookie !== undefined) headers.cookie = cookie;
  if (method === 'GET' || method === 'HEAD') return hit(server, method, wire ? `${path}?${wire}` : path, { headers });
  if (type) headers['content-type'] = type;
  return hit(server, method, path, { headers, body: wire });
}

// ---------------------------------------------------------------------------------------------

describe.each<ProfileName>(['idcs', 'rfc9068'])('browser endpoints (%s profile)', (profile) => {
  let server: UnderstudyServer;
  let paths: ReturnType<typeof createProfile>['paths'];
  /** A browser signed in as ada (the authorize property's live session). */
  let signedIn: Browser;
  /** ada's user access token with openid (userinfo's 200), one without openid, and a client's. */
  let userToken: string;
  let noOpenidToken: string;
  let clientToken: string;
  /** ID tokens of web-app (post-logout URIs registered) and spa (none). */
  let webIdToken: string;
  let spaIdToken: string;
  /** spa's unredeemed code and its verifier (never given to the fuzzer), and redeemed codes. */
  let liveCode: { code: string; verifier: string };
  let redeemedCodes: string[];

  const tokenPath = () => pathsOf(server).token;

  async function redeem(code: string, auth: { basic?: string; clientId?: string }, extra: Record<string, string>): Promise<Reply> {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (auth.basic) headers.authorization = `Basic ${Buffer.from(auth.basic).toString('base64')}`;
    const form = new URLSearchParams({ grant_type: 'authorization_code', code, ...extra, ...(auth.clientId ? { client_id: auth.clientId } : {}) });
    return hit(server, 'POST', tokenPath(), { headers, body: form.toString() });
  }

  beforeAll(async () => {
    server = await createServer({
      port: 0,
      profile,
      config: {
        users: [{ username: USER.username, password: USER.password, displayName: 'Ada <Lovelace>', email: 'ada@example.test' }],
        clients: CLIENTS,
      },
    });
    paths = pathsOf(server);

    signedIn = new Browser(server);
    const first = await signedIn.authorize({ client_id: 'quick', response_type: 'code', state: 'setup' });
    expect(first.searchParams.get('code'), first.href).toBeTruthy();

    // ada at web-app with openid: consent, code, tokens.
    const tokens = new Browser(server);
    const webVerifier = newVerifier();
    const web = await tokens.authorize({ client_id: 'web-app', response_type: 'code', redirect_uri: CALLBACK, scope: `openid profile email ${DEMO_RESOURCE_SCOPE}`, nonce: 'n', code_challenge: s256(webVerifier), code_challenge_method: 'S256' });
    const webAnswer = await redeem(web.searchParams.get('code') ?? '', { basic: 'web-app:web-secret' }, { redirect_uri: CALLBACK, code_verifier: webVerifier });
    expect(webAnswer.status, webAnswer.text).toBe(200);
    userToken = webAnswer.json.access_token;
    webIdToken = webAnswer.json.id_token;
    expect(typeof webIdToken).toBe('string');

    const plain = await tokens.authorize({ client_id: 'web-app', response_type: 'code', redirect_uri: CALLBACK_WITH_QUERY, scope: DEMO_RESOURCE_SCOPE });
    const plainAnswer = await redeem(plain.searchParams.get('code') ?? '', { basic: 'web-app:web-secret' }, { redirect_uri: CALLBACK_WITH_QUERY });
    expect(plainAnswer.status, plainAnswer.text).toBe(200);
    noOpenidToken = plainAnswer.json.access_token;

    // spa: one code redeemed (its ID token), one kept live for the token property's end.
    const spaVerifier = newVerifier();
    const spa = await tokens.authorize({ client_id: 'spa', response_type: 'code', scope: 'openid', code_challenge: s256(spaVerifier), code_challenge_method: 'S256' });
    const spaCode = spa.searchParams.get('code') ?? '';
    const spaAnswer = await redeem(spaCode, { clientId: 'spa' }, { code_verifier: spaVerifier });
    expect(spaAnswer.status, spaAnswer.text).toBe(200);
    spaIdToken = spaAnswer.json.id_token;

    const webVerifier2 = newVerifier();
    const web2 = await tokens.authorize({ client_id: 'web-app', response_type: 'code', redirect_uri: CALLBACK, scope: 'openid', code_challenge: s256(webVerifier2), code_challenge_method: 'S256' });
    const web2Code = web2.searchParams.get('code') ?? '';
    expect((await redeem(web2Code, { basic: 'web-app:web-secret' }, { redirect_uri: CALLBACK, code_verifier: webVerifier2 })).status).toBe(200);
    redeemedCodes = [spaCode, web2Code];

    const liveVerifier = newVerifier();
    const live = await tokens.authorize({ client_id: 'spa', response_type: 'code', state: 'live', code_challenge: s256(liveVerifier), code_challenge_method: 'S256' });
    liveCode = { code: live.searchParams.get('code') ?? '', verifier: liveVerifier };
    expect(liveCode.code).not.toBe('');

    const svc = await hit(server, 'POST', tokenPath(), {
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('svc:svc-secret').toString('base64')}` },
      body: 'grant_type=client_credentials',
    });
    expect(svc.status, svc.text).toBe(200);
    clientToken = svc.json.access_token;
  });
  afterAll(async () => {
    await server?.close();
  });

  /** The redirect URI an authorization request may be answered at: the one it names, else the client's only one. */
  function allowedRedirect(sent: URLSearchParams): string | undefined {
    const clientId = once(sent, 'client_id');
    const client = clientId === undefined ? undefined : server.clients.get(clientId);
    if (!client) return undefined;
    const uris = sent.getAll('redirect_uri');
    if (uris.length > 1) return undefined;
    const given = uris[0] === '' ? undefined : uris[0];
    if (given === undefined) return client.redirectUris.length === 1 ? abs(server, client.redirectUris[0] as string) : undefined;
    const match = client.redirectUris.find((uri) => uri === given || abs(server, uri) === given);
    return match === undefined ? undefined : abs(server, match);
  }

  /** The state an answer must carry: the request's, when sent once, non-empty and not oversized. */
  function expectedState(sent: URLSearchParams): string | undefined {
    const states = sent.getAll('state');
    return states.length === 1 && states[0] !== '' && !tooLong(states[0] as string) ? states[0] : undefined;
  }

  interface AuthorizeRequest {
    wire: string;
    method: string;
    type: string;
    withSession: boolean;
    where: string;
    /** A fault rule answers with this status: it is no bug then. */
    configured5xx?: number;
    /** A fault rule injects this error at the redirect URI. */
    injectedError?: string;
    label?: string;
  }

  /** The authorize oracle: a refusal without Location, understudy's own page, or exactly the allowed redirect URI with the right state. */
  function judgeAuthorize(reply: Reply, request: AuthorizeRequest): void {
    const { wire, method, type, withSession, where } = request;
    expectSaneHeaders(server, reply, where, request.configured5xx);
    const sent = parsed(wire);
    if (reply.status === request.configured5xx) return;

    outcomes.tick(`${profile} ${request.label ?? 'authorize'}: ${reply.status >= 400 ? reply.status : (ownPage(server, reply.location ?? '') ?? (/[?&#]code=/.test(reply.location ?? '') ? 'code' : /[?&#]error=([a-z_]+)/.exec(reply.location ?? '')?.[1]))}`);
    if (!['GET', 'HEAD', 'POST'].includes(method)) {
      expect(reply.status, where).toBe(405);
      expectRefusal(reply, where);
      return;
    }
    if (method === 'POST' && !isForm(type)) {
      expectRefusal(reply, where);
      return;
    }
    if (reply.status >= 400) {
      expectRefusal(reply, where);
      return;
    }
    expect(reply.status, `${where}: neither a refusal nor a redirect`).toBe(method === 'POST' ? 303 : 302);
    const location = reply.location as string;
    expect(location, where).toBeDefined();
    const step = ownPage(server, location);
    if (step) {
      const uid = interactionOf(server, location);
      expect(reply.setCookies.some((c) => c.startsWith(`${interactionCookie(server.urls.baseUrl, uid as string)}=${uid};`)), `${where}: the interaction cookie is not the page's id`).toBe(true);
      return;
    }
    const target = allowedRedirect(sent);
    expect(target, `${where}: redirected to ${location.slice(0, 300)}, but the request names no registered redirect URI`).toBeDefined();
    const { params, mode } = answerAt(target as string, location, where);
    expect(mode, `${where}: response mode`).toBe(once(sent, 'response_mode') === 'fragment' ? 'fragment' : 'query');
    const code = params.getAll('code');
    const error = params.getAll('error');
    expect(code.length + error.length, `${where}: answer ${location.slice(0, 300)}`).toBe(1);
    if (error.length) expect(AUTHORIZE_ERRORS.has(error[0] as string) || error[0] === request.injectedError, `${where}: error ${error[0]}`).toBe(true);
    if (code.length) expect(withSession, `${where}: a code for a browser without a session`).toBe(true);
    const state = expectedState(sent);
    expect(params.getAll('state'), `${where}: state echoed in ${location.slice(0, 300)}`).toEqual(state === undefined ? [] : [state]);
    if (profile === 'rfc9068') expect(params.getAll('iss'), `${where}: RFC 9207 iss`).toEqual([server.urls.issuer]);
  }

  const runTimeout = (numRuns: number, perRun: number) => Math.max(20_000, numRuns * perRun);

  it('authorize: random queries and forms are refused (4xx, no Location), or sent to the login/consent page or exactly a registered redirect URI', async () => {
    const numRuns = RUNS.authorize;
    const cookie = fc.oneof(
      { weight: 3, arbitrary: fc.constant<'none' | 'session' | string>('none') },
      { weight: 3, arbitrary: fc.constant('session') },
      { weight: 2, arbitrary: fc.tuple(fc.constantFrom(sessionCookieName(server.urls.baseUrl), interactionCookie(server.urls.baseUrl, 'x'), 'understudy_session', 'x'), cookieValue).map(([k, v]) => `${k}=${v}`) },
      { weight: 1, arbitrary: asciiPrintable(40) },
    );
    await fc.assert(
      fc.asyncProperty(authorizeQuery(server), methodOf, formType, cookie, async (wire, chosenMethod, type, cookieChoice) => {
        counter.tick(`${profile} authorize`);
        // A query over Node's header limit would be refused before the app: send it as a form.
        const method = fitting(chosenMethod, wire);
        const sessionCookie = cookieChoice === 'session' ? signedIn.cookieHeader() : cookieChoice === 'none' ? undefined : cookieChoice;
        const where = `${method} ${paths.authorize} [${type}] cookie=${JSON.stringify(cookieChoice).slice(0, 80)} ${JSON.stringify(wire).slice(0, 600)}`;
        const reply = await journaled(server, () => where, () => sendBrowserRequest(server, method, paths.authorize, wire, type, sessionCookie));
        judgeAuthorize(reply, { wire, method, type, withSession: cookieChoice === 'session', where });
      }),
      { seed: SEED, numRuns },
    );
  }, runTimeout(RUNS.authorize, 40));

  it('authorize with a fault rule on the browser flow: a 5xx only as configured; an injected error still goes only to the allowed redirect URI, with the state', async () => {
    const numRuns = RUNS.faults;
    type Chosen = { kind: 'inject'; error: string; rule: object } | { kind: 'status'; status: number; rule: object };
    const step = fc.option(fc.oneof(fc.constantFrom('login', 'consent', 'code'), fc.constantFrom(['login', 'code'], ['consent', 'code'], ['login', 'consent', 'code'])), { nil: undefined });
    const description = fc.option(anyValue.filter((d) => d.length < 2000), { nil: undefined });
    const optional = (step: unknown, description: string | undefined) => ({ ...(step !== undefined ? { step } : {}), ...(description !== undefined ? { description } : {}) });
    const rule: fc.Arbitrary<Chosen> = fc.oneof(
      {
        weight: 3,
        arbitrary: fc
          .tuple(fc.constantFrom('access_denied', 'login_required', 'consent_required'), step, description)
          .map(([error, s, d]): Chosen => ({ kind: 'inject', error, rule: { preset: `authorize.${error}`, params: optional(s, d) } })),
      },
      {
        weight: 3,
        arbitrary: fc
          .tuple(fc.constantFrom('access_denied', 'server_error', 'temporarily_unavailable', 'interaction_required', 'invalid_scope', 'unauthorized_client'), step, description)
          .map(([error, s, d]): Chosen => ({ kind: 'inject', error, rule: { match: { endpoint: ['authorize', 'login', 'consent'] }, action: { type: 'authorization_error', error, ...optional(s, d) } } })),
      },
      { weight: 1, arbitrary: fc.constantFrom(500, 502, 503).map((status): Chosen => ({ kind: 'status', status, rule: { match: { endpoint: 'authorize' }, action: { type: 'respond', status, contentType: 'text/html', body: '<h1>Bad Gateway</h1>' } } })) },
      { weight: 1, arbitrary: fc.constantFrom(500, 503).map((status): Chosen => ({ kind: 'status', status, rule: { match: { endpoint: 'authorize' }, action: { type: 'oauth_error', error: 'server_error', status } } })) },
    );
    await fc.assert(
      fc.asyncProperty(rule, authorizeQuery(server), methodOf, formType, fc.boolean(), async (chosen, wire, chosenMethod, type, withSession) => {
        counter.tick(`${profile} authorize with a fault`);
        const added = server.faults.add(chosen.rule);
        try {
          const method = fitting(chosenMethod, wire);
          const where = `${method} ${paths.authorize} [${type}] session=${withSession} fault=${JSON.stringify(chosen.rule).slice(0, 300)} ${JSON.stringify(wire).slice(0, 600)}`;
          const reply = await journaled(server, () => where, () => sendBrowserRequest(server, method, paths.authorize, wire, type, withSession ? signedIn.cookieHeader() : undefined));
          judgeAuthorize(reply, {
            wire,
            method,
            type,
            withSession,
            where,
            configured5xx: chosen.kind === 'status' ? chosen.status : undefined,
            injectedError: chosen.kind === 'inject' ? chosen.error : undefined,
            label: 'authorize+fault',
          });
        } finally {
          server.faults.remove(added.id);
        }
      }),
      { seed: SEED, numRuns },
    );
  }, runTimeout(RUNS.faults, 40));

  it('login and consent: a code only when the form interaction is the cookie\'s, live, and the right password or "allow" was given', async () => {
    const numRuns = RUNS.interactions;
    type Kind = 'two-step' | 'one-step';
    const scenario = fc.record({
      kind: fc.constantFrom<Kind>('two-step', 'one-step'),
      atConsent: fc.boolean(),
      state: fc.oneof(fc.string({ maxLength: 20 }), fc.constant('')),
      // 'expected': the page the interaction is at.
      endpoint: fc.constantFrom<'expected' | 'login' | 'consent'>('expected', 'expected', 'expected', 'login', 'consent'),
      method: fc.oneof({ weight: 8, arbitrary: fc.constant('POST') }, { weight: 2, arbitrary: fc.constant('GET') }, { weight: 1, arbitrary: fc.constantFrom('HEAD', 'PUT', 'DELETE') }),
      type: formType,
      // Which ids go in the form and the cookie, in order (A: this browser's, B: another browser's): mostly agreeing.
      ids: fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom('A', 'A', 'B').map((t): { formIds: string[]; cookieIds: string[] } => ({ formIds: [t], cookieIds: [t] })) },
        {
          weight: 4,
          arbitrary: fc.record<{ formIds: string[]; cookieIds: string[] }>({
            formIds: fc.array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom('A', 'B') }, { weight: 2, arbitrary: fc.constantFrom('A+x', 'xA', 'quotedA', '', 'lowerA') }, { weight: 1, arbitrary: cookieValue }), { maxLength: 3 }),
            cookieIds: fc.array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom('A', 'B') }, { weight: 1, arbitrary: fc.constantFrom('quotedA', 'A+x', '') }, { weight: 1, arbitrary: cookieValue }), { maxLength: 2 }),
          }),
        },
      ),
      session: fc.constantFrom<'own' | 'random' | 'none'>('own', 'own', 'random', 'none'),
      cookieJunk: fc.option(fc.constantFrom('x=1', '=', ';;', 'understudy_interaction', 'Understudy_Interaction=A', `${sessionCookieName(server.urls.baseUrl)}`), { nil: undefined }),
      username: fc.oneof({ weight: 8, arbitrary: fc.constant(USER.username) }, { weight: 2, arbitrary: fc.constantFrom('', 'ADA', 'ada ', 'nobody') }, { weight: 1, arbitrary: anyValue }),
      password: fc.oneof({ weight: 8, arbitrary: fc.constant(USER.password) }, { weight: 2, arbitrary: fc.constantFrom('', 'Lovelace', 'lovelace ', 'wrong') }, { weight: 1, arbitrary: anyValue }),
      // 'expected': login on the login page, allow on the consent page.
      action: fc.oneof({ weight: 6, arbitrary: fc.constant('expected') }, { weight: 1, arbitrary: fc.constantFrom('login', 'allow') }, { weight: 2, arbitrary: fc.constantFrom('cancel', 'deny', 'ALLOW', '') }, { weight: 1, arbitrary: anyValue }),
      duplicate: fc.constantFrom<'none' | 'username' | 'password' | 'action'>('none', 'none', 'none', 'username', 'password', 'action'),
      extra: fc.array(fc.oneof(randomKeyPiece(), rawPiece), { maxLength: 2 }),
    });
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        counter.tick(`${profile} login/consent`);
        const atConsent = s.kind === 'two-step' && s.atConsent;
        const endpoint = s.endpoint === 'expected' ? (atConsent ? 'consent' : 'login') : s.endpoint;
        const action = s.action === 'expected' ? (endpoint === 'login' ? 'login' : 'allow') : s.action;
        // Browser A's interaction (prompt=consent: the two-step one asks consent after every login).
        const a = new Browser(server);
        const authorizeA: Record<string, string> =
          s.kind === 'two-step'
            ? { client_id: 'web-app', response_type: 'code', redirect_uri: CALLBACK, prompt: 'consent', scope: 'openid', state: s.state }
            : { client_id: 'quick', response_type: 'code', state: s.state };
        const startA = await a.go('GET', `${server.url}${paths.authorize}?${new URLSearchParams(authorizeA)}`);
        expect(ownPage(server, startA.location ?? ''), startA.text).toBe('login');
        const uidA = interactionOf(server, startA.location);
        if (atConsent) {
          const login = await a.go('POST', `${server.url}${paths.login}`, { interaction: uidA, username: USER.username, password: USER.password, action: 'login' });
          expect(ownPage(server, login.location ?? ''), login.text).toBe('consent');
        }
        // Browser B's interaction: quick, so a login with the right password would answer with a code.
        const b = new Browser(server);
        const startB = await b.go('GET', `${server.url}${paths.authorize}?${new URLSearchParams({ client_id: 'quick', response_type: 'code', state: 'B-state' })}`);
        const uidB = interactionOf(server, startB.location);

        const idOf = (token: string): string =>
          token === 'A' ? uidA : token === 'B' ? uidB : token === 'A+x' ? `${uidA}x` : token === 'xA' ? `x${uidA}` : token === 'quotedA' ? `"${uidA}"` : token === 'lowerA' ? uidA.toLowerCase() : token;
        const pieces: Piece[] = s.ids.formIds.map((t) => ({ key: 'interaction', value: idOf(t) }));
        const add = (key: string, value: string) => pieces.push({ key, value }, ...(s.duplicate === key ? [{ key, value: `${value}2` }] : []));
        add('username', s.username);
        add('password', s.password);
        add('action', action);
        pieces.push(...s.extra);
        const wire = encodePieces(pieces);
        const cookies = s.ids.cookieIds.map((t) => `${interactionCookie(server.urls.baseUrl, idOf(t))}=${idOf(t)}`);
        const sessionName = sessionCookieName(server.urls.baseUrl);
        const ownSession = a.cookies.get(sessionName);
        if (s.session === 'own' && ownSession) cookies.push(`${sessionName}=${ownSession}`);
        if (s.session === 'random') cookies.push(`${sessionName}=${randomBytes(24).toString('base64url')}`);
        if (s.cookieJunk) cookies.unshift(s.cookieJunk);
        const cookie = cookies.length ? cookies.join('; ') : undefined;
        const path = paths[endpoint];
        const method = fitting(s.method, wire);
        const where = `${method} ${path} [${s.type}] A=${s.kind}${atConsent ? '@consent' : '@login'} cookie=${JSON.stringify(cookie)} form=${JSON.stringify(wire).slice(0, 500)} (uidA=${uidA} uidB=${uidB})`;

        const reply = await journaled(server, () => where, () => sendBrowserRequest(server, method, path, wire, s.type, cookie));
        expectSaneHeaders(server, reply, where);

        // What the server reads, first values only (as the forms are read).
        const form = parsed(wire);
        const formId = form.get('interaction') ?? undefined;
        // The interaction's own cookie, named after it, holding its id.
        const cookieId = formId === undefined ? undefined : cookieAsServerReads(cookie, interactionCookie(server.urls.baseUrl, formId));
        const matched = method === 'POST' && isForm(s.type) && formId !== undefined && formId !== '' && formId === cookieId && (formId === uidA || formId === uidB);
        const which = formId === uidA ? 'A' : 'B';
        const rightPassword = form.get('username') === USER.username && form.get('password') === USER.password;
        const liveOwnSession = s.session === 'own' && ownSession !== undefined && cookieAsServerReads(cookie, sessionName) === ownSession;
        const mayGrant =
          matched &&
          ((endpoint === 'login' && rightPassword && form.get('action') !== 'cancel' && (which === 'B' || s.kind === 'one-step')) ||
            (endpoint === 'consent' && form.get('action') === 'allow' && ((which === 'A' && atConsent) || liveOwnSession)));

        if (reply.status >= 400) {
          outcomes.tick(`${profile} login/consent: ${reply.status}${mayGrant ? ' (may grant)' : ''} ${lastJournalReason(server).slice(0, 60)}`);
          if (!['GET', 'HEAD', 'POST'].includes(method)) expect(reply.status, where).toBe(405);
          expectRefusal(reply, where);
          // The converse: the right answer to a live interaction is never refused.
          expect(mayGrant, `${where}: the right answer was refused: ${reply.status} ${reply.text.slice(0, 200)}`).toBe(false);
          return;
        }
        expect(['GET', 'HEAD', 'POST'], `${where}: ${reply.status}`).toContain(method);

        const location = reply.location;
        const leaves = location !== undefined && ownPage(server, location) === undefined;
        const granted = leaves && /[?&#]code=/.test(location as string);
        outcomes.tick(`${profile} login/consent: ${granted ? 'code' : leaves ? 'error at the client' : location ? ownPage(server, location) : reply.status}${mayGrant ? ' (may grant)' : ''}`);
        expect(granted && !mayGrant, `${where}: granted a code -> ${location?.slice(0, 300)}`).toBe(false);
        if (leaves) {
          // Only a matched interaction is answered at its client: exactly its redirect URI, with its state.
          expect(matched, `${where}: sent the browser to ${location?.slice(0, 300)} for an unmatched interaction`).toBe(true);
          const target = which === 'A' ? (s.kind === 'two-step' ? CALLBACK : QUICK_CALLBACK) : QUICK_CALLBACK;
          const { params } = answerAt(target, location as string, where);
          const state = which === 'A' ? s.state || undefined : 'B-state';
          expect(params.getAll('state'), `${where}: state`).toEqual(state === undefined ? [] : [state]);
          if (!granted) expect(params.get('error'), where).toBe('access_denied');
        }
        // And the converse: the right answer to a live interaction does end in a code (so the property is not vacuous).
        if (mayGrant) expect(granted, `${where}: the right answer got no code -> ${reply.status} ${location ?? reply.text.slice(0, 200)}`).toBe(true);
      }),
      { seed: SEED, numRuns },
    );
  }, runTimeout(RUNS.interactions, 60));

  it('userinfo: random Bearer tokens and methods are 4xx; only the user\'s openid token, sent as Bearer, reads the claims', async () => {
    const numRuns = RUNS.userinfo;
    const token = fc.oneof(
      fc.constant('user'),
      fc.constantFrom('user', 'noOpenid', 'client', 'tampered', 'payloadSwap', 'alg-none', 'truncated'),
      fc.string({ unit: fc.constantFrom(...'ABCxyz019-._~+/='), maxLength: 60 }),
      asciiPrintable(40),
      fc.constantFrom('a.b.c', '..', '', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZGEiLCJzY29wZSI6Im9wZW5pZCJ9.'),
    );
    const shape = fc.constantFrom('Bearer %', 'bearer %', 'BEARER %', 'Bearer  %', 'Bearer % ', 'Bearer % extra', 'Bearer\t%', 'Bearer,%', '%', 'Basic %', 'Bearer', 'Bearer ', '', 'none');
    await fc.assert(
      fc.asyncProperty(token, shape, methodOf, fc.option(fc.string({ maxLength: 40 }), { nil: undefined }), async (choice, form, method, body) => {
        counter.tick(`${profile} userinfo`);
        const [h, p, sig] = userToken.split('.') as [string, string, string];
        const value =
          choice === 'user' ? userToken
          : choice === 'noOpenid' ? noOpenidToken
          : choice === 'client' ? clientToken
          : choice === 'tampered' ? `${h}.${p}.${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`
          : choice === 'payloadSwap' ? `${h}.${noOpenidToken.split('.')[1]}.${sig}`
          : choice === 'alg-none' ? `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`
          : choice === 'truncated' ? userToken.slice(0, -5)
          : choice;
        const headers: Record<string, string> = {};
        if (form !== 'none') headers.authorization = form.replace('%', value);
        if (body !== undefined && method !== 'GET' && method !== 'HEAD') headers['content-type'] = 'application/x-www-form-urlencoded';
        const where = `${method} ${paths.userinfo} authorization=${JSON.stringify(headers.authorization ?? null).slice(0, 200)} (${choice.slice(0, 20)})`;
        const reply = await journaled(server, () => where, () => hit(server, method, paths.userinfo, { headers, body: method === 'GET' || method === 'HEAD' ? undefined : `access_token=${userToken}&${body ?? ''}` }));
        expectSaneHeaders(server, reply, where);
        expect(reply.location, where).toBeUndefined();
        outcomes.tick(`${profile} userinfo: ${reply.status} ${reply.json?.error ?? ''}`);
        const wellFormed = new RegExp(`^Bearer +${userToken.replace(/[.+/=]/g, '\\$&')} *$`, 'i').test(headers.authorization ?? '');
        if (reply.status === 200) {
          expect(wellFormed && ['GET', 'POST', 'HEAD'].includes(method), `${where}: claims served`).toBe(true);
          if (method !== 'HEAD') expect(reply.json?.sub, where).toBe(USER.username);
          return;
        }
        expect([400, 401, 403, 405], `${where} -> ${reply.status} ${reply.text.slice(0, 200)}`).toContain(reply.status);
        if (reply.status !== 405) expect(String(reply.headers['www-authenticate'] ?? ''), `${where}: challenge`).toMatch(/^Bearer\b/);
        if (reply.text) expect(typeof reply.json?.error, `${where}: ${reply.text.slice(0, 200)}`).toBe('string');
        expect(wellFormed && ['GET', 'POST'].includes(method), `${where}: the user's token was refused: ${reply.status} ${reply.text.slice(0, 200)}`).toBe(false);
      }),
      { seed: SEED, numRuns },
    );
  }, runTimeout(RUNS.userinfo, 20));

  it('token endpoint, authorization_code: random codes, verifiers and redirect_uris are always 400/401 with an OAuth error', async () => {
    const numRuns = RUNS.token;
    const code = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('live', 'redeemed0', 'redeemed1', 'liveFlipped', 'liveNoPadding', 'livePlus', 'liveLower', 'liveSpace') },
      { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom(...'ABCabc019-_='), maxLength: 172 }) },
      { weight: 2, arbitrary: anyValue },
    );
    const verifier = fc.oneof(
      fc.string({ unit: fc.constantFrom(...'ABCDabcd0189-._~'), minLength: 43, maxLength: 128 }),
      fc.constantFrom('short', '', 'x'.repeat(129), `${'a'.repeat(42)}!`),
      anyValue,
    );
    const redirect = fc.constantFrom(CALLBACK, CALLBACK_WITH_QUERY, LOCAL_CALLBACK, SPA_CALLBACK, QUICK_CALLBACK, `${CALLBACK}/`, 'https://evil.example/cb', '');
    const auth = fc.constantFrom('web-app', 'web-app-post', 'web-app-wrong', 'spa', 'spa-secret', 'quick', 'none', 'garbage', 'unknown');
    const grantType = fc.oneof({ weight: 8, arbitrary: fc.constant('authorization_code') }, { weight: 1, arbitrary: fc.constantFrom('AUTHORIZATION_CODE', 'refresh_token', 'password', '', 'urn:x') });
    const optional = <T,>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 6, arbitrary: arb.map((v) => [v]) }, { weight: 2, arbitrary: fc.constant([] as T[]) }, { weight: 1, arbitrary: fc.tuple(arb, arb).map(([x, y]) => [x, y]) });
    await fc.assert(
      fc.asyncProperty(grantType, optional(code), optional(verifier), optional(redirect), auth, fc.array(fc.oneof(randomKeyPiece(), rawPiece), { maxLength: 2 }), async (grant, codes, verifiers, redirects, who, extra) => {
        counter.tick(`${profile} token authorization_code`);
        const live = liveCode.code;
        const codeOf = (c: string) =>
          c === 'live' ? live
          : c === 'redeemed0' ? (redeemedCodes[0] as string)
          : c === 'redeemed1' ? (redeemedCodes[1] as string)
          : c === 'liveFlipped' ? `${live[0] === 'A' ? 'B' : 'A'}${live.slice(1)}`
          : c === 'liveNoPadding' ? live.replace(/=+$/, '')
          : c === 'livePlus' ? live.replaceAll('-', '+')
          : c === 'liveLower' ? live.toLowerCase()
          : c === 'liveSpace' ? ` ${live}`
          : c;
        const pieces: Piece[] = [{ key: 'grant_type', value: grant }];
        for (const c of codes) pieces.push({ key: 'code', value: codeOf(c) });
        for (const v of verifiers) {
          // The live code's verifier is never sent: nothing here may redeem it.
          pieces.push({ key: 'code_verifier', value: v === liveCode.verifier ? `${v}x` : v });
        }
        for (const r of redirects) pieces.push({ key: 'redirect_uri', value: r });
        const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
        const basic = (pair: string) => `Basic ${Buffer.from(pair).toString('base64')}`;
        if (who === 'web-app') headers.authorization = basic('web-app:web-secret');
        if (who === 'web-app-wrong') headers.authorization = basic('web-app:nope');
        if (who === 'quick') headers.authorization = basic('quick:quick-secret');
        if (who === 'garbage') headers.authorization = 'Basic ####';
        if (who === 'web-app-post') pieces.push({ key: 'client_id', value: 'web-app' }, { key: 'client_secret', value: 'web-secret' });
        if (who === 'spa') pieces.push({ key: 'client_id', value: 'spa' });
        if (who === 'spa-secret') pieces.push({ key: 'client_id', value: 'spa' }, { key: 'client_secret', value: 'x' });
        if (who === 'unknown') pieces.push({ key: 'client_id', value: 'nobody' });
        pieces.push(...extra);
        const body = encodePieces(pieces);
        const where = `POST ${tokenPath()} auth=${who} ${JSON.stringify(body).slice(0, 600)}`;
        const reply = await journaled(server, () => where, () => hit(server, 'POST', tokenPath(), { headers, body }));
        expectSaneHeaders(server, reply, where);
        outcomes.tick(`${profile} token: ${reply.status} ${reply.json?.error ?? ''} ${String(reply.json?.error_description ?? '').slice(0, 50)}`);
        expect([400, 401], `${where} -> ${reply.status} ${reply.text.slice(0, 300)}`).toContain(reply.status);
        expect(reply.type, where).toMatch(/^application\/json/);
        expect(TOKEN_ERRORS.has(reply.json?.error), `${where}: error ${reply.text.slice(0, 200)}`).toBe(true);
        expect(reply.json?.access_token, where).toBeUndefined();
      }),
      { seed: SEED, numRuns },
    );
    // None of that used up the live code: its own client and verifier still redeem it, once.
    const answer = await redeem(liveCode.code, { clientId: 'spa' }, { code_verifier: liveCode.verifier });
    expect(answer.status, answer.text).toBe(200);
    expect((await redeem(liveCode.code, { clientId: 'spa' }, { code_verifier: liveCode.verifier })).status).toBe(400);
  }, runTimeout(RUNS.token, 20));

  it('userlogout: random hints, post-logout URIs and states are 4xx, the signed-out page, or exactly a registered post-logout URI', async () => {
    const numRuns = RUNS.logout;
    const hint = fc.oneof(
      { weight: 6, arbitrary: fc.constant('web') },
      { weight: 1, arbitrary: fc.constant('spa') },
      { weight: 2, arbitrary: fc.constantFrom('webTampered', 'webAlgNone', 'userAccessToken', 'garbage', 'jwtish') },
    );
    const postLogout = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(SIGNED_OUT, LOCAL_SIGNED_OUT, 'absLocal') },
      { weight: 3, arbitrary: fc.constantFrom(`${SIGNED_OUT}/`, SIGNED_OUT.toUpperCase(), `${SIGNED_OUT}?x=1`, 'https://evil.example/', CALLBACK, QUICK_CALLBACK, 'javascript:alert(1)', '//evil.example', `${LOCAL_SIGNED_OUT}/..`, 'local-signed-out') },
    );
    const groupOf = <T,>(name: string, arb: fc.Arbitrary<T>, map: (v: T) => string) =>
      fc.oneof(
        { weight: 2, arbitrary: fc.constant<Piece[]>([]) },
        { weight: 8, arbitrary: arb.map((v) => [{ key: name, value: map(v) }]) },
        { weight: 1, arbitrary: anyValue.map((value) => [{ key: name, value }]) },
        { weight: 1, arbitrary: fc.tuple(arb, arb).map(([x, y]) => [{ key: name, value: map(x) }, { key: name, value: map(y) }]) },
      );
    const hintValue = (h: string): string => {
      const [hh, hp, hs] = webIdToken.split('.') as [string, string, string];
      if (h === 'web') return webIdToken;
      if (h === 'spa') return spaIdToken;
      if (h === 'webTampered') return `${hh}.${hp}.${hs[0] === 'A' ? 'B' : 'A'}${hs.slice(1)}`;
      if (h === 'webAlgNone') return `${Buffer.from('{"alg":"none"}').toString('base64url')}.${hp}.`;
      if (h === 'userAccessToken') return userToken;
      if (h === 'jwtish') return 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2ln';
      return 'not-a-jwt';
    };
    await fc.assert(
      fc.asyncProperty(
        groupOf('id_token_hint', hint, hintValue),
        groupOf('post_logout_redirect_uri', postLogout, (u) => (u === 'absLocal' ? `${server.url}${LOCAL_SIGNED_OUT}` : u)),
        groupOf('state', fc.oneof(fc.string({ maxLength: 30 }), oversized.filter((s) => !s.includes('é'))), (s) => s),
        fc.array(fc.oneof(randomKeyPiece(), rawPiece), { maxLength: 2 }),
        methodOf,
        formType,
        fc.constantFrom<'live' | 'random' | 'none'>('live', 'random', 'none', 'none'),
        async (hints, uris, states, extra, method, type, session) => {
          counter.tick(`${profile} userlogout`);
          let sessionCookie: string | undefined;
          if (session === 'live') {
            const browser = new Browser(server);
            await browser.authorize({ client_id: 'quick', response_type: 'code' });
            sessionCookie = browser.cookies.get(sessionCookieName(server.urls.baseUrl));
            expect(sessionCookie).toBeDefined();
          }
          if (session === 'random') sessionCookie = randomBytes(24).toString('base64url');
          const wire = encodePieces([...hints, ...uris, ...states, ...extra]);
          const sendAs = fitting(method, wire);
          const cookie = sessionCookie === undefined ? undefined : `${sessionCookieName(server.urls.baseUrl)}=${sessionCookie}`;
          const where = `${sendAs} ${paths.logout} [${type}] session=${session} ${JSON.stringify(wire).slice(0, 600)}`;
          const reply = await journaled(server, () => where, () => sendBrowserRequest(server, sendAs, paths.logout, wire, type, cookie));
          expectSaneHeaders(server, reply, where);
          const sent = parsed(wire);

          outcomes.tick(`${profile} userlogout: ${reply.status}${reply.location ? ' redirect' : ''} ${reply.status >= 400 ? lastJournalReason(server).slice(0, 70) : ''}`);
          let signedOut = false;
          if (reply.status >= 400) {
            expectRefusal(reply, where);
          } else if (reply.status === 200) {
            expect(reply.type, where).toMatch(/^text\/html/);
            if (sendAs !== 'HEAD') expect(reply.text, where).toContain('<title>Signed out</title>');
            expect(sent.getAll('post_logout_redirect_uri').filter(Boolean).length, `${where}: signed-out page despite a post_logout_redirect_uri`).toBe(0);
            signedOut = true;
          } else {
            expect(reply.status, `${where}: ${reply.status}`).toBe(sendAs === 'POST' ? 303 : 302);
            const hintSent = once(sent, 'id_token_hint');
            const uri = once(sent, 'post_logout_redirect_uri');
            const client = hintSent === webIdToken ? server.clients.get('web-app') : hintSent === spaIdToken ? server.clients.get('spa') : undefined;
            expect(client, `${where}: redirected to ${reply.location?.slice(0, 200)} without a genuine id_token_hint`).toBeDefined();
            const registered = client?.postLogoutRedirectUris.find((r) => r === uri || abs(server, r) === uri);
            expect(registered, `${where}: redirected to ${reply.location?.slice(0, 200)}, not a post-logout URI registered for ${client?.id}`).toBeDefined();
            const expected = new URL(abs(server, registered as string));
            const state = once(sent, 'state');
            if (state !== undefined) expected.searchParams.append('state', state);
            expect(reply.location, where).toBe(expected.href);
            signedOut = true;
          }
          if (signedOut) expect(reply.setCookies.some((c) => c.startsWith(`${sessionCookieName(server.urls.baseUrl)}=;`)), `${where}: the session cookie is not cleared`).toBe(true);
          if (session === 'live') {
            // Signed out: the session is over; refused: it goes on.
            const again = await hit(server, 'GET', `${paths.authorize}?client_id=quick&response_type=code`, { headers: { cookie: cookie as string } });
            const step = ownPage(server, again.location ?? '');
            expect(step === 'login', `${where}: after ${reply.status}, authorize with the session cookie -> ${again.status} ${again.location?.slice(0, 200)}`).toBe(signedOut);
          }
        },
      ),
      { seed: SEED, numRuns },
    );
  }, runTimeout(RUNS.logout, 60));

  it('after the fuzzing, a person still signs in and the code is redeemed', async () => {
    const browser = new Browser(server);
    const verifier = newVerifier();
    const callback = await browser.authorize({ client_id: 'web-app', response_type: 'code', redirect_uri: CALLBACK, scope: 'openid', state: 'end', code_challenge: s256(verifier), code_challenge_method: 'S256', prompt: 'consent' });
    expect(callback.searchParams.get('state')).toBe('end');
    const answer = await redeem(callback.searchParams.get('code') ?? '', { basic: 'web-app:web-secret' }, { redirect_uri: CALLBACK, code_verifier: verifier });
    expect(answer.status, answer.text).toBe(200);
  });
});

/**
 * What the fuzzing found, fixed since, pinned as minimal cases.
 */
describe('found by fuzzing (minimal counterexamples)', () => {
  let server: UnderstudyServer;
  const WITH_FLAG = 'http://127.0.0.1:7999/cb?tenant=acme&flag';
  const WITH_TILDE = 'http://127.0.0.1:7999/x?v=~1';
  beforeAll(async () => {
    server = await createServer({
      port: 0,
      config: {
        users: [{ username: USER.username, password: USER.password, displayName: 'Ada', email: 'ada@example.test' }],
        clients: [{ id: 'q', secret: 'q-secret', grants: ['authorization_code'], requireConsent: false, redirectUris: [WITH_FLAG, WITH_TILDE, QUICK_CALLBACK], postLogoutRedirectUris: [SIGNED_OUT] }],
      },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('the registered redirect URI\'s own query is kept as written (flag stays flag, ~ stays ~): RFC 6749 §3.1.2 MUST retain it', async () => {
    for (const registered of [WITH_FLAG, WITH_TILDE]) {
      const reply = await hit(server, 'GET', `/oauth2/v1/authorize?${new URLSearchParams({ client_id: 'q', response_type: 'code', prompt: 'none', state: 's', redirect_uri: registered })}`);
      expect(reply.status).toBe(302);
      expect(reply.location?.startsWith(`${registered}&`), `${registered} -> ${reply.location}`).toBe(true);
    }
  });

  it('authorize never echoes a state whose encoding passes the limit (8192 x "~" is 24 KB encoded): the Location stays under 16 KiB', async () => {
    const body = new URLSearchParams({ client_id: 'q', response_type: 'code', prompt: 'none', redirect_uri: QUICK_CALLBACK, state: '~'.repeat(MAX_PARAMETER_LENGTH) }).toString();
    const reply = await hit(server, 'POST', '/oauth2/v1/authorize', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect(reply.status).toBe(303);
    expect(reply.location?.length, 'Location length').toBeLessThanOrEqual(NODE_HEADER_LIMIT);
  });

  it('userlogout refuses a state over the limit, as authorize does, rather than echo it into a 30 KB Location', async () => {
    const browser = new Browser(server);
    const callback = await browser.authorize({ client_id: 'q', response_type: 'code', redirect_uri: QUICK_CALLBACK, scope: 'openid' });
    const answer = await hit(server, 'POST', '/oauth2/v1/token', {
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('q:q-secret').toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: callback.searchParams.get('code') ?? '', redirect_uri: QUICK_CALLBACK }).toString(),
    });
    expect(answer.status, answer.text).toBe(200);
    const body = new URLSearchParams({ id_token_hint: answer.json.id_token, post_logout_redirect_uri: SIGNED_OUT, state: '~'.repeat(OVERSIZED_MAX) }).toString();
    const reply = await hit(server, 'POST', '/oauth2/v1/userlogout', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect(reply.status).toBe(400);
    expect(reply.location).toBeUndefined();
  });
});
