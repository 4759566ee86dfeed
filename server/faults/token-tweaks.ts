import type { PendingTweak, ServerContext } from '../context.ts';
import type { SigningKey } from '../keys/key-ring.ts';
import type { FaultAction } from './rule-schema.ts';

type Mutation = Extract<FaultAction, { type: 'token_mutation' }>;
type ResponseTweak = Extract<FaultAction, { type: 'token_response' }>;

/** How fault rules change the token about to be signed. */
export interface TokenMutation {
  /** Scopes actually granted (fewer than asked with dropScopes). */
  scopes: string[];
  iat: number;
  exp: number;
  /** Claims to overwrite or add after the profile shaped them (aud, iss, nbf). */
  claims: Record<string, unknown>;
  /** Sign with this key instead of the current one. */
  key?: SigningKey;
  /** Put the granted scope in the response (RFC 6749 §5.1: required when it differs). */
  announceScope: boolean;
}

export function mutateToken(
  tweaks: readonly PendingTweak[] | undefined,
  server: ServerContext,
  base: { scopes: string[]; iat: number; ttl: number; profile: 'idcs' | 'rfc9068' },
): TokenMutation {
  const result: TokenMutation = { scopes: base.scopes, iat: base.iat, exp: base.iat + base.ttl, claims: {}, announceScope: false };
  for (const { action } of tweaks ?? []) {
    if (action.type !== 'token_mutation') continue;
    const m: Mutation = action;
    if (m.expired) {
      // Issued in the past so that it expired a minute ago, with its usual lifetime.
      result.iat = base.iat - base.ttl - 60;
      result.exp = base.iat - 60;
    }
    if (m.notBefore !== undefined) result.claims.nbf = base.iat + m.notBefore;
    if (m.unknownKey) result.key = server.faults.unknownKey();
    if (m.audience !== undefined) result.claims.aud = base.profile === 'idcs' ? [m.audience] : m.audience;
    if (m.issuer !== undefined) result.claims.iss = m.issuer;
    if (m.dropScopes !== undefined) result.scopes = result.scopes.slice(0, Math.max(0, result.scopes.length - m.dropScopes));
    if (m.announceScope) result.announceScope = true;
  }
  return result;
}

/** The rule of a `reissue` tweak, if any: its cache key for this client. */
export function reissueKey(tweaks: readonly PendingTweak[] | undefined, clientId: string): string | undefined {
  const tweak = tweaks?.find((t) => t.action.type === 'token_response' && t.action.reissue);
  return tweak ? `${tweak.rule.id}\u0000${clientId}` : undefined;
}

/** Changes the success body as odd-but-legal servers do (RFC 6749 §5.1 leaves room for all of these). */
export function tweakTokenResponse(tweaks: readonly PendingTweak[] | undefined, body: Record<string, unknown>, realLifetime: number): Record<string, unknown> {
  let out = body;
  for (const { action } of tweaks ?? []) {
    if (action.type !== 'token_response') continue;
    const t: ResponseTweak = action;
    out = { ...out };
    if (t.expiresInDelta !== undefined) out.expires_in = Math.max(0, realLifetime + t.expiresInDelta);
    if (t.expiresIn === 'missing') delete out.expires_in;
    else if (t.expiresIn === 'string') out.expires_in = String(out.expires_in ?? realLifetime);
    else if (typeof t.expiresIn === 'number') out.expires_in = t.expiresIn;
    if (t.tokenType !== undefined) out.token_type = t.tokenType;
    if (t.scope !== undefined) out.scope = t.scope;
    if (t.errorField !== undefined) out.error = t.errorField;
  }
  return out;
}
