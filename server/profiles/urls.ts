/** Paths of the authorization server's endpoints for a profile. */
export interface ProfilePaths {
  token: string;
  introspect: string;
  revoke: string;
  jwks: string;
  /** Authorization endpoint (RFC 6749 §3.1), GET and POST. */
  authorize: string;
  /** The login page the authorization endpoint sends a browser to. */
  login: string;
  /** The consent page. */
  consent: string;
  /** OpenID Connect UserInfo (Core §5.3). */
  userinfo: string;
  /** RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0 §2). */
  logout: string;
  /** Paths the discovery documents are served at, one document each; the first is ServerUrls.discoveryUrl. */
  discovery: string[];
}

/** Where the control API (and its dashboard) is mounted, below the base URL. */
export const CONTROL_PREFIX = '/_understudy';

/** Absolute URLs of the running server. */
export interface ServerUrls {
  baseUrl: string;
  issuer: string;
  tokenUrl: string;
  jwksUrl: string;
  introspectUrl: string;
  revokeUrl: string;
  authorizeUrl: string;
  userinfoUrl: string;
  logoutUrl: string;
  discoveryUrl: string;
  controlUrl: string;
}

/** The server's URLs: the base URL and the profile's paths (discovery: its first document); the issuer defaults to the base URL. */
export function buildUrls(baseUrl: string, profile: { paths: ProfilePaths }, issuer: string | undefined): ServerUrls {
  const { paths } = profile;
  return {
    baseUrl,
    issuer: issuer ?? baseUrl,
    tokenUrl: `${baseUrl}${paths.token}`,
    jwksUrl: `${baseUrl}${paths.jwks}`,
    introspectUrl: `${baseUrl}${paths.introspect}`,
    revokeUrl: `${baseUrl}${paths.revoke}`,
    authorizeUrl: `${baseUrl}${paths.authorize}`,
    userinfoUrl: `${baseUrl}${paths.userinfo}`,
    logoutUrl: `${baseUrl}${paths.logout}`,
    discoveryUrl: `${baseUrl}${paths.discovery[0]}`,
    controlUrl: `${baseUrl}${CONTROL_PREFIX}`,
  };
}
