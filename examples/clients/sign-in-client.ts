/**
 * The sign-in half of the reference client: an OpenID Connect relying party written the way the
 * rule catalogue (docs/rules.md) says a good one behaves. Each sign-in gets a fresh state, nonce
 * and S256 PKCE verifier; a callback is refused unless its state is one the client handed out; a
 * code is redeemed once, never retried; the ID token is verified (signature, iss, aud, azp, exp,
 * nonce); signing out sends the browser to the end-session endpoint with id_token_hint.
 * The buggy example clients switch one of `SignInFlaws` on.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import { tokenRequestHeaders, type TokenAnswer, type WorkOutcome } from './token-client.ts';

export interface SignInSettings {
  clientId: string;
  clientSecret: string;
  tokenUrl: string;
  scope?: string;
  issuer: string;
  jwksUrl: string;
  authorizationUrl: string;
  redirectUri: string;
  endSessionUrl?: string;
  postLogoutRedirectUri?: string;
  timeoutMs?: number;
}

/** The classic sign-in bugs, one per buggy example client. */
export interface SignInFlaws {
  /** Nothing ties a callback to its sign-in: no state check and no PKCE; any code is redeemed. */
  noCsrfProtection?: boolean;
  /** Sends no PKCE code_challenge. */
  noPkce?: boolean;
  /** Takes the ID token's claims as they come: no signature, iss, aud or nonce check. */
  trustIdToken?: boolean;
  /** Sends the code again when its redemption failed or its answer was lost. */
  retryCodeRedemption?: boolean;
  /** On an error callback (access_denied...), carries on with a client_credentials token. */
  grantAfterCallbackError?: boolean;
  /** Signs out of the app only: the server's session lives on. */
  localSignOutOnly?: boolean;
}

/** What the sign-in client does with the tokens it gets: hands them to the token client. */
export interface TokenSink {
  adopt(answer: TokenAnswer): void;
  forget(): void;
}

interface PendingSignIn {
  verifier: string;
  nonce?: string;
}

const CODE_ATTEMPTS_FOR_BUGGY_CLIENT = 3;
/** Sign-ins started and not come back, remembered at most (a browser that never returns). */
const MAX_PENDING = 20;

