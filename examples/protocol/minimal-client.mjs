// The command-driver protocol in plain Node (no dependencies): a JSON unit per stdin line in, a JSON report per unit out.
import { createInterface } from 'node:readline';
const env = process.env;
let token, expiresAt = 0, pending; // cached token, client-clock expiry, the token request in flight
const getToken = () => (token && Date.now() < expiresAt ? Promise.resolve(token) : (pending ??= (async () => {
  const res = await fetch(env.UNDERSTUDY_TOKEN_URL, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', scope: env.UNDERSTUDY_SCOPE }),
    headers: { authorization: `Basic ${btoa(`${env.UNDERSTUDY_CLIENT_ID}:${env.UNDERSTUDY_CLIENT_SECRET}`)}`, ...JSON.parse(env.UNDERSTUDY_TOKEN_HEADERS || '{}') } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok || !body.access_token) throw new Error(`token endpoint: ${res.status} ${body.error ?? ''}`);
  const lifetime = Number(body.expires_in ?? 60); // seconds; refresh 10% early, at least 1 s
  expiresAt = Date.now() + lifetime * 1000 - Math.max(1000, lifetime * 100);
  return (token = body.access_token);
})().finally(() => (pending = undefined))));
const call = async (unit) => fetch(new URL(unit.path, env.UNDERSTUDY_API_URL), { method: unit.method,
  headers: { authorization: `Bearer ${await getToken()}`, ...JSON.parse(env.UNDERSTUDY_API_HEADERS || '{}') } });
for await (const line of createInterface({ input: process.stdin })) {
  const unit = JSON.parse(line);
  call(unit).then(async (res) => (res.status === 401 ? ((token = undefined), call(unit)) : res)) // one replay with a new token
    .then((res) => console.log(JSON.stringify({ id: unit.id, ok: res.ok, status: res.status })))
    .catch((error) => console.log(JSON.stringify({ id: unit.id, ok: false, error: error.message })));
}
