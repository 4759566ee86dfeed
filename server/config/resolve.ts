import type { z } from 'zod';
import { DEFAULTS, EMBEDDED_CONFIG } from './defaults.ts';
import { ConfigError, formatPath, type ConfigIssue } from './errors.ts';
import { configSchema, type ParsedConfig, type UnderstudyConfig } from './schema.ts';
import type { PkceMethod, ResolvedClient, ResolvedConfig, ResolvedResource, ResolvedRoute, ResolvedUser, ScopeGrant } from './types.ts';

export interface ResolveOptions {
  /** Where the config came from, for error messages. Default: "configuration". */
  source?: string;
  /** Start from the embedded default config (top-level sections of `config` replace it). Default: true. */
  embedded?: boolean;
}

/**
 * Validates a user configuration and returns the fully-populated shape. Top-level sections the
 * user omits come from the embedded configuration, so a file that only lists clients still
 * has the demo resources and API routes.
 * @throws ConfigError naming every bad field with its dotted path.
 */
export function resolveConfig(config: UnderstudyConfig = {}, options: ResolveOptions = {}): ResolvedConfig {
  const source = options.source ?? 'configuration';
  const parsed = withoutUndefined(parseConfig(config, source));
  const base = options.embedded === false ? {} : parseConfig(EMBEDDED_CONFIG, 'embedded configuration');
  const merged: ParsedConfig = {
    ...base,
    ...parsed,
    api: { ...base.api, ...parsed.api },
  };
  const issues: ConfigIssue[] = [];

  const profile = merged.profile ?? DEFAULTS.profile;
  const algorithm = profile === 'idcs' ? 'RS256' : (merged.algorithm ?? DEFAULTS.algorithm);
  if (profile === 'idcs' && merged.algorithm !== undefined && merged.algorithm !== 'RS256') {
    issues.push({ path: 'algorithm', message: 'the idcs profile signs with RS256 only, as IDCS does; use profile "rfc9068" for ES256', value: merged.algorithm });
  }
  const accessTokenTtl = merged.accessTokenTtl ?? DEFAULTS.accessTokenTtl;

  const resources = resolveResources(merged.resources ?? [], accessTokenTtl, issues);
  const clients = resolveClients(merged.clients ?? [], resources, issues);
  const routes = resolveRoutes(merged.api?.routes ?? [], resources, issues);
  const users = resolveUsers(merged.users ?? [], issues);

  if (issues.length > 0) throw new ConfigError(source, issues);

  return {
    profile,
    issuer: merged.issuer ?? (profile === 'idcs' ? DEFAULTS.idcsIssuer : undefined),
    tenant: merged.tenant ?? DEFAULTS.tenant,
    algorithm,
    accessTokenTtl,
    refreshTokenTtl: merged.refreshTokenTtl ?? DEFAULTS.refreshTokenTtl,
    authorizationCodeTtl: merged.authorizationCodeTtl ?? DEFAULTS.authorizationCodeTtl,
    sessionTtl: merged.sessionTtl ?? DEFAULTS.sessionTtl,
    leeway: merged.leeway ?? DEFAULTS.leeway,
    jwksPublic: merged.jwks?.public ?? DEFAULTS.jwksPublic,
    keys: merged.keys ?? [],
    keyRotation: merged.keyRotation,
    resources,
    clients,
    users,
    api: { realm: merged.api?.realm ?? DEFAULTS.realm, routes },
    journal: { capacity: merged.journal?.capacity ?? DEFAULTS.journalCapacity, file: merged.journal?.file },
    faults: merged.faults ?? [],
    control: { adminToken: merged.control?.adminToken },
    server: {
      host: merged.server?.host ?? DEFAULTS.host,
      port: merged.server?.port ?? DEFAULTS.port,
      maxBodyBytes: merged.server?.maxBodyBytes ?? DEFAULTS.maxBodyBytes,
    },
  };
}

/** `{clients: undefined}` means "not given", so the embedded section must survive the merge. */
function withoutUndefined(config: ParsedConfig): ParsedConfig {
  return Object.fromEntries(Object.entries(config).filter(([, value]) => value !== undefined)) as ParsedConfig;
}

function parseConfig(config: unknown, source: string): ParsedConfig {
  const result = configSchema.safeParse(config);
  if (!result.success) throw new ConfigError(source, result.error.issues.map((issue) => toConfigIssue(issue, config)));
  return result.data;
}

