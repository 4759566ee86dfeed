import { randomUUID } from 'node:crypto';
import type { OAuthError } from './oauth-error.ts';
import type { AccessTokenFacts, DiscoveryUrls, ErrorAnswer, IdTokenFacts, Profile } from './profile.ts';
import type { ResolvedUser } from '../config/types.ts';
import { noStoreHeaders, wwwAuthenticateBasic } from './shared.ts';

/**
 * IDCS / OCI IAM identity domains, as documented and as captured from real tenants
 * (docs/research/idcs-wire.md lists the sources and what is still a guess).
 */
export function createIdcsProfile(): Profile {
  return {
    name: 'idcs',
    paths: {
      token: '/oauth2/v1/token',
      introspect: '/oauth2/v1/introspect',
      revoke: '/oauth2/v1/revoke',
      jwks: '/admin/v1/SigningCert/jwk',
      authorize: '/oauth2/v1/authorize',
      // IDCS's sign-in and consent pages (docs/research/idcs-wire.md §8b).
      login: '/ui/v1/signin',
      consent: '/ui/v1/myconsole/consent',
      userinfo: '/oauth2/v1/userinfo',
      logout: '/oauth2/v1/userlogout',
      discovery: ['/.well-known/openid-configuration', '/.well-known/idcs-configuration', '/.well-known/oauth-authorization-server'],
    },
    // Real IDCS headers are exactly these four members, in this order, with no `typ`.
    tokenHeader: (key) => ({ 'x5t#S256': key.x5tS256, x5t: key.x5t, kid: key.kid, alg: key.alg }),
    tokenClaims: (facts: AccessTokenFacts) => ({
      sub: facts.subject,
      'user.tenant.name': facts.tenant,
      sub_mappingattr: 'userName',
      iss: facts.issuer,
      tok_type: 'AT',
      client_id: facts.clientId,
      aud: [facts.audience],
      sub_type: facts.subjectType,
      scope: facts.scopes.join(' '),
      client_tenantname: facts.tenant,
      exp: facts.exp,
      iat: facts.iat,
      client_guid: clientGuid(facts.clientId),
      client_name: facts.clientName,
      tenant: facts.tenant,
      jti: facts.jti,
      gtp: grantTypeCode(facts.grantType),
      tenant_iss: `https://${facts.tenant}.identity.oraclecloud.com:443`,
    }),
    // Captured IDCS client_credentials answers have no scope member, default scope or not
    // (docs/research/idcs-wire.md §2): a client that needs it reads the token's scope claim.
    announcesDefaultScope: false,
    idTokenHeader: (key) => ({ 'x5t#S256': key.x5tS256, x5t: key.x5t, kid: key.kid, alg: key.alg }),
    idTokenClaims,
    userinfo: idcsUserinfo,
    // Oracle's confidential-client examples redeem a code without redirect_uri (idcs-wire.md §8d).
    redemptionRepeatsRedirectUri: false,
    // IDCS shows a JSON body, its ECID inside the description (idcs-wire.md §8a).
    authorizationErrorBody: (error, description, requestId) => ({ error, error_description: `${description.replace(/\.?$/, '.')} ECID: ${requestId}` }),
    formatError: (error: OAuthError, requestId: string): ErrorAnswer => {
      const description = error.idcsDescription ?? (error.error === 'invalid_client' ? 'Client authentication failed.' : error.description);
      const headers: Record<string, string> = { ...noStoreHeaders(), ...dmsHeaders(requestId) };
      if (error.challenge) headers['www-authenticate'] = wwwAuthenticateBasic('idcs', error.error, description);
      // IDCS error bodies: error, error_description, then ecid (the request's DMS execution context id).
      return { status: error.status, headers, body: { error: error.error, error_description: description, ecid: requestId } };
    },
    responseHeaders: dmsHeaders,
    discovery: (path: string, urls: DiscoveryUrls) => {
      const openid = openIdConfiguration(urls);
      if (path.endsWith('/idcs-configuration')) {
        return {
          configuration: { version: '1', service_release_version: 'understudy' },
          'access-configuration': {
            http_authentication_endpoint: `${urls.baseUrl}/admin/v1/HTTPAuthenticator`,
            asserter_endpoint: `${urls.baseUrl}/admin/v1/Asserter`,
          },
          'openid-configuration': openid,
        };
      }
      if (path.endsWith('/oauth-authorization-server')) {
        // IDCS's RFC 8414 document: the OpenID one plus "none" and PKCE's S256.
        return {
          ...openid,
          token_endpoint_auth_methods_supported: [...(openid.token_endpoint_auth_methods_supported as string[]), 'none'],
          code_challenge_methods_supported: ['S256'],
        };
      }
      return openid;
    },
    introspection: (claims) => ({
      active: true,
      scope: claims.scope,
      client_id: claims.client_id,
      client_guid: claims.client_guid,
      // IDCS answers token_type "JWT" for its access tokens (Oracle Siebel introspection example).
      token_type: 'JWT',
      sub_type: claims.sub_type,
      exp: claims.exp,
      iat: claims.iat,
      sub: claims.sub,
      iss: claims.iss,
      aud: claims.aud,
      jti: claims.jti,
      tenant: claims.tenant,
    }),
  };
}

/** A new IDCS-style execution context id, e.g. "rHOZX16N200000000". */
export function createEcid(): string {
  return `${randomUUID().slice(0, 8)}000000000`;
}

function dmsHeaders(requestId: string): Record<string, string> {
  return { 'x-oracle-dms-ecid': requestId, 'x-oracle-dms-rid': '0' };
}

