import { findScopeGrant } from '../config/resolve.ts';
import type { ProfileName, ResolvedResource, ScopeGrant } from '../config/types.ts';
import type { RegisteredClient } from './client-registry.ts';
import { OAuthError } from '../profiles/oauth-error.ts';

/** IDCS's catch-all scope of Oracle service apps; it cannot be combined with other resource scopes. */
export const CONSUMER_ALL = 'urn:opc:resource:consumer::all';
/** IDCS scope value that asks for a shorter token lifetime, e.g. `urn:opc:resource:expiry=300`. */
const EXPIRY_PREFIX = 'urn:opc:resource:expiry=';

export interface ScopeDecision {
  audience: string;
  /** Bare scopes granted, in request order. */
  scopes: string[];
  /** Lifetime asked for with urn:opc:resource:expiry=N. */
  expiry?: number;
  offlineAccess: boolean;
  /** No resource scope was asked for: `scopes` is the server's default (RFC 6749 §3.3). */
  defaulted: boolean;
  resource: ResolvedResource;
}

/** The scope values of a `scope` parameter (RFC 6749 §3.3: space-delimited), without offline_access. */
export function requestedScopeValues(scope: string): string[] {
  return scope.split(' ').filter((s) => s && s !== 'offline_access');
}

/**
 * Decides which audience and scopes a token request gets, the IDCS way: scopes are written
 * fully-qualified ("<audience><scope>", no separator) or bare when only one resource defines
 * them; all must belong to one audience and be granted to the client.
 * @throws OAuthError invalid_scope naming the offending value.
 */
export function decideScope(
  requested: string | undefined,
  client: RegisteredClient,
  resources: readonly ResolvedResource[],
  profile: ProfileName,
  resourceParam?: string,
): ScopeDecision {
  const values = (requested ?? '').split(' ').filter(Boolean);
  let expiry: number | undefined;
  let offlineAccess = false;
  const grants: ScopeGrant[] = [];

  // RFC 8707 §2: a resource the server does not know is invalid_target, whatever scope comes with it.
  if (resourceParam !== undefined && !resources.some((r) => r.audience === resourceParam)) {
    throw new OAuthError('invalid_target', `resource ${resourceParam} is not a known resource`);
  }

  for (const value of values) {
    if (value === 'offline_access') {
      offlineAccess = true;
      continue;
    }
    if (profile === 'idcs' && value.startsWith(EXPIRY_PREFIX)) {
      expiry = parseExpiry(value);
      continue;
    }
    const candidates = resourceParam ? resources.filter((r) => r.audience === resourceParam) : resources;
    const found = findScopeGrant(value, candidates);
    if (found === undefined) throw new OAuthError('invalid_scope', `the requested scope is invalid, unknown, or malformed: ${value}`);
    if (Array.isArray(found)) {
      throw new OAuthError('invalid_scope', `scope ${value} is defined by several resources (${found.map((g) => g.audience).join(', ')}); request it fully-qualified as <audience>${value}`);
    }
    grants.push(found);
  }

  const defaulted = grants.length === 0;
  if (defaulted) {
    // RFC 6749 §3.3: no scope requested, so use a pre-defined default: everything the client
    // is granted on its first audience (or on the requested resource).
    const audience = resourceParam ?? client.scopes[0]?.audience;
    const granted = client.scopes.filter((g) => g.audience === audience);
    if (!audience || granted.length === 0) {
      throw new OAuthError('invalid_scope', 'no scope was requested and the client has no scope granted to default to');
    }
    // consumer::all cannot be combined with the resource's other scopes, so it alone is the default.
    const catchAll = profile === 'idcs' ? granted.find((g) => g.scope === CONSUMER_ALL) : undefined;
    grants.push(...(catchAll ? [catchAll] : granted));
  }

  const audience = (grants[0] as ScopeGrant).audience;
  const other = grants.find((g) => g.audience !== audience);
  if (other) {
    throw new OAuthError('invalid_scope', `scopes of two audiences were requested (${audience} and ${other.audience}); a token has one audience`);
  }
  const scopes = [...new Set(grants.map((g) => g.scope))];
  if (profile === 'idcs' && scopes.includes(CONSUMER_ALL) && scopes.length > 1) {
    throw new OAuthError('invalid_scope', `${CONSUMER_ALL} cannot be combined with other scopes of the resource`);
  }
  for (const scope of scopes) {
    if (!client.scopes.some((g) => g.audience === audience && g.scope === scope)) {
      throw new OAuthError('invalid_scope', `the client is not granted the scope ${audience}${scope}`, { reason: `client ${client.id} asked for ${audience}${scope}, which it is not granted` });
    }
  }
  const resource = resources.find((r) => r.audience === audience) as ResolvedResource;
  return { audience, scopes, expiry, offlineAccess, defaulted, resource };
}

function parseExpiry(value: string): number {
  const text = value.slice(EXPIRY_PREFIX.length);
  const seconds = Number(text);
  // IDCS documents 60..31556952; understudy also accepts shorter lifetimes so expiry can be tried in seconds.
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(seconds) || seconds < 1 || seconds > 31_556_952) {
    throw new OAuthError('invalid_scope', `${value}: the expiry must be a whole number of seconds between 1 and 31556952`);
  }
  return seconds;
}
