// Shared plumbing for the Node library wirings: the harness's command protocol.
//
// stdin: one JSON unit per line, {"id": 1, "op": "work", "method": "GET", "path": "/...", "body"?: ...}.
// stdout: one JSON report per unit, in any order, {"id": 1, "ok": true, "status": 200}.
// Everything else goes to stderr. Units run concurrently (never serialized); at EOF the pending
// units are finished, then the process exits.
//
// A wiring calls serve(work): work(unit) gets a token through its library, calls the API and
// resolves with the HTTP status the API answered. If it throws, the unit is reported as failed
// with the error's message (and `status` only when the error says it is the API's answer:
// `error.apiStatus`; `needsSignIn: true` when the error says the person must sign in again:
// `error.needsSignIn`). This file holds no OAuth logic: no cache, no retry, no single flight.
//
// An authorization code wiring also passes the sign-in operations, serve(work, { signIn, callback,
// signOut }): {"op":"sign-in"} is answered {"ok":true,"url":<what signIn() resolves with>},
// {"op":"callback","url":...} {"ok":true,"subject":<callback(url)'s subject>}, and
// {"op":"sign-out"} {"ok":true, url?: <signOut()'s url>}; a throw is {"ok":false,"error":...}.
// A wiring that passes none ignores these ops, as before.
import { createInterface } from 'node:readline';

const env = process.env;
const json = (name) => JSON.parse(env[name] || '{}');

/** The UNDERSTUDY_* environment, parsed once. */
export const config = Object.freeze({
  tokenUrl: env.UNDERSTUDY_TOKEN_URL,
  issuer: env.UNDERSTUDY_ISSUER,
  jwksUrl: env.UNDERSTUDY_JWKS_URL,
  discoveryUrl: env.UNDERSTUDY_DISCOVERY_URL,
  clientId: env.UNDERSTUDY_CLIENT_ID,
  clientSecret: env.UNDERSTUDY_CLIENT_SECRET,
  scope: env.UNDERSTUDY_SCOPE ?? '',
  apiUrl: env.UNDERSTUDY_API_URL,
  tokenHeaders: json('UNDERSTUDY_TOKEN_HEADERS'),
  apiHeaders: json('UNDERSTUDY_API_HEADERS'),
  /** Request timeout in ms the client is configured with; undefined = the library's default. */
  timeoutMs: env.UNDERSTUDY_TIMEOUT_MS ? Number(env.UNDERSTUDY_TIMEOUT_MS) : undefined,
  /** Set (with password) when the scenario wants the password grant (+ refresh tokens). */
  username: env.UNDERSTUDY_USERNAME || undefined,
  password: env.UNDERSTUDY_PASSWORD,
  /** Authorization code clients: where the browser is sent, and where it comes back. */
  authorizationUrl: env.UNDERSTUDY_AUTHORIZATION_URL || undefined,
  redirectUri: env.UNDERSTUDY_REDIRECT_URI || undefined,
  userinfoUrl: env.UNDERSTUDY_USERINFO_URL || undefined,
  endSessionUrl: env.UNDERSTUDY_END_SESSION_URL || undefined,
  postLogoutRedirectUri: env.UNDERSTUDY_POST_LOGOUT_REDIRECT_URI || undefined,
});

/** The unit's path, verbatim (query included), resolved against the API base URL. */
export const apiUrl = (unit) => new URL(unit.path, config.apiUrl);

/** The unit's body as a string (objects as JSON), or undefined. */
export const requestBody = (unit) =>
  unit.body === undefined || unit.body === null ? undefined : typeof unit.body === 'string' ? unit.body : JSON.stringify(unit.body);

/** Headers of the API call besides Authorization: UNDERSTUDY_API_HEADERS, plus a JSON content type for an object body. */
export const apiHeaders = (unit) => ({
  ...(unit.body !== undefined && unit.body !== null && typeof unit.body !== 'string' ? { 'content-type': 'application/json' } : {}),
  ...config.apiHeaders,
});

/** Logs to stderr (stdout is for reports only). */
export const log = (...args) => console.error('[wiring]', ...args);

function describe(error) {
  const parts = [];
  for (let e = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const codes = [...new Set([e.code, typeof e.error === 'string' ? e.error : undefined, e.oauth2Code].filter(Boolean))].join(' ');
    parts.push(`${e.name ?? 'Error'}${codes ? ` [${codes}]` : ''}: ${e.message ?? ''}`.trim());
  }
  return parts.join(' <- ') || String(error);
}

/** An error a unit fails with when the person must sign in (again): reported with needsSignIn. */
export function signInNeeded(message, cause) {
  return Object.assign(new Error(message, cause === undefined ? undefined : { cause }), { needsSignIn: true });
}

/** The sign-in operations' answers: what the wiring's handler resolved with, as report fields. */
const SIGN_IN_OPS = Object.freeze({
  __proto__: null,
  'sign-in': { handler: 'signIn', answer: (url) => ({ url: String(url) }) },
  callback: { handler: 'callback', answer: (result) => (result?.subject === undefined ? {} : { subject: String(result.subject) }) },
  'sign-out': { handler: 'signOut', answer: (result) => (result?.url === undefined ? {} : { url: String(result.url) }) },
});

/**
 * Reads units from stdin, runs `work` for each one concurrently, writes one report per unit.
 * `signInOps` (authorization code wirings): { signIn(), callback(url), signOut() }.
 */
export function serve(work, signInOps = undefined) {
  const pending = new Set();
  const report = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);
  const failure = (unit, error) => {
    log(`${unit.op && unit.op !== 'work' ? unit.op : 'unit'} ${unit.id} failed: ${describe(error)}`);
    report({
      id: unit.id,
      ok: false,
      ...(typeof error?.apiStatus === 'number' ? { status: error.apiStatus } : {}),
      ...(error?.needsSignIn === true ? { needsSignIn: true } : {}),
      error: describe(error),
    });
  };
  const run = async (unit) => {
    try {
      const op = typeof unit.op === 'string' ? SIGN_IN_OPS[unit.op] : undefined;
      if (op) {
        const answer = op.answer(await signInOps[op.handler](...(unit.op === 'callback' ? [unit.url] : [])));
        report({ id: unit.id, ok: true, ...answer });
        return;
      }
      const status = await work(unit);
      report({ id: unit.id, ok: status >= 200 && status < 300, status });
    } catch (error) {
      failure(unit, error);
    }
  };
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (!line.trim()) return;
    let unit;
    try {
      unit = JSON.parse(line);
    } catch {
      log('ignoring a line that is not JSON:', line);
      return;
    }
    if (unit?.op !== undefined && unit.op !== 'work' && !(signInOps && typeof unit.op === 'string' && SIGN_IN_OPS[unit.op])) {
      log('ignoring an unknown op:', line);
      return;
    }
    const task = run(unit).finally(() => pending.delete(task));
    pending.add(task);
  });
  lines.on('close', async () => {
    while (pending.size) await Promise.allSettled([...pending]);
    // Some libraries keep timers alive (e.g. a scheduled background refresh): leave once stdout is flushed.
    process.stdout.write('', () => process.exit(0));
  });
}