function toConfigIssue(issue: z.core.$ZodIssue, root: unknown): ConfigIssue {
  const path = formatPath(issue.path);
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    message = `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}; check the spelling against the JSON Schema (understudy schema config)`;
  } else if (issue.code === 'invalid_value' && 'values' in issue) {
    message = `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return { path, message, value: issue.code === 'unrecognized_keys' ? undefined : valueAt(root, issue.path) };
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function resolveResources(resources: NonNullable<ParsedConfig['resources']>, ttl: number, issues: ConfigIssue[]): ResolvedResource[] {
  const seen = new Set<string>();
  return resources.map((resource, index) => {
    if (seen.has(resource.audience)) {
      issues.push({ path: `resources[${index}].audience`, message: 'two resources share this audience; each resource needs its own', value: resource.audience });
    }
    seen.add(resource.audience);
    return {
      name: resource.name ?? resource.audience,
      audience: resource.audience,
      scopes: [...new Set(resource.scopes)],
      accessTokenTtl: resource.accessTokenTtl ?? ttl,
    };
  });
}

/**
 * Finds which resource a scope string names: the fully-qualified IDCS form "<audience><scope>"
 * (no separator), or a bare scope that exactly one resource defines.
 */
export function findScopeGrant(value: string, resources: readonly ResolvedResource[]): ScopeGrant | ScopeGrant[] | undefined {
  for (const resource of resources) {
    if (value.startsWith(resource.audience)) {
      const scope = value.slice(resource.audience.length);
      if (resource.scopes.includes(scope)) return { audience: resource.audience, scope };
    }
  }
  const owners = resources.filter((r) => r.scopes.includes(value)).map((r) => ({ audience: r.audience, scope: value }));
  if (owners.length === 1) return owners[0];
  return owners.length > 1 ? owners : undefined;
}

function resolveClients(clients: NonNullable<ParsedConfig['clients']>, resources: ResolvedResource[], issues: ConfigIssue[]): ResolvedClient[] {
  const seen = new Set<string>();
  return clients.map((client, index) => {
    const at = `clients[${index}]`;
    if (seen.has(client.id)) issues.push({ path: at_(at, 'id'), message: 'duplicate client id', value: client.id });
    seen.add(client.id);
    return resolveClient(client, resources, issues, at);
  });
}

/** `clients[0]` + `secret` -> `clients[0].secret`; with no prefix (the control API) just `secret`. */
const at_ = (prefix: string, path: string) => (prefix ? `${prefix}.${path}` : path);

/** Resolves one client (also used by the control API's `POST /_understudy/clients`). */
export function resolveClient(
  client: NonNullable<ParsedConfig['clients']>[number],
  resources: readonly ResolvedResource[],
  issues: ConfigIssue[],
  at: string,
): ResolvedClient {
  const isPublic = client.public ?? false;
  const authMethod = isPublic ? 'none' : (client.authMethod ?? (client.jwks && !client.secret ? 'private_key_jwt' : 'client_secret_basic'));
  const grants = client.grants ?? ['client_credentials'];
  if (isPublic) {
    if (client.secret !== undefined) issues.push({ path: at_(at, 'secret'), message: 'a public client has no secret; remove "secret" or "public"' });
    if (client.authMethod !== undefined) issues.push({ path: at_(at, 'authMethod'), message: 'a public client authenticates with client_id alone; remove "authMethod"' });
    // RFC 6749 §4.4 and §4.3: these grants are for clients that can keep a credential.
    const confidentialOnly = grants.filter((g) => g === 'client_credentials' || g === 'password' || g === 'urn:ietf:params:oauth:grant-type:jwt-bearer');
    if (confidentialOnly.length > 0) {
      issues.push({ path: at_(at, 'grants'), message: `a public client cannot use ${confidentialOnly.join(', ')}; use authorization_code (and refresh_token)` });
    }
  } else {
    if (authMethod === 'private_key_jwt' && !client.jwks) {
      issues.push({ path: at_(at, 'jwks'), message: 'a private_key_jwt client needs "jwks" with its public key(s)' });
    }
    if (authMethod !== 'private_key_jwt' && !client.secret) {
      issues.push({ path: at_(at, 'secret'), message: `a ${authMethod} client needs a "secret" (or give "jwks" and authMethod "private_key_jwt", or "public": true)` });
    }
  }
  const redirectUris = checkUris(client.redirectUris ?? [], at_(at, 'redirectUris'), issues);
  const postLogoutRedirectUris = checkUris(client.postLogoutRedirectUris ?? [], at_(at, 'postLogoutRedirectUris'), issues);
  if (grants.includes('authorization_code') && redirectUris.length === 0) {
    issues.push({ path: at_(at, 'redirectUris'), message: 'an authorization_code client needs at least one redirect URI, e.g. ["http://127.0.0.1:8080/callback"]' });
  }
  let granted: ScopeGrant[];
  if (client.scopes === undefined) {
    granted = resources.flatMap((r) => r.scopes.map((scope) => ({ audience: r.audience, scope })));
  } else {
    granted = [];
    client.scopes.forEach((value, i) => {
      const found = findScopeGrant(value, resources);
      if (found === undefined) {
        issues.push({
          path: at_(at, `scopes[${i}]`),
          message: `no resource defines this scope; known: ${resources.flatMap((r) => r.scopes.map((s) => `${r.audience}${s}`)).join(', ') || '(no resources configured)'}`,
          value,
        });
      } else if (Array.isArray(found)) {
        issues.push({
          path: at_(at, `scopes[${i}]`),
          message: `ambiguous: defined by ${found.map((g) => g.audience).join(' and ')}; write it fully-qualified as "<audience><scope>"`,
          value,
        });
      } else {
        granted.push(found);
      }
    });
  }
  return {
    id: client.id,
    secret: client.secret,
    name: client.name ?? client.id,
    active: client.active ?? true,
    grants,
    scopes: granted,
    authMethod,
    jwks: client.jwks as ResolvedClient['jwks'],
    accessTokenTtl: client.accessTokenTtl,
    redirectUris,
    postLogoutRedirectUris,
    public: isPublic,
    requireConsent: client.requireConsent ?? true,
    pkce: { required: client.pkce?.required ?? isPublic, methods: [...new Set<PkceMethod>(client.pkce?.methods ?? ['S256'])] },
  };
}

/**
 * Redirect URIs are absolute and have no fragment (RFC 6749 §3.1.2), or a path on the server's
 * own origin ("/callback"), as IDCS accepts a relative Redirect URL (docs/research/idcs-wire.md
 * §8a); they are compared as written, so they are kept as written.
 */
function checkUris(uris: string[], at: string, issues: ConfigIssue[]): string[] {
  uris.forEach((uri, i) => {
    const where = `${at}[${i}]`;
    if (uri.includes('#')) {
      issues.push({ path: where, message: 'a redirect URI cannot have a fragment (RFC 6749 §3.1.2)', value: uri });
      return;
    }
    if (uri.startsWith('/')) {
      if (uri.startsWith('//')) issues.push({ path: where, message: 'a path on this server starts with a single "/", e.g. "/callback"', value: uri });
      return;
    }
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      issues.push({ path: where, message: 'must be an absolute URL such as "http://127.0.0.1:8080/callback", or a path on this server such as "/callback"', value: uri });
      return;
    }
    if (url.protocol === 'javascript:' || url.protocol === 'data:') issues.push({ path: where, message: `a ${url.protocol} URL cannot be a redirect URI`, value: uri });
  });
  return [...new Set(uris)];
}

function resolveUsers(users: NonNullable<ParsedConfig['users']>, issues: ConfigIssue[]): ResolvedUser[] {
  const seen = new Set<string>();
  return users.map((user, index) => {
    if (seen.has(user.username)) issues.push({ path: `users[${index}].username`, message: 'duplicate username', value: user.username });
    seen.add(user.username);
    return { username: user.username, password: user.password, displayName: user.displayName ?? user.username, email: user.email, groups: user.groups ?? [] };
  });
}

function resolveRoutes(routes: NonNullable<NonNullable<ParsedConfig['api']>['routes']>, resources: ResolvedResource[], issues: ConfigIssue[]): ResolvedRoute[] {
  return routes.map((route, index) => {
    const method = route.method ?? 'GET';
    if (route.audience !== undefined && !resources.some((r) => r.audience === route.audience)) {
      issues.push({ path: `api.routes[${index}].audience`, message: `not the audience of any resource (${resources.map((r) => r.audience).join(', ')})`, value: route.audience });
    }
    if (route.path.startsWith('/_understudy')) {
      issues.push({ path: `api.routes[${index}].path`, message: 'paths under /_understudy belong to the control API', value: route.path });
    }
    const prefix = route.path.endsWith('*');
    return {
      name: route.name ?? `${method} ${route.path}`,
      method,
      path: prefix ? route.path.slice(0, -1) : route.path,
      prefix,
      scopes: route.scopes ?? [],
      audience: route.audience,
      headers: route.headers ?? [],
      response: {
        status: route.response?.status ?? 200,
        headers: route.response?.headers ?? {},
        body: route.response && 'body' in route.response ? route.response.body : { ok: true },
      },
    };
  });
}
