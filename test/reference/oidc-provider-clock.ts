/**
 * oidc-provider reads the time only through Date.now() (lib/helpers/epoch_time.js:1 and friends);
 * no configuration option takes a clock. So with ttl.AuthorizationCode = 60 a code redeemed after a
 * test's own "virtual clock" moved an hour is still accepted, while moving Date.now itself expires it.
 *   node test/reference/oidc-provider-clock.ts
 */
import { CODE_CHALLENGE, CODE_VERIFIER } from './oidc-provider-authorize-cases.ts';
import { startReferenceProvider } from './oidc-provider-authorize.ts';
import { referenceSignIn, referenceToken } from './oidc-provider-code-flow.ts';

const ref = await startReferenceProvider({ devInteractions: true, ttl: { AuthorizationCode: 60 } });
/** Authorization request → dev login → dev consent → code at the redirect_uri. */
async function obtainCode(): Promise<string> {
  const answer = await referenceSignIn(ref, {
    client_id: ref.clientId, response_type: 'code', scope: 'openid', redirect_uri: ref.redirectUri,
    code_challenge: CODE_CHALLENGE, code_challenge_method: 'S256',
  });
  if (answer.code === undefined) throw new Error(`no code: ${JSON.stringify(answer)}`);
  return answer.code;
}

async function redeem(code: string): Promise<string> {
  const { status, body } = await referenceToken(ref, { grant_type: 'authorization_code', code, redirect_uri: ref.redirectUri, code_verifier: CODE_VERIFIER }, { clientId: ref.clientId, secret: ref.secret });
  return `${status} ${body.error ? `${body.error}: ${body.error_description}` : 'access_token issued'}`;
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
