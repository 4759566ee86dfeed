/**
 * A token client written the way the rule catalogue (docs/rules.md) says a good one behaves:
 * cache and reuse, refresh before expiry, single flight, one replay on invalid_token, no loop on
 * insufficient_scope, fail fast on permanent errors, honour Retry-After, back off on 5xx with
 * jitter and a cap, time out a hanging server, send the configured headers everywhere. Its base
 * grant is client_credentials, the password grant (with a user), a JWT user assertion (with an
 * assertion key), or none: a person signs in (sign-in-client.ts) and it lives on refresh tokens.
 *
 * The buggy example clients are this client with exactly one of `ClientFlaws` switched on.
 * Plain TypeScript with fetch, timers and jose only, so it runs under fake timers (module driver).
 */

import { randomUUID } from 'node:crypto';
import { importPKCS8, SignJWT } from 'jose';

export interface ClientSettings {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  apiUrl: string;
  tokenHeaders?: Record<string, string>;
  apiHeaders?: Record<string, string>;
  /** Per-request timeout. Default 5000 ms. */
  timeoutMs?: number;
  /** Lifetime assumed when expires_in is missing or unreadable. Default 60 s. */
  defaultLifetimeMs?: number;
  /** Longest Retry-After the client waits within one unit of work. Default 10 s. */
  maxRetryAfterMs?: number;
  /** A user for the password grant: then the client asks for offline_access and uses refresh tokens. */
  username?: string;
  password?: string;
  /** JWT user assertions (RFC 7523 §2.1) for `username`, signed with this key: the base grant then. */
  assertion?: { privateKeyPem: string; kid: string };
  /** An authorization code client: tokens come from a person's sign-in, then from refresh tokens; no base grant. */
  signsIn?: boolean;
}

/** The classic bugs, one per buggy example client. */
export interface ClientFlaws {
  /** Fetches a new token for every call. */
  tokenPerCall?: boolean;
  /** Ignores expires_in: caches the token forever. */
  cacheForever?: boolean;
  /** Reads expires_in as milliseconds. */
  expiresInAsMilliseconds?: boolean;
  /** No single flight: concurrent calls each fetch a token. */
  noSingleFlight?: boolean;
  /** On 401 invalid_token, fails without a new token and a replay. */
  noReplay?: boolean;
  /** On 401/403, refreshes and replays again and again. */
  replayForever?: boolean;
  /** Retries a 429 at once, ignoring Retry-After. */
  ignoreRetryAfter?: boolean;
  /** Sends the extra token-request headers only on the first token request. */
  dropHeaderOnRefetch?: boolean;
  /** Retries invalid_client, invalid_scope, a 404... as if they were transient. */
  retryPermanentErrors?: boolean;
  /** Retries a failing token endpoint at once, without waiting. */
  noBackoff?: boolean;
  /** Ignores its configured request timeout and waits a minute. */
  ignoreTimeout?: boolean;
  /** Accepts token_type "Bearer" only, as written, not "bearer". */
  strictTokenType?: boolean;
  /** Keeps a refresh token the server said was consumed, and presents it again. */
  keepConsumedRefreshToken?: boolean;
  /** Keeps the first refresh token it got and ignores the rotated ones. */
  ignoreRotatedRefreshToken?: boolean;
  /** Signs one user assertion and sends it with every token request, long after it expired. */
  cacheAssertion?: boolean;
  /** Reports a refused refresh token as a plain failure: nobody is told the person must sign in again. */
  hideNeedsSignIn?: boolean;
}

export interface WorkUnit {
  method?: string;
  path: string;
  body?: unknown;
}

export interface WorkOutcome {
  ok: boolean;
  status?: number;
  error?: string;
  /** The unit failed because the person must sign in (again). */
  needsSignIn?: boolean;
}

/** No token can be had without the person: the refresh token was refused, or there never was one. */
export class NeedsSignIn extends Error {}

/** What a token endpoint answered with tokens (RFC 6749 §5.1). */
export type TokenAnswer = Record<string, unknown>;

interface CachedToken {
  value: string;
  /** Client clock, epoch ms. */
  expiresAt: number;
  /** When to refresh proactively. */
  refreshAt: number;
}

/** A failure the client must not retry with the same parameters. */
class PermanentError extends Error {}

