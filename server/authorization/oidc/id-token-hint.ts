import { errors as joseErrors, jwtVerify } from 'jose';
import type { AuthorizationContext } from '../authorization-context.ts';

export type HintResult = { ok: true; clientId: string; subject: string; sid?: string } | { ok: false; problem: string };

/**
 * An id_token_hint is one of this server's ID tokens: its signature and issuer are checked, its
 * expiry is not (RP-Initiated Logout 1.0 §2: the OP should accept an expired one). An access
 * token of this server is not one: ID tokens, and only they, carry `sid` and `auth_time`.
 */
export async function verifyIdTokenHint(token: string, server: Pick<AuthorizationContext, 'keys' | 'urls'>): Promise<HintResult> {
  try {
    const { payload } = await jwtVerify(
      token,
      (header) => {
        const key = server.keys.find(header.kid);
        if (!key) throw new joseErrors.JWKSNoMatchingKey();
        return key.publicKey;
      },
      { algorithms: [server.keys.algorithm], issuer: server.urls.issuer, currentDate: new Date(0) },
    );
    if (typeof payload.sid !== 'string' || typeof payload.auth_time !== 'number' || payload.tok_type === 'AT') return { ok: false, problem: 'not an ID token (no sid or auth_time)' };
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    const clientId = typeof payload.azp === 'string' ? payload.azp : audiences.find((a) => typeof a === 'string' && a !== server.urls.issuer);
    if (typeof clientId !== 'string' || typeof payload.sub !== 'string') return { ok: false, problem: 'no client (aud/azp) or sub in the token' };
    return { ok: true, clientId, subject: payload.sub, sid: payload.sid };
  } catch (error) {
    return { ok: false, problem: error instanceof Error ? error.message : String(error) };
  }
}
