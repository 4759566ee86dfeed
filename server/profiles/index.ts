import type { ProfileName } from '../config/types.ts';
import { createIdcsProfile } from './idcs.ts';
import type { Profile } from './profile.ts';
import { createRfc9068Profile } from './rfc9068.ts';

export function createProfile(name: ProfileName): Profile {
  return name === 'idcs' ? createIdcsProfile() : createRfc9068Profile();
}

export { createEcid } from './idcs.ts';
export { OAuthError, type OAuthErrorCode } from './oauth-error.ts';
export { buildUrls, CONTROL_PREFIX, type ServerUrls } from './urls.ts';
export type { Profile, ProfilePaths, AccessTokenFacts, ErrorAnswer, DiscoveryUrls } from './profile.ts';
