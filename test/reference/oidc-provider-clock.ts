/**
 * oidc-provider reads the time only through Date.now() (lib/helpers/epoch_time.js:1 and friends);
 * no configuration option takes a clock. So with ttl.AuthorizationCode = 60 a code redeemed after a
 * test's own "virtual clock" moved an hour is still accepted, while moving Date.now itself expires it.
 *   node test/reference/oidc-provider-clock.ts
 */
import { CODE_CHALLENGE, CODE_VERIFIER } from './oidc-provider-authorize-cases.ts';
import { startReferenceProvider } from './oidc-provider-authorize.ts';

const ref = await startReferenceProvider({ devInteractions: true, ttl: { AuthorizationCode: 60 } });
const jar = new Map<string, string>();

async function hop(path: string, init: RequestInit = {}): Promise<Response> {
  const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const response = await fetch(new URL(path, ref.url), { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie } });
  for (const c of response.headers.getSetCookie()) {
    const [pair = ''] = c.split(';');
    const name = pair.slice(0, pair.indexOf('='));
    if (/expires=Thu, 01 Jan 1970/i.test(c)) jar.delete(name);
    else jar.set(name, pair.slice(name.length + 1));
  }
  return response;
}

/** Authorization request → dev login → dev consent → code at the redirect_uri. */
async function obtainCode(): Promise<string> {
  const query = new URLSearchParams({
    client_id: ref.clientId, response_type: 'code', scope: 'openid', redirect_uri: ref.redirectUri,
    code_challenge: CODE_CHALLENGE, code_challenge_method: 'S256',
  });
  let location = (await hop(`/auth?${query}`)).headers.get('location')!;
  while (!location.startsWith(ref.redirectUri)) {
    if (location.startsWith('/interaction/')) {
      const page = await (await hop(location)).text();
      const form: Record<string, string> = page.includes('name="login"') ? { prompt: 'login', login: 'alice', password: 'x' } : { prompt: 'consent' };
      location = (await hop(location, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() })).headers.get('location')!;
    } else {
      location = (await hop(location)).headers.get('location')!;
    }
  }
  return new URL(location).searchParams.get('code')!;
}

async function redeem(code: string): Promise<string> {
  const response = await fetch(`${ref.url}/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${ref.clientId}:${ref.secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: ref.redirectUri, code_verifier: CODE_VERIFIER }).toString(),
  });
  const body = (await response.json()) as { error?: string; error_description?: string; access_token?: string };
  return `${response.status} ${body.error ? `${body.error}: ${body.error_description}` : 'access_token issued'}`;
}

const realNow = Date.now;
try {
  const virtualClock = { nowMs: realNow() }; // what a test harness with its own clock would advance
  let code = await obtainCode();
  virtualClock.nowMs += 3600_000;
  console.log(`virtual clock +3600s (Date.now untouched):  ${await redeem(code)}`);

  for (const skewSeconds of [59, 61]) {
    code = await obtainCode();
    Date.now = () => realNow() + skewSeconds * 1000;
    console.log(`Date.now +${skewSeconds}s:                            ${await redeem(code)}`);
    Date.now = realNow;
  }
} finally {
  Date.now = realNow;
  await ref.close();
}
