import type { ProfileName, ResolvedClient } from './types.ts';

/**
 * The scope a client asks for by default: its first granted scope, written as the profile's
 * clients write it: "<audience><scope>" with no separator under idcs (how IDCS clients ask for
 * an application's scope), bare under rfc9068. Empty when the client has no scope granted.
 */
export function defaultScopeOf(client: ResolvedClient, profile: ProfileName): string {
  const grant = client.scopes[0];
  if (!grant) return '';
  return profile === 'idcs' ? `${grant.audience}${grant.scope}` : grant.scope;
}