function clientGuid(clientId: string): string {
  // Stable per client id, 32 hex chars like IDCS's app GUIDs.
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (const char of clientId) {
    h1 = Math.imul(h1 ^ char.charCodeAt(0), 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ char.charCodeAt(0), 0x811c9dc5) >>> 0;
  }
  return [h1, h2, h1 ^ 0x5bd1e995, h2 ^ 0x1b873593].map((n) => (n >>> 0).toString(16).padStart(8, '0')).join('');
}

function grantTypeCode(grantType: string): string {
  // gtp claim: "cc" for client_credentials and "azc" for authorization_code are seen in real tokens.
  switch (grantType) {
    case 'client_credentials':
      return 'cc';
    case 'authorization_code':
      return 'azc';
    case 'password':
      return 'ro';
    case 'refresh_token':
      return 'rt';
    // IDCS's code for other grants (the JWT user assertion) is in no capture: the grant type as sent.
    default:
      return grantType;
  }
}

/**
 * The ID token's claims in the order of the captured IDCS samples (idcs-wire.md §8e), without the
 * OCI-only *_ocid and domain claims. aud is the issuer, then the client; exp is the session's end.
 */
function idTokenClaims(facts: IdTokenFacts): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    user_tz: 'America/Chicago',
  };
  if (facts.atHash !== undefined) claims.at_hash = facts.atHash;
  // Where IDCS puts nonce is in no capture: right after at_hash.
  if (facts.nonce !== undefined) claims.nonce = facts.nonce;
  Object.assign(claims, {
    sub: facts.user.username,
    user_locale: 'en',
    idp_name: 'localIDP',
    idp_guid: 'localIDP',
    amr: ['USERNAME_PASSWORD'],
    iss: facts.issuer,
    user_tenantname: facts.tenant,
    client_id: facts.clientId,
    sid: facts.sid,
    authn_strength: '2',
    azp: facts.clientId,
    auth_time: facts.authTime,
    session_exp: facts.sessionExp,
    user_lang: 'en',
    exp: facts.exp,
    iat: facts.iat,
    client_name: facts.clientName,
    client_guid: clientGuid(facts.clientId),
    idp_type: 'LOCAL',
    tenant: facts.tenant,
    jti: facts.jti,
    user_displayname: facts.user.displayName,
    sub_mappingattr: 'userName',
    tok_type: 'IT',
    aud: [facts.issuer, facts.clientId],
    user_id: clientGuid(`user:${facts.user.username}`),
    tenant_iss: `https://${facts.tenant}.identity.oraclecloud.com:443`,
  });
  return claims;
}

/**
 * IDCS's UserInfo: the profile claims whatever the scope, unset ones as "", keys in alphabetical
 * order (every captured body, idcs-wire.md §8f); email with the email scope, groups with groups.
 */
function idcsUserinfo(user: ResolvedUser, scopes: readonly string[]): Record<string, unknown> {
  const [given, ...family] = user.displayName.split(' ');
  const claims: Record<string, unknown> = {
    birthdate: '',
    family_name: family.join(' ') || user.displayName,
    gender: '',
    given_name: given ?? '',
    name: user.displayName,
    preferred_username: user.username,
    sub: user.username,
    website: '',
  };
  if (scopes.includes('email') && user.email !== undefined) {
    claims.email = user.email;
    claims.email_verified = true;
  }
  // IDCS's groups claim shape is in no capture: the names, as Oracle's get_groups answers list them.
  if (scopes.includes('groups')) claims.groups = user.groups.map((name) => ({ name }));
  return Object.fromEntries(Object.entries(claims).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function openIdConfiguration(urls: DiscoveryUrls): Record<string, unknown> {
  return {
    issuer: urls.issuer,
    authorization_endpoint: urls.authorizeUrl,
    token_endpoint: urls.tokenUrl,
    userinfo_endpoint: urls.userinfoUrl,
    revocation_endpoint: urls.revokeUrl,
    introspection_endpoint: urls.introspectUrl,
    end_session_endpoint: urls.logoutUrl,
    secure_authorization_endpoint: urls.authorizeUrl,
    secure_token_endpoint: urls.tokenUrl,
    secure_userinfo_endpoint: urls.userinfoUrl,
    secure_revocation_endpoint: urls.revokeUrl,
    secure_introspection_endpoint: urls.introspectUrl,
    secure_end_session_endpoint: urls.logoutUrl,
    jwks_uri: urls.jwksUrl,
    secure_jwks_uri: urls.jwksUrl,
    scopes_supported: ['openid', 'profile', 'offline_access', 'email', 'address', 'phone', 'groups', 'get_groups', 'approles', 'get_approles', ...urls.scopes],
    // IDCS lists every response type; understudy serves code only and says so (a client must not pick one it cannot get).
    response_types_supported: ['code'],
    response_modes_supported: ['query', 'fragment'],
    code_challenge_methods_supported: ['S256'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    claims_supported: ['aud', 'exp', 'iat', 'iss', 'jti', 'sub'],
    grant_types_supported: urls.grantTypes,
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'private_key_jwt', 'client_secret_post'],
    token_endpoint_auth_signing_alg_values_supported: ['RS256'],
    userinfo_signing_alg_values_supported: ['none'],
    ui_locales_supported: ['en'],
    claims_parameter_supported: false,
    http_logout_supported: true,
    logout_session_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    require_request_uri_registration: false,
    idcs_id_token: 'supported',
    idcs_logout_v3: 'supported',
  };
}
