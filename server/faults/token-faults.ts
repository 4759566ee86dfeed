import type { AnsweredToken, IdTokenDraft, TokenDraft, TokenHooks, TokenRequestFacts } from '../authorization/token-hooks.ts';
import type { SigningKey } from '../keys/key-ring.ts';
import type { Deferred, Firing } from './fault-engine.ts';
import type { FaultAction } from './rule-schema.ts';

type Mutation = Extract<FaultAction, { type: 'token_mutation' }>;
type ResponseTweak = Extract<FaultAction, { type: 'token_response' }>;
type IdTokenMutation = Extract<FaultAction, { type: 'id_token_mutation' }>;

/** What token faults need of the server: a key the JWKS never publishes, the reissue cache. */
export interface TokenFaultContext {
  unknownKey(): SigningKey;
  reissued: Map<string, AnsweredToken>;
  profile: 'idcs' | 'rfc9068';
}

/** Tells the journal what a rule did, once it did it. */
export type NoteEffect = (firing: Firing, effect: string) => void;

/**
 * The token endpoint's hooks for one token_mutation, id_token_mutation or token_response rule.
 * The rule counts the request when the endpoint reaches the step it changes, and acts (is counted
 * applied and noted) only when it changes it: a request refused before any token was issued
 * leaves it untouched, and an id_token_mutation counts only the answers that carry an ID token.
 */
export function tokenFaultHooks(deferred: Deferred, context: TokenFaultContext, note: NoteEffect): TokenHooks {
  const { action } = deferred.rule;
  const acted = (firing: Firing) => {
    firing.acted();
    note(firing, describe(action as Mutation | ResponseTweak | IdTokenMutation));
  };
  if (action.type === 'id_token_mutation') {
    return {
      idToken: (draft) => {
        const firing = deferred.reach();
        if (!firing) return;
        mutateIdToken(draft, action, context);
        acted(firing);
      },
    };
  }
  if (action.type === 'token_mutation') {
    return {
      beforeSign: (draft) => {
        const firing = deferred.reach();
        if (!firing) return;
        mutate(draft, action, context);
        acted(firing);
      },
    };
  }
  if (action.type !== 'token_response') return {};
  // The request a cached token answered, whole: a token is handed again only for the same one.
  const key = (request: TokenRequestFacts) => [deferred.rule.id, request.clientId, request.subject, request.audience, [...request.scopes].sort().join(' ')].join('\u0000');
  return {
    // A server that hands out its cached token again, while it lives.
    reuse: action.reissue
      ? (request, now) => {
          if (!deferred.reach()) return undefined;
          const cached = context.reissued.get(key(request));
          return cached && cached.exp > now ? cached : undefined;
        }
      : undefined,
    afterSign: (token, body, lifetime) => {
      const firing = deferred.reach();
      if (!firing) return body;
      if (action.reissue) context.reissued.set(key(token.request), token);
      acted(firing);
      return tweak(body, action, lifetime);
    },
  };
}

function mutate(draft: TokenDraft, m: Mutation, context: TokenFaultContext): void {
  const ttl = draft.exp - draft.iat;
  const issuedAt = draft.iat;
  if (m.expired) {
    // Issued in the past so that it expired a minute ago, with its usual lifetime.
    draft.iat = issuedAt - ttl - 60;
    draft.exp = issuedAt - 60;
  }
  if (m.notBefore !== undefined) draft.claims.nbf = issuedAt + m.notBefore;
  if (m.unknownKey) draft.key = context.unknownKey();
  if (m.audience !== undefined) draft.claims.aud = context.profile === 'idcs' ? [m.audience] : m.audience;
  if (m.issuer !== undefined) draft.claims.iss = m.issuer;
  if (m.dropScopes !== undefined) draft.scopes = draft.scopes.slice(0, Math.max(0, draft.scopes.length - m.dropScopes));
  if (m.announceScope) draft.announceScope = true;
}

/** An ID token a careful relying party must refuse (OpenID Connect Core §3.1.3.7). */
function mutateIdToken(draft: IdTokenDraft, m: IdTokenMutation, context: TokenFaultContext): void {
  const { claims } = draft;
  if (m.nonce !== undefined) claims.nonce = m.nonce;
  if (m.dropNonce) delete claims.nonce;
  // The profile's shape: IDCS sends aud as an array, the rfc9068 profile as a string.
  if (m.audience !== undefined) claims.aud = context.profile === 'idcs' ? [m.audience] : m.audience;
  if (m.issuer !== undefined) claims.iss = m.issuer;
  if (m.expired && typeof claims.iat === 'number' && typeof claims.exp === 'number') {
    // Issued in the past so that it expired a minute ago, with its usual lifetime.
    const { iat, exp } = claims;
    claims.iat = iat - (exp - iat) - 60;
    claims.exp = iat - 60;
  }
  if (m.badSignature) draft.breakSignature = true;
}

/** Changes the success body as odd-but-legal servers do (RFC 6749 §5.1 leaves room for all of these). */
function tweak(body: Record<string, unknown>, t: ResponseTweak, realLifetime: number): Record<string, unknown> {
  const out = { ...body };
  if (t.expiresInDelta !== undefined) out.expires_in = Math.max(0, realLifetime + t.expiresInDelta);
  if (t.expiresIn === 'missing') delete out.expires_in;
  else if (t.expiresIn === 'string') out.expires_in = String(out.expires_in ?? realLifetime);
  else if (typeof t.expiresIn === 'number') out.expires_in = t.expiresIn;
  if (t.tokenType !== undefined) out.token_type = t.tokenType;
  if (t.scope !== undefined) out.scope = t.scope;
  if (t.errorField !== undefined) out.error = t.errorField;
  return out;
}

const DESCRIBED: Record<(Mutation | ResponseTweak | IdTokenMutation)['type'], string> = {
  token_mutation: 'token mutated',
  token_response: 'token response altered',
  id_token_mutation: 'ID token mutated',
};

function describe(action: Mutation | ResponseTweak | IdTokenMutation): string {
  const parts = Object.entries(action)
    .filter(([key]) => key !== 'type')
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`);
  return `${DESCRIBED[action.type]}: ${parts.join(', ')}`;
}
