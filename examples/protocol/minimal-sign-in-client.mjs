// The command-driver protocol for a client that signs a person in, in plain Node: the authorization code with PKCE, then refresh tokens.
import { createHash, randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
const env = process.env, pending = new Map(); // state -> PKCE verifier, for each sign-in started
let access, refresh, expiresAt = 0;
const random = () => randomBytes(32).toString('base64url');
const tokenRequest = async (form) => { // one attempt: a code or a refresh token is good once
  const res = await fetch(env.UNDERSTUDY_TOKEN_URL, { method: 'POST', body: new URLSearchParams(form),
    headers: { authorization: `Basic ${btoa(`${env.UNDERSTUDY_CLIENT_ID}:${env.UNDERSTUDY_CLIENT_SECRET}`)}` } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok || !body.access_token) throw Object.assign(new Error(`token endpoint: ${res.status} ${body.error ?? ''}`), { code: body.error });
  [access, refresh, expiresAt] = [body.access_token, body.refresh_token ?? refresh, Date.now() + (body.expires_in ?? 60) * 900];
};
const ops = {
  'sign-in': () => {
    const state = random(), verifier = random(), url = new URL(env.UNDERSTUDY_AUTHORIZATION_URL);
    pending.set(state, verifier);
    url.search = new URLSearchParams({ response_type: 'code', client_id: env.UNDERSTUDY_CLIENT_ID, redirect_uri: env.UNDERSTUDY_REDIRECT_URI, scope: env.UNDERSTUDY_SCOPE,
      state, code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256' });
    return { ok: true, url: url.href };
  },
  callback: async ({ url }) => { // the redirect URI: refuse a state this client did not hand out
    const query = new URL(url).searchParams, verifier = pending.get(query.get('state'));
    pending.delete(query.get('state'));
    if (query.has('error') || !verifier) return { ok: false, error: query.get('error') ?? 'the state is not one of this client\'s sign-ins' };
    await tokenRequest({ grant_type: 'authorization_code', code: query.get('code'), redirect_uri: env.UNDERSTUDY_REDIRECT_URI, code_verifier: verifier });
    return { ok: true };
  },
  'sign-out': () => ((access = refresh = undefined), { ok: true }),
  work: async (unit) => {
    if (!access || Date.now() >= expiresAt) {
      if (!refresh) return { ok: false, needsSignIn: true, error: 'nobody is signed in' };
      await tokenRequest({ grant_type: 'refresh_token', refresh_token: refresh }).catch((error) => {
        if (error.code === 'invalid_grant') access = refresh = undefined; // the grant is over: the person must sign in again
        throw error;
      });
    }
    const res = await fetch(new URL(unit.path, env.UNDERSTUDY_API_URL), { method: unit.method, headers: { authorization: `Bearer ${access}` } });
    return { ok: res.ok, status: res.status };
  },
};
for await (const line of createInterface({ input: process.stdin })) {
  const request = JSON.parse(line);
  Promise.resolve().then(() => ops[request.op](request)).catch((error) => ({ ok: false, error: error.message, needsSignIn: !refresh }))
    .then((report) => console.log(JSON.stringify({ id: request.id, ...report })));
}