const PERMANENT_ERRORS = new Set(['invalid_client', 'invalid_scope', 'unauthorized_client', 'unsupported_grant_type', 'invalid_request', 'invalid_grant']);
const MAX_TOKEN_ATTEMPTS = 3;
const BACKOFF_BASE_MS = 200;
const BACKOFF_CAP_MS = 2000;
/** After a permanent token error, units fail at once for this long instead of asking again. */
const PERMANENT_COOLDOWN_MS = 30_000;
const REPLAY_CAP_FOR_BUGGY_CLIENT = 20;

export function createTokenClient(settings: ClientSettings, flaws: ClientFlaws = {}) {
  const timeoutMs = flaws.ignoreTimeout ? 60_000 : (settings.timeoutMs ?? 5000);
  const defaultLifetimeMs = settings.defaultLifetimeMs ?? 60_000;
  const maxRetryAfterMs = settings.maxRetryAfterMs ?? 10_000;
  let cached: CachedToken | undefined;
  let inFlight: Promise<CachedToken> | undefined;
  let permanentFailure: { message: string; until: number } | undefined;
  /** Client clock before which no token request may be sent (Retry-After). */
  let notBefore = 0;
  let tokenRequests = 0;
  /** Refresh tokens are single-use (IDCS): each use returns the next one. */
  let refreshToken: string | undefined;
  let signedAssertion: string | undefined;

  /** The grant of the next token request: refresh when a refresh token is held, else the base grant. */
  async function grantForm(): Promise<URLSearchParams> {
    if (refreshToken) return new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken });
    if (settings.signsIn) throw new NeedsSignIn('no refresh token: the person must sign in (again)');
    if (settings.assertion && settings.username) {
      // RFC 7523 §3: a new assertion per request (new jti, iat now, a short exp).
      const assertion = flaws.cacheAssertion && signedAssertion ? signedAssertion : await signUserAssertion(settings, settings.assertion, settings.username);
      signedAssertion = assertion;
      const form = new URLSearchParams({ grant_type: JWT_BEARER, assertion });
      if (settings.scope) form.set('scope', settings.scope);
      return form;
    }
    const form = settings.username
      ? new URLSearchParams({ grant_type: 'password', username: settings.username, password: settings.password ?? '' })
      : new URLSearchParams({ grant_type: 'client_credentials' });
    const scope = settings.username ? [settings.scope, 'offline_access'].filter(Boolean).join(' ') : settings.scope;
    if (scope) form.set('scope', scope);
    return form;
  }

  async function fetchWithTimeout(url: string, init: RequestInit): Promise<Response> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`no answer from ${url} within ${timeoutMs} ms`)), timeoutMs);
    try {
      return await fetch(url, { ...init, signal: controller.signal });
    } finally {
      clearTimeout(timer);
    }
  }

  async function requestToken(): Promise<CachedToken> {
    if (permanentFailure && Date.now() < permanentFailure.until) throw new PermanentError(permanentFailure.message);
    let lastError: Error | undefined;
    for (let attempt = 1; attempt <= MAX_TOKEN_ATTEMPTS; attempt += 1) {
      const wait = notBefore - Date.now();
      if (wait > 0 && !flaws.ignoreRetryAfter) {
        if (wait > maxRetryAfterMs) throw new Error(`token endpoint asked to retry after ${Math.ceil(wait / 1000)} s; giving up on this unit`);
        await sleep(wait);
      }
      const form = await grantForm();
      tokenRequests += 1;
      const headers = tokenRequestHeaders(settings, form);
      if (!(flaws.dropHeaderOnRefetch && tokenRequests > 1)) Object.assign(headers, settings.tokenHeaders);
      let response: Response;
      try {
        response = await fetchWithTimeout(settings.tokenUrl, { method: 'POST', headers, body: form });
      } catch (error) {
        lastError = error instanceof Error ? error : new Error(String(error));
        await backoff(attempt, flaws);
        continue;
      }
      const text = await response.text().catch(() => '');
      const body = parseJson(text);
      if (response.status === 429) {
        notBefore = Date.now() + retryAfterMs(response.headers.get('retry-after'));
        lastError = new Error(`token endpoint rate-limited the client (429, Retry-After ${response.headers.get('retry-after') ?? 'none'})`);
        continue;
      }
      if (response.status >= 500 || (response.ok && body === undefined)) {
        lastError = new Error(`token endpoint failed with ${response.status}${body === undefined ? ' and a non-JSON body' : ''}`);
        await backoff(attempt, flaws);
        continue;
      }
      // golang/oauth2: a 200 that carries an error member is an error.
      const error = typeof body?.error === 'string' ? body.error : undefined;
      if (!response.ok || error) {
        const detail = typeof body?.error_description === 'string' ? body.error_description : body === undefined ? `non-JSON body: ${text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 120)}` : '';
        const message = `token endpoint refused: ${response.status} ${error ?? ''} ${detail}`.replace(/\s+/g, ' ').trim();
        if (error === 'invalid_grant' && form.get('grant_type') === 'refresh_token') {
          // Rule refresh-token: a consumed or revoked refresh token is dropped; fall back to the
          // base grant once (this loop's next attempt).
          if (!flaws.keepConsumedRefreshToken) refreshToken = undefined;
          lastError = new Error(message);
          continue;
        }
        // 4xx other than 429 will not change by asking again: a wrong URL (404), a gateway's
        // refusal (403), or a permanent OAuth error. Surface it instead of retrying.
        if (!flaws.retryPermanentErrors && ((error && PERMANENT_ERRORS.has(error)) || (response.status >= 400 && response.status < 500))) {
          permanentFailure = { message, until: Date.now() + PERMANENT_COOLDOWN_MS };
          throw new PermanentError(message);
        }
        lastError = new Error(message);
        await backoff(attempt, flaws);
        continue;
      }
      const value = body?.access_token;
      if (typeof value !== 'string' || !value) throw new Error('token response has no access_token');
      // RFC 6749 §5.1 / §7.1: token_type is case-insensitive.
      if (typeof body?.token_type === 'string' && (flaws.strictTokenType ? body.token_type : body.token_type.toLowerCase()) !== (flaws.strictTokenType ? 'Bearer' : 'bearer')) {
        throw new Error(`unsupported token_type ${body.token_type}`);
      }
      if (typeof body?.refresh_token === 'string' && !(flaws.ignoreRotatedRefreshToken && refreshToken)) refreshToken = body.refresh_token;
      return cacheEntry(value, body?.expires_in);
    }
    throw lastError ?? new Error('token request failed');
  }

  function cacheEntry(value: string, expiresIn: unknown): CachedToken {
    const now = Date.now();
    const seconds = typeof expiresIn === 'number' ? expiresIn : typeof expiresIn === 'string' && /^\d+$/.test(expiresIn.trim()) ? Number(expiresIn) : undefined;
    if (flaws.cacheForever) return { value, expiresAt: Number.POSITIVE_INFINITY, refreshAt: Number.POSITIVE_INFINITY };
    // A missing or unreadable expires_in gets a bounded default, never "forever"; 0 means expired now.
    const lifetimeMs = seconds === undefined ? defaultLifetimeMs : flaws.expiresInAsMilliseconds ? seconds : seconds * 1000;
    // Refresh in the last tenth of the lifetime (at most 30 s early), so a server that reissues a
    // cached token with a shrinking expires_in is not asked again on every call; 1 s is kept in
    // hand because exp is in whole seconds while this clock counts milliseconds.
    const window = Math.min(30_000, Math.max(1000, lifetimeMs * 0.1));
    return { value, expiresAt: now + lifetimeMs, refreshAt: now + lifetimeMs - window };
  }

  async function currentToken(forceNew: boolean, rejected?: string): Promise<string> {
    const now = Date.now();
    if (!flaws.tokenPerCall && !forceNew && cached && now < cached.refreshAt) return cached.value;
    // Another call may already have replaced the rejected token.
    if (!flaws.tokenPerCall && forceNew && cached && cached.value !== rejected && now < cached.refreshAt) return cached.value;
    if (flaws.noSingleFlight || flaws.tokenPerCall) {
      const fresh = await requestToken();
      cached = fresh;
      return fresh.value;
    }
    inFlight ??= requestToken().finally(() => (inFlight = undefined));
    try {
      cached = await inFlight;
    } catch (error) {
      // A failed refresh while the cached token still lives: keep using it (rule backoff).
      if (!forceNew && !(error instanceof PermanentError) && cached && Date.now() < cached.expiresAt - 1000) return cached.value;
      throw error;
    }
    return cached.value;
  }

  async function callApi(unit: WorkUnit, token: string): Promise<Response> {
    const headers: Record<string, string> = { ...settings.apiHeaders, authorization: `Bearer ${token}`, accept: 'application/json' };
    let body: string | undefined;
    if (unit.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(unit.body);
    }
    return fetchWithTimeout(new URL(unit.path, settings.apiUrl).href, { method: unit.method ?? 'GET', headers, body });
  }

  async function work(unit: WorkUnit): Promise<WorkOutcome> {
    try {
      let token = await currentToken(false);
      let response = await callApi(unit, token);
      let replays = 0;
      for (let apiAttempt = 1; ; apiAttempt += 1) {
        const challenge = response.headers.get('www-authenticate') ?? '';
        if (response.status === 401 && /invalid_token/.test(challenge) && !flaws.noReplay && (replays < 1 || (flaws.replayForever && replays < REPLAY_CAP_FOR_BUGGY_CLIENT))) {
          // RFC 6750 §3.1: the token is no good; get a new one and replay once.
          replays += 1;
          token = await currentToken(true, token);
          response = await callApi(unit, token);
          continue;
        }
        if (response.status === 403 && flaws.replayForever && replays < REPLAY_CAP_FOR_BUGGY_CLIENT) {
          replays += 1;
          token = await currentToken(true, token);
          response = await callApi(unit, token);
          continue;
        }
        if ((response.status === 429 || response.status >= 500) && apiAttempt < MAX_TOKEN_ATTEMPTS) {
          // The API's own trouble: back off, without a new token.
          const wait = response.status === 429 && !flaws.ignoreRetryAfter ? retryAfterMs(response.headers.get('retry-after')) : backoffMs(apiAttempt);
          if (wait > maxRetryAfterMs) break;
          await sleep(wait);
          response = await callApi(unit, token);
          continue;
        }
        break;
      }
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return { ok: true, status: response.status };
      return { ok: false, status: response.status, error: `API answered ${response.status} ${response.headers.get('www-authenticate') ?? ''}`.trim() };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error), ...(error instanceof NeedsSignIn && !flaws.hideNeedsSignIn ? { needsSignIn: true } : {}) };
    }
  }

  return {
    work,
    /** Takes the tokens of a person's sign-in (the code redemption's answer). */
    adopt(answer: TokenAnswer): void {
      if (typeof answer.access_token !== 'string') throw new Error('token response has no access_token');
      refreshToken = typeof answer.refresh_token === 'string' ? answer.refresh_token : undefined;
      permanentFailure = undefined;
      cached = cacheEntry(answer.access_token, answer.expires_in);
    },
    /** Drops every token: the person signed out. */
    forget(): void {
      cached = undefined;
      refreshToken = undefined;
    },
    /** Token requests made so far (for tests of the client itself). */
    get tokenRequests() {
      return tokenRequests;
    },
  };
}