export function createSignInClient(settings: SignInSettings, tokens: TokenSink, flaws: SignInFlaws = {}) {
  const pending = new Map<string, PendingSignIn>();
  const openid = (settings.scope ?? '').split(' ').includes('openid');
  const keys = createRemoteJWKSet(new URL(settings.jwksUrl));
  let idToken: string | undefined;

  /** The authorization URL for a new sign-in (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core §3.1.2.1). */
  function signIn(): string {
    const state = random();
    const verifier = random();
    const nonce = openid ? random() : undefined;
    pending.set(state, { verifier, nonce });
    if (pending.size > MAX_PENDING) pending.delete(pending.keys().next().value as string);
    const url = new URL(settings.authorizationUrl);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', settings.clientId);
    url.searchParams.set('redirect_uri', settings.redirectUri);
    if (settings.scope) url.searchParams.set('scope', settings.scope);
    url.searchParams.set('state', state);
    if (nonce) url.searchParams.set('nonce', nonce);
    if (!flaws.noPkce && !flaws.noCsrfProtection) {
      url.searchParams.set('code_challenge', createHash('sha256').update(verifier).digest('base64url'));
      url.searchParams.set('code_challenge_method', 'S256');
    }
    return url.href;
  }

  /** The redirect endpoint: check the callback, redeem the code once, verify the ID token. */
  async function callback(returned: string): Promise<WorkOutcome & { subject?: string }> {
    const url = new URL(returned);
    const params = url.searchParams.has('code') || url.searchParams.has('error') ? url.searchParams : new URLSearchParams(url.hash.slice(1));
    const state = params.get('state') ?? '';
    let expected = pending.get(state);
    pending.delete(state);
    const error = params.get('error');
    if (error) {
      // RFC 6749 §4.1.2.1: the authorization failed; say so, and ask for nothing else.
      if (flaws.grantAfterCallbackError) await redeem(new URLSearchParams({ grant_type: 'client_credentials' })).catch(() => undefined);
      return { ok: false, error: `the sign-in failed: ${error}${params.get('error_description') ? ` (${params.get('error_description')})` : ''}` };
    }
    if (!expected) {
      if (!flaws.noCsrfProtection) return { ok: false, error: state ? 'the callback\'s state is not one this client handed out: refused (RFC 6749 §10.12)' : 'the callback carries no state: refused (RFC 6749 §10.12)' };
      expected = [...pending.values()].at(-1) ?? { verifier: random() };
    }
    const code = params.get('code');
    if (!code) return { ok: false, error: 'the callback carries neither a code nor an error' };
    const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: settings.redirectUri });
    if (!flaws.noPkce && !flaws.noCsrfProtection) form.set('code_verifier', expected.verifier);
    let answer: TokenAnswer;
    try {
      answer = await redeem(form);
    } catch (failure) {
      return { ok: false, error: `the code was not redeemed: ${(failure as Error).message}` };
    }
    let subject: string | undefined;
    if (openid) {
      if (typeof answer.id_token !== 'string') return { ok: false, error: 'the token response has no id_token although openid was asked for (OIDC Core §3.1.3.3)' };
      try {
        subject = (await validIdToken(answer.id_token, expected.nonce)).sub;
      } catch (failure) {
        return { ok: false, error: `the ID token was refused: ${(failure as Error).message}` };
      }
      idToken = answer.id_token;
    }
    tokens.adopt(answer);
    return { ok: true, ...(subject ? { subject } : {}) };
  }

  /** One token request (a code is good for one: no retry, RFC 6749 §4.1.2), or a few for the buggy client. */
  async function redeem(form: URLSearchParams): Promise<TokenAnswer> {
    const attempts = flaws.retryCodeRedemption ? CODE_ATTEMPTS_FOR_BUGGY_CLIENT : 1;
    let last: Error = new Error('no attempt');
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      try {
        const body = new URLSearchParams(form);
        const response = await fetch(settings.tokenUrl, { method: 'POST', headers: tokenRequestHeaders(settings, body), body, signal: AbortSignal.timeout(settings.timeoutMs ?? 5000) });
        const text = await response.text();
        const parsed = JSON.parse(text) as TokenAnswer;
        if (response.ok && typeof parsed.access_token === 'string') return parsed;
        last = new Error(`${response.status} ${String(parsed.error ?? '')} ${String(parsed.error_description ?? '')}`.trim());
      } catch (failure) {
        last = failure instanceof Error ? failure : new Error(String(failure));
      }
    }
    throw last;
  }

  /** OpenID Connect Core §3.1.3.7: signature, iss, aud (and azp), exp, and the nonce of this sign-in. */
  async function validIdToken(token: string, nonce: string | undefined): Promise<JWTPayload> {
    if (flaws.trustIdToken) return decodeJwt(token);
    const { payload } = await jwtVerify(token, keys, { issuer: settings.issuer, audience: settings.clientId, algorithms: ['RS256', 'ES256'] });
    if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== undefined && payload.azp !== settings.clientId) throw new Error(`azp ${String(payload.azp)} is not this client`);
    if (nonce !== undefined && payload.nonce !== nonce) throw new Error('the nonce is not the one this sign-in sent');
    if (typeof payload.sub !== 'string') throw new Error('the ID token has no sub');
    return payload;
  }

  /** Signs out of the app, and of the server: RP-initiated logout with id_token_hint. */
  function signOut(): { ok: true; url?: string } {
    tokens.forget();
    const hint = idToken;
    idToken = undefined;
    if (flaws.localSignOutOnly || !settings.endSessionUrl || !hint) return { ok: true };
    const url = new URL(settings.endSessionUrl);
    url.searchParams.set('id_token_hint', hint);
    if (settings.postLogoutRedirectUri) url.searchParams.set('post_logout_redirect_uri', settings.postLogoutRedirectUri);
    return { ok: true, url: url.href };
  }

  return { signIn, callback, signOut };
}

function random(): string {
  return randomBytes(32).toString('base64url');
}
