// A well-behaved client written from the README's protocol section alone, not from examples/: a
// 3 s request timeout with 3 attempts, refresh 10 % before expiry, single flight, one replay after
// invalid_token, Retry-After remembered across calls, no refresh tokens. A sound integration must
// get a green run: test/verdict-matrix/verdict-matrix.test.ts runs it through the whole suite.
import { apiHeaders, apiUrl, config, requestBody, serve } from './protocol.mjs';

const TIMEOUT_MS = config.timeoutMs ?? 3000;
const ATTEMPTS = 3;
const PERMANENT = new Set([400, 401, 403, 404]);
let cached; // { token, refreshAt }
let inFlight;
let notBefore = 0; // no token request before this (a 429's Retry-After)

async function fetchToken() {
  let failure;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
    if (Date.now() < notBefore) throw new Error(`rate-limited for ${Math.ceil((notBefore - Date.now()) / 1000)} s more`);
    try {
      const response = await fetch(config.tokenUrl, {
        method: 'POST',
        signal: AbortSignal.timeout(TIMEOUT_MS),
        headers: { authorization: `Basic ${btoa(`${config.clientId}:${config.clientSecret}`)}`, 'content-type': 'application/x-www-form-urlencoded', ...config.tokenHeaders },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: config.scope }),
      });
      const body = await response.json().catch(() => undefined);
      if (response.status === 429) {
        notBefore = Date.now() + 1000 * Number(response.headers.get('retry-after') ?? 1);
        throw Object.assign(new Error('token endpoint: 429'), { permanent: true });
      }
      if (PERMANENT.has(response.status)) throw Object.assign(new Error(`token endpoint: ${response.status} ${body?.error ?? ''}`), { permanent: true });
      if (!response.ok || typeof body?.access_token !== 'string' || body.error) throw new Error(`token endpoint: ${response.status}`);
      const lifetime = Number(body.expires_in);
      const seconds = Number.isFinite(lifetime) && body.expires_in !== null && body.expires_in !== undefined ? lifetime : 60;
      return { token: body.access_token, refreshAt: Date.now() + seconds * 900 };
    } catch (error) {
      if (error.permanent) throw error;
      failure = error;
      if (attempt < ATTEMPTS) await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
    }
  }
  throw failure;
}

function token(refused) {
  if (cached && cached.token !== refused && Date.now() < cached.refreshAt) return Promise.resolve(cached.token);
  inFlight ??= fetchToken()
    .then((fresh) => (cached = fresh).token)
    .finally(() => (inFlight = undefined));
  return inFlight;
}

const call = async (unit, bearer) =>
  fetch(apiUrl(unit), { method: unit.method, signal: AbortSignal.timeout(TIMEOUT_MS), headers: { ...apiHeaders(unit), authorization: `Bearer ${bearer}` }, body: requestBody(unit) });

serve(async (unit) => {
  const first = await token();
  let response = await call(unit, first);
  if (response.status === 401 && /invalid_token/.test(response.headers.get('www-authenticate') ?? '')) response = await call(unit, await token(first));
  return response.status;
});