function backoffMs(attempt: number): number {
  // Equal jitter (AWS architecture blog): half the exponential step, plus up to as much again at
  // random, so retries spread out but never come right after a failure.
  const step = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return step / 2 + (Math.random() * step) / 2;
}

function backoff(attempt: number, flaws: ClientFlaws): Promise<void> {
  return attempt < MAX_TOKEN_ATTEMPTS && !flaws.noBackoff ? sleep(backoffMs(attempt)) : Promise.resolve();
}

/** RFC 9110 §10.2.3: delay-seconds or an HTTP-date; anything else counts as 1 s. */
function retryAfterMs(header: string | null): number {
  if (!header) return 1000;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? 1000 : Math.max(0, date - Date.now());
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * A token request's headers: HTTP Basic for a confidential client (RFC 6749 §2.3.1); a public
 * client (no secret) names itself with client_id in the form instead (§2.1, §3.2.1).
 */
export function tokenRequestHeaders(settings: Pick<ClientSettings, 'clientId' | 'clientSecret'>, form: URLSearchParams): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (settings.clientSecret) headers.authorization = `Basic ${Buffer.from(`${formEncode(settings.clientId)}:${formEncode(settings.clientSecret)}`).toString('base64')}`;
  else form.set('client_id', settings.clientId);
  return headers;
}

/** An IDCS JWT user assertion: iss the client, sub the user, aud the token endpoint, five minutes of life. */
async function signUserAssertion(settings: ClientSettings, key: NonNullable<ClientSettings['assertion']>, username: string): Promise<string> {
  const privateKey = await importPKCS8(key.privateKeyPem, 'RS256');
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
    .setIssuer(settings.clientId)
    .setSubject(username)
    .setAudience(settings.tokenUrl)
    .setIssuedAt()
    .setExpirationTime('5m')
    .setJti(randomUUID())
    .sign(privateKey);
}

/** RFC 6749 §2.3.1: client id and secret are form-encoded before Basic encoding. */
function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
