import { authorizationCodeGrant } from './authorization-code-grant.ts';
import { clientCredentialsGrant } from './client-credentials-grant.ts';
import type { GrantHandler } from './grant.ts';
import { JWT_BEARER_GRANT, jwtBearerGrant } from './jwt-bearer-grant.ts';
import { passwordGrant } from './password-grant.ts';
import { refreshTokenGrant } from './refresh-token-grant.ts';

/** The grant types the token endpoint serves: the one list, read by the endpoint and by discovery. */
export const GRANTS: ReadonlyMap<string, GrantHandler> = new Map<string, GrantHandler>([
  ['client_credentials', clientCredentialsGrant],
  ['authorization_code', authorizationCodeGrant],
  ['password', passwordGrant],
  ['refresh_token', refreshTokenGrant],
  [JWT_BEARER_GRANT, jwtBearerGrant],
]);
