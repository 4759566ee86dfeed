import type { OAuthError } from './oauth-error.ts';
import type { AccessTokenFacts, DiscoveryUrls, ErrorAnswer, IdTokenFacts, Profile } from './profile.ts';
import type { ResolvedUser } from '../config/types.ts';
import { noStoreHeaders, wwwAuthenticateBasic } from './shared.ts';

/** A plain RFC-compliant server: RFC 9068 JWT access tokens, RFC 8414 metadata, standard paths. */
export function createRfc9068Profile(): Profile {
  return {
    name: 'rfc9068',
    paths: {
      token: '/token',
      introspect: '/introspect',
      revoke: '/revoke',
      jwks: '/jwks',
      authorize: '/authorize',
      login: '/login',
      consent: '/consent',
      userinfo: '/userinfo',
      logout: '/logout',
      discovery: ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration'],
    },
    // RFC 9068 §2.1: typ "at+jwt".
    tokenHeader: (key) => ({ typ: 'at+jwt', alg: key.alg, kid: key.kid }),
    // RFC 9068 §2.2: iss, exp, aud, sub, client_id, iat, jti are required; scope when granted.
    tokenClaims: (facts: AccessTokenFacts) => ({
      iss: facts.issuer,
      sub: facts.subject,
      aud: facts.audience,
      exp: facts.exp,
      iat: facts.iat,
      jti: facts.jti,
      client_id: facts.clientId,
      scope: facts.scopes.join(' '),
    }),
    announcesDefaultScope: true,
    idTokenHeader: (key) => ({ alg: key.alg, kid: key.kid }),
    // OpenID Connect Core §2 and §3.1.3.6.
    idTokenClaims: (facts: IdTokenFacts) => ({
      iss: facts.issuer,
      sub: facts.user.username,
      aud: facts.clientId,
      exp: facts.exp,
      iat: facts.iat,
      auth_time: facts.authTime,
      ...(facts.nonce !== undefined ? { nonce: facts.nonce } : {}),
      ...(facts.atHash !== undefined ? { at_hash: facts.atHash } : {}),
      sid: facts.sid,
      jti: facts.jti,
    }),
    userinfo: standardUserinfo,
    redemptionRepeatsRedirectUri: true,
    authorizationErrorBody: () => undefined,
    formatError: (error: OAuthError): ErrorAnswer => {
      const headers: Record<string, string> = { ...noStoreHeaders() };
      if (error.challenge) headers['www-authenticate'] = wwwAuthenticateBasic('understudy', error.error, error.description);
      return { status: error.status, headers, body: { error: error.error, error_description: error.description } };
    },
    responseHeaders: () => ({}),
    discovery: (_path: string, urls: DiscoveryUrls) => ({
      issuer: urls.issuer,
      token_endpoint: urls.tokenUrl,
      jwks_uri: urls.jwksUrl,
      introspection_endpoint: urls.introspectUrl,
      revocation_endpoint: urls.revokeUrl,
      grant_types_supported: urls.grantTypes,
      scopes_supported: urls.scopes,
      authorization_endpoint: urls.authorizeUrl,
      userinfo_endpoint: urls.userinfoUrl,
      end_session_endpoint: urls.logoutUrl,
      response_types_supported: ['code'],
      response_modes_supported: ['query', 'fragment'],
      code_challenge_methods_supported: ['S256'],
      // RFC 9207: the authorization response carries iss.
      authorization_response_iss_parameter_supported: true,
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: [urls.signingAlgorithm],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
      token_endpoint_auth_signing_alg_values_supported: ['RS256', 'ES256', 'PS256'],
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      access_token_signing_alg_values_supported: [urls.signingAlgorithm],
    }),
    introspection: (claims) => ({
      active: true,
      scope: claims.scope,
      client_id: claims.client_id,
      token_type: 'Bearer',
      exp: claims.exp,
      iat: claims.iat,
      sub: claims.sub,
      aud: claims.aud,
      iss: claims.iss,
      jti: claims.jti,
    }),
  };
}

/** OpenID Connect Core §5.4: the claims of each scope granted, nothing for scopes not granted. */
function standardUserinfo(user: ResolvedUser, scopes: readonly string[]): Record<string, unknown> {
  const claims: Record<string, unknown> = { sub: user.username };
  if (scopes.includes('profile')) Object.assign(claims, { name: user.displayName, preferred_username: user.username });
  if (scopes.includes('email') && user.email !== undefined) Object.assign(claims, { email: user.email, email_verified: true });
  if (scopes.includes('groups')) claims.groups = [...user.groups];
  return claims;
}
