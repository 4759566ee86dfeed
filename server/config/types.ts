/** The resolved configuration: every field populated. Everything after `resolveConfig()` reads only this. */

/** Which authorization server to imitate: Oracle IDCS / OCI IAM (`idcs`) or a plain RFC 9068 JWT access-token server (`rfc9068`). */
export type ProfileName = 'idcs' | 'rfc9068';
export type SigningAlgorithm = 'RS256' | 'ES256';
export type GrantType = 'client_credentials' | 'password' | 'authorization_code' | 'refresh_token' | 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** `none`: a public client, identified by client_id alone (RFC 6749 §2.1, RFC 7591 §2). */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';
export type PkceMethod = 'S256' | 'plain';

/** One scope of one resource that a client may ask for. */
export interface ScopeGrant {
  audience: string;
  scope: string;
}

export interface ResolvedResource {
  name: string;
  audience: string;
  scopes: string[];
  accessTokenTtl: number;
}

export interface ResolvedClient {
  id: string;
  secret?: string;
  name: string;
  active: boolean;
  grants: GrantType[];
  scopes: ScopeGrant[];
  authMethod: ClientAuthMethod;
  jwks?: { keys: Record<string, unknown>[] };
  accessTokenTtl?: number;
  /** Exact redirect URIs (authorization_code clients). */
  redirectUris: string[];
  /** Exact URLs userlogout may redirect to. */
  postLogoutRedirectUris: string[];
  /** A public client: no secret, authMethod `none`, PKCE required. */
  public: boolean;
  requireConsent: boolean;
  pkce: { required: boolean; methods: PkceMethod[] };
}

export interface ResolvedUser {
  username: string;
  password: string;
  displayName: string;
  email?: string;
  groups: string[];
}

export interface ResolvedRoute {
  name: string;
  method: string;
  /** Exact path, or the prefix when `prefix` is true (the config wrote a trailing "*"). */
  path: string;
  prefix: boolean;
  scopes: string[];
  audience?: string;
  headers: string[];
  response: { status: number; headers: Record<string, string>; body: unknown };
}

export interface ResolvedKey {
  kid?: string;
  privateKeyPem: string;
  certificatePem?: string;
}

/**
 * The configuration with every default applied, as `resolveConfig()` returns it and
 * `server.config` exposes it: read it to learn what a server actually runs with.
 */
export interface ResolvedConfig {
  profile: ProfileName;
  /** Token `iss`; undefined = the server's own base URL (known once it listens). */
  issuer: string | undefined;
  tenant: string;
  algorithm: SigningAlgorithm;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  authorizationCodeTtl: number;
  sessionTtl: number;
  leeway: number;
  jwksPublic: boolean;
  /** Configured keys; empty = the embedded development key (RS256) or a fresh ES256 key. */
  keys: ResolvedKey[];
  /** Scheduled signing-key rotation, if configured. */
  keyRotation: { every: number; grace?: number } | undefined;
  resources: ResolvedResource[];
  clients: ResolvedClient[];
  users: ResolvedUser[];
  api: { realm: string; routes: ResolvedRoute[] };
  journal: { capacity: number; file: string | undefined };
  /** Fault rules as written (validated when the server starts). */
  faults: unknown[];
  control: { adminToken: string | undefined };
  server: { host: string; port: number; maxBodyBytes: number };
}
