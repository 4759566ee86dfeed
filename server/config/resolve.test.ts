import { describe, expect, it } from 'vitest';
import { DEFAULTS, DEMO_AUDIENCE, DEMO_SCOPE, EMBEDDED_CONFIG } from './defaults.ts';
import { ConfigError, type ConfigIssue } from './errors.ts';
import { findScopeGrant, resolveClient, resolveConfig, type ResolveOptions } from './resolve.ts';
import type { UnderstudyConfig } from './schema.ts';
import type { ResolvedResource } from './types.ts';

/** Runs resolveConfig and returns the ConfigError it throws (fails the test if it does not). */
function configError(config: UnderstudyConfig, options?: ResolveOptions): ConfigError {
  try {
    resolveConfig(config, options);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected resolveConfig to throw a ConfigError');
}

function issueAt(error: ConfigError, path: string): ConfigIssue {
  const issue = error.issues.find((i) => i.path === path);
  if (!issue) throw new Error(`no issue at ${path}; issues: ${JSON.stringify(error.issues)}`);
  return issue;
}

const OTHER = 'https://payroll.example.test:443';

/** A minimal valid stand-alone config (no embedded defaults needed). */
const standalone: UnderstudyConfig = {
  resources: [{ audience: OTHER, scopes: ['read', 'write'] }],
  clients: [{ id: 'c1', secret: 's1' }],
};

describe('resolveConfig: embedded default', () => {
  const config = resolveConfig();

  it('uses the idcs profile, IDCS issuer, RS256 and the documented defaults', () => {
    expect(config.profile).toBe('idcs');
    expect(config.issuer).toBe('https://identity.oraclecloud.com/');
    expect(config.tenant).toBe('idcs-understudy');
    expect(config.algorithm).toBe('RS256');
    expect(config.accessTokenTtl).toBe(3600);
    expect(config.refreshTokenTtl).toBe(604_800);
    expect(config.leeway).toBe(0);
    expect(config.jwksPublic).toBe(true);
    expect(config.keys).toEqual([]);
    expect(config.authorizationCodeTtl).toBe(300);
    expect(config.sessionTtl).toBe(28_800);
    // The embedded web app's user, so that `npm start` can show a login at once.
    expect(config.users).toEqual([{ username: 'demo.user', password: 'demo-password', displayName: 'Demo User', email: 'demo.user@example.test', groups: ['Integration Users'] }]);
    expect(config.api.realm).toBe('understudy');
    expect(config.journal).toEqual({ capacity: 10_000, file: undefined });
    expect(config.control).toEqual({ adminToken: undefined });
    expect(config.server).toEqual({ host: '127.0.0.1', port: 9400, maxBodyBytes: 65_536 });
  });

  it('has the demo resource', () => {
    expect(config.resources).toEqual([
      { name: 'demo-api', audience: 'https://api.understudy.test:443', scopes: ['urn:opc:resource:consumer::all'], accessTokenTtl: 3600 },
    ]);
  });

  it('has demo-client/demo-secret granted the demo scope on the demo audience', () => {
    expect(config.clients.map((c) => c.id)).toEqual(['demo-client', 'demo-web-app']);
    const client = config.clients[0];
    expect(client).toMatchObject({
      id: 'demo-client',
      secret: 'demo-secret',
      name: 'Demo Client',
      active: true,
      grants: ['client_credentials'],
      authMethod: 'client_secret_basic',
    });
    expect(client?.scopes).toEqual([{ audience: 'https://api.understudy.test:443', scope: 'urn:opc:resource:consumer::all' }]);
    expect(client?.jwks).toBeUndefined();
  });

  it('has the three API routes, bank-payment requiring X-Request-Id', () => {
    const routes = config.api.routes;
    expect(routes.map((r) => r.name)).toEqual(['hcm-employees', 'erp-create-invoice', 'bank-payment']);
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /hcmRestApi/resources/11.13.18.05/emps',
      'POST /fscmRestApi/resources/11.13.18.05/invoices',
      'POST /bank/v1/payments',
    ]);
    for (const route of routes) {
      expect(route.prefix).toBe(false);
      expect(route.scopes).toEqual([DEMO_SCOPE]);
    }
    const bank = routes.find((r) => r.name === 'bank-payment');
    expect(bank?.headers).toEqual(['X-Request-Id']);
    expect(bank?.response).toEqual({ status: 201, headers: {}, body: { paymentId: 'PAY-0001', status: 'ACCEPTED' } });
    expect(routes.find((r) => r.name === 'hcm-employees')?.headers).toEqual([]);
    expect(routes.find((r) => r.name === 'erp-create-invoice')?.response.status).toBe(201);
  });

  it('resolveConfig({}) equals resolveConfig() and is a fresh object each time', () => {
    const again = resolveConfig({});
    expect(again).toEqual(config);
    expect(again).not.toBe(config);
  });

  it('exports consistent demo constants', () => {
    expect(DEMO_AUDIENCE).toBe('https://api.understudy.test:443');
    expect(DEMO_SCOPE).toBe('urn:opc:resource:consumer::all');
    // The demo client lists no scopes: it is granted every scope of the configured resources.
    expect(EMBEDDED_CONFIG.clients?.[0]?.scopes).toBeUndefined();
    expect(resolveConfig().clients[0]?.scopes).toEqual([{ audience: DEMO_AUDIENCE, scope: DEMO_SCOPE }]);
    expect(DEFAULTS.profile).toBe('idcs');
  });

  it('resolving does not mutate EMBEDDED_CONFIG', () => {
    const before = JSON.stringify(EMBEDDED_CONFIG);
    resolveConfig({ clients: [{ id: 'x', secret: 'y' }], api: { realm: 'r' } });
    expect(JSON.stringify(EMBEDDED_CONFIG)).toBe(before);
  });
});

describe('resolveConfig: merging a user config over the embedded one', () => {
  it('a clients-only config keeps the embedded resources and routes', () => {
    const config = resolveConfig({ clients: [{ id: 'mine', secret: 'pw' }] });
    expect(config.clients.map((c) => c.id)).toEqual(['mine']);
    expect(config.resources.map((r) => r.audience)).toEqual([DEMO_AUDIENCE]);
    expect(config.api.routes).toHaveLength(3);
    // omitted client scopes default to every scope of every resource
    expect(config.clients[0]?.scopes).toEqual([{ audience: DEMO_AUDIENCE, scope: DEMO_SCOPE }]);
  });

  it('resources and clients given together replace both embedded sections', () => {
    const config = resolveConfig(standalone);
    expect(config.resources.map((r) => r.audience)).toEqual([OTHER]);
    expect(config.clients.map((c) => c.id)).toEqual(['c1']);
    expect(config.clients[0]?.scopes).toEqual([
      { audience: OTHER, scope: 'read' },
      { audience: OTHER, scope: 'write' },
    ]);
  });

  it('scalar settings override; omitted ones keep the embedded/default values', () => {
    const config = resolveConfig({ tenant: 'acme', accessTokenTtl: 60, leeway: 5 });
    expect(config.tenant).toBe('acme');
    expect(config.accessTokenTtl).toBe(60);
    expect(config.leeway).toBe(5);
    expect(config.profile).toBe('idcs');
    expect(config.clients[0]?.id).toBe('demo-client');
    // the resource ttl follows the top-level ttl when it has none of its own
    expect(config.resources[0]?.accessTokenTtl).toBe(60);
  });

  it('api.routes given by the user replace the embedded routes', () => {
    const config = resolveConfig({ api: { routes: [{ path: '/only' }] } });
    expect(config.api.routes.map((r) => r.path)).toEqual(['/only']);
    expect(config.api.realm).toBe('understudy');
  });

  it('api.realm alone keeps the embedded routes (api is merged one level deep)', () => {
    const config = resolveConfig({ api: { realm: 'acme' } });
    expect(config.api.realm).toBe('acme');
    expect(config.api.routes).toHaveLength(3);
  });

  it('api.routes: [] removes every route', () => {
    expect(resolveConfig({ api: { routes: [] } }).api.routes).toEqual([]);
  });

  it('clients: [] means no clients', () => {
    expect(resolveConfig({ clients: [] }).clients).toEqual([]);
  });

  it('a section explicitly set to undefined is treated like an omitted one', () => {
    // UnderstudyConfig allows `clients?: ... | undefined`; a CLI building a config from
    // optional flags produces such keys. They must not wipe the embedded sections.
    expect(resolveConfig({ clients: undefined }).clients.map((c) => c.id)).toEqual(['demo-client', 'demo-web-app']);
    expect(resolveConfig({ resources: undefined }).resources.map((r) => r.audience)).toEqual([DEMO_AUDIENCE]);
  });

  it('has a web app for the sign-in flow, its redirect URI a page of the server itself', () => {
    expect(resolveConfig().clients[1]).toMatchObject({
      id: 'demo-web-app',
      grants: ['authorization_code', 'refresh_token'],
      redirectUris: ['/_understudy/callback'],
      postLogoutRedirectUris: ['/_understudy/callback'],
      public: false,
      requireConsent: true,
    });
  });

  it('embedded: false starts from nothing', () => {
    const config = resolveConfig({}, { embedded: false });
    expect(config.resources).toEqual([]);
    expect(config.clients).toEqual([]);
    expect(config.api.routes).toEqual([]);
    expect(config.profile).toBe('idcs');
    expect(config.tenant).toBe('idcs-understudy');
    expect(config.issuer).toBe('https://identity.oraclecloud.com/');
  });

  it('populates every optional setting from the user config', () => {
    const config = resolveConfig(
      {
        profile: 'rfc9068',
        issuer: 'https://issuer.example.test/',
        tenant: 't',
        algorithm: 'ES256',
        accessTokenTtl: 100,
        refreshTokenTtl: 200,
        leeway: 3,
        jwks: { public: false },
        keys: [{ kid: 'k1', privateKeyPem: 'PEM' }],
        users: [{ username: 'u', password: 'p' }],
        journal: { capacity: 5, file: 'j.jsonl' },
        control: { adminToken: '0123456789abcdef' },
        server: { host: '0.0.0.0', port: 0, maxBodyBytes: 10 },
      },
      { embedded: false },
    );
    expect(config).toMatchObject({
      profile: 'rfc9068',
      issuer: 'https://issuer.example.test/',
      tenant: 't',
      algorithm: 'ES256',
      accessTokenTtl: 100,
      refreshTokenTtl: 200,
      leeway: 3,
      jwksPublic: false,
      keys: [{ kid: 'k1', privateKeyPem: 'PEM' }],
      users: [{ username: 'u', password: 'p' }],
      journal: { capacity: 5, file: 'j.jsonl' },
      control: { adminToken: '0123456789abcdef' },
      server: { host: '0.0.0.0', port: 0, maxBodyBytes: 10 },
    });
  });

  it('rfc9068 has no default issuer (the server URL is used) and defaults to RS256', () => {
    const config = resolveConfig({ profile: 'rfc9068' });
    expect(config.issuer).toBeUndefined();
    expect(config.algorithm).toBe('RS256');
    expect(resolveConfig({ profile: 'rfc9068', algorithm: 'ES256' }).algorithm).toBe('ES256');
  });

  it('idcs with algorithm RS256 spelled out is accepted', () => {
    expect(resolveConfig({ algorithm: 'RS256' }).algorithm).toBe('RS256');
  });

  it('accepts a $schema key', () => {
    expect(() => resolveConfig({ $schema: './understudy.schema.json' })).not.toThrow();
  });
});

describe('resolveConfig: sign-in clients and users', () => {
  const resources = [{ audience: OTHER, scopes: ['read'] }];
  const issues = (config: UnderstudyConfig) => {
    try {
      resolveConfig(config, { embedded: false });
      return [];
    } catch (error) {
      return (error as ConfigError).issues.map((issue) => `${issue.path}: ${issue.message}`);
    }
  };

  it('a public client has no secret, authenticates with none, needs PKCE and cannot use client_credentials', () => {
    const [client] = resolveConfig({ resources, clients: [{ id: 'spa', public: true, grants: ['authorization_code'], redirectUris: ['http://127.0.0.1:5173/cb'] }] }, { embedded: false }).clients;
    expect(client).toMatchObject({ authMethod: 'none', public: true, pkce: { required: true, methods: ['S256'] } });
    expect(issues({ resources, clients: [{ id: 'spa', public: true, secret: 's', grants: ['client_credentials'] }] })).toEqual([
      'clients[0].secret: a public client has no secret; remove "secret" or "public"',
      'clients[0].grants: a public client cannot use client_credentials; use authorization_code (and refresh_token)',
    ]);
  });

  it('an authorization_code client needs a redirect URI; URIs are absolute without a fragment, or paths on the server', () => {
    expect(issues({ resources, clients: [{ id: 'w', secret: 's', grants: ['authorization_code'] }] })).toEqual([
      'clients[0].redirectUris: an authorization_code client needs at least one redirect URI, e.g. ["http://127.0.0.1:8080/callback"]',
    ]);
    expect(issues({ resources, clients: [{ id: 'w', secret: 's', grants: ['authorization_code'], redirectUris: ['https://app.example/cb#x', 'cb', '//evil.example', '/ok', 'javascript:alert(1)'] }] })).toEqual([
      'clients[0].redirectUris[0]: a redirect URI cannot have a fragment (RFC 6749 §3.1.2)',
      'clients[0].redirectUris[1]: must be an absolute URL such as "http://127.0.0.1:8080/callback", or a path on this server such as "/callback"',
      'clients[0].redirectUris[2]: a path on this server starts with a single "/", e.g. "/callback"',
      'clients[0].redirectUris[4]: a javascript: URL cannot be a redirect URI',
    ]);
  });

  it('users get a display name (the username by default) and groups; usernames are unique', () => {
    const { users } = resolveConfig({ users: [{ username: 'ada', password: 'p' }] });
    expect(users).toEqual([{ username: 'ada', password: 'p', displayName: 'ada', email: undefined, groups: [] }]);
    expect(issues({ users: [{ username: 'ada', password: 'p' }, { username: 'ada', password: 'q' }] })).toEqual(['users[1].username: duplicate username']);
  });
});

describe('resolveConfig: resources, clients and routes', () => {
  it('resource name defaults to the audience, duplicate scopes collapse, ttl can be per resource', () => {
    const config = resolveConfig({
      resources: [
        { audience: OTHER, scopes: ['read', 'read', 'write'] },
        { name: 'erp', audience: 'https://erp.test', scopes: ['all'], accessTokenTtl: 90 },
      ],
      clients: [],
    });
    expect(config.resources).toEqual([
      { name: OTHER, audience: OTHER, scopes: ['read', 'write'], accessTokenTtl: 3600 },
      { name: 'erp', audience: 'https://erp.test', scopes: ['all'], accessTokenTtl: 90 },
    ]);
  });

  it('client defaults: name = id, active, client_credentials, client_secret_basic', () => {
    const [client] = resolveConfig(standalone).clients;
    expect(client).toEqual({
      id: 'c1',
      secret: 's1',
      name: 'c1',
      active: true,
      grants: ['client_credentials'],
      scopes: [
        { audience: OTHER, scope: 'read' },
        { audience: OTHER, scope: 'write' },
      ],
      authMethod: 'client_secret_basic',
      jwks: undefined,
      accessTokenTtl: undefined,
      redirectUris: [],
      postLogoutRedirectUris: [],
      public: false,
      requireConsent: true,
      pkce: { required: false, methods: ['S256'] },
    });
  });

  it('keeps explicit client settings', () => {
    const [client] = resolveConfig({
      ...standalone,
      clients: [
        {
          id: 'c1',
          secret: 's1',
          name: 'One',
          active: false,
          grants: ['password', 'refresh_token'],
          authMethod: 'client_secret_post',
          scopes: [],
          accessTokenTtl: 30,
        },
      ],
    }).clients;
    expect(client).toMatchObject({
      name: 'One',
      active: false,
      grants: ['password', 'refresh_token'],
      authMethod: 'client_secret_post',
      scopes: [],
      accessTokenTtl: 30,
    });
  });

  it('a client with jwks and no secret defaults to private_key_jwt', () => {
    const jwks = { keys: [{ kty: 'RSA', n: 'abc', e: 'AQAB' }] };
    const [client] = resolveConfig({ ...standalone, clients: [{ id: 'jwt', jwks }] }).clients;
    expect(client?.authMethod).toBe('private_key_jwt');
    expect(client?.jwks).toEqual(jwks);
    expect(client?.secret).toBeUndefined();
  });

  it('a client with both jwks and a secret defaults to client_secret_basic', () => {
    const [client] = resolveConfig({
      ...standalone,
      clients: [{ id: 'both', secret: 's', jwks: { keys: [{ kty: 'RSA' }] } }],
    }).clients;
    expect(client?.authMethod).toBe('client_secret_basic');
  });

  it('client scopes: fully-qualified "<audience><scope>" and bare scopes both resolve', () => {
    const [client] = resolveConfig({
      resources: [
        { audience: OTHER, scopes: ['read', 'write'] },
        { audience: 'https://erp.test', scopes: ['all'] },
      ],
      clients: [{ id: 'c', secret: 's', scopes: [`${OTHER}write`, 'all'] }],
    }).clients;
    expect(client?.scopes).toEqual([
      { audience: OTHER, scope: 'write' },
      { audience: 'https://erp.test', scope: 'all' },
    ]);
  });

  it('a scope defined by two resources resolves when fully-qualified', () => {
    const [client] = resolveConfig({
      resources: [
        { audience: 'https://a.test', scopes: ['shared'] },
        { audience: 'https://b.test', scopes: ['shared'] },
      ],
      clients: [{ id: 'c', secret: 's', scopes: ['https://b.test' + 'shared'] }],
    }).clients;
    expect(client?.scopes).toEqual([{ audience: 'https://b.test', scope: 'shared' }]);
  });

  it('route defaults: GET, name "METHOD path", no scopes/headers, 200 {"ok":true}', () => {
    const [route] = resolveConfig({ api: { routes: [{ path: '/ping' }] } }).api.routes;
    expect(route).toEqual({
      name: 'GET /ping',
      method: 'GET',
      path: '/ping',
      prefix: false,
      scopes: [],
      audience: undefined,
      headers: [],
      response: { status: 200, headers: {}, body: { ok: true } },
    });
  });

  it('route method is upper-cased; a response without body gets the default body', () => {
    const [route] = resolveConfig({ api: { routes: [{ path: '/x', method: 'delete', response: { status: 204 } }] } }).api.routes;
    expect(route?.method).toBe('DELETE');
    expect(route?.name).toBe('DELETE /x');
    expect(route?.response).toEqual({ status: 204, headers: {}, body: { ok: true } });
  });

  it('route response body may be null or a string, and headers are kept', () => {
    const routes = resolveConfig({
      api: {
        routes: [
          { path: '/null', response: { body: null } },
          { path: '/text', response: { status: 202, headers: { 'Content-Type': 'text/plain' }, body: 'hi' } },
        ],
      },
    }).api.routes;
    expect(routes[0]?.response).toEqual({ status: 200, headers: {}, body: null });
    expect(routes[1]?.response).toEqual({ status: 202, headers: { 'Content-Type': 'text/plain' }, body: 'hi' });
  });

  it('a trailing "*" in a route path makes it a prefix route without the "*"', () => {
    const routes = resolveConfig({
      api: { routes: [{ path: '/files/*' }, { path: '/v1*' }, { path: '/exact' }] },
    }).api.routes;
    expect(routes.map((r) => [r.path, r.prefix])).toEqual([
      ['/files/', true],
      ['/v1', true],
      ['/exact', false],
    ]);
    // the default name keeps what the user wrote
    expect(routes[0]?.name).toBe('GET /files/*');
  });

  it('a route audience that is configured is kept', () => {
    const [route] = resolveConfig({ api: { routes: [{ path: '/a', audience: DEMO_AUDIENCE, scopes: ['s'] }] } }).api.routes;
    expect(route?.audience).toBe(DEMO_AUDIENCE);
    expect(route?.scopes).toEqual(['s']);
  });
});

describe('resolveConfig: errors', () => {
  it('ConfigError carries code, name, source and issues, and the message lists them', () => {
    const error = configError({ clients: [{ id: 'c', secret: 42 as unknown as string }] }, { source: 'understudy.yaml' });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ConfigError');
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.source).toBe('understudy.yaml');
    expect(error.message).toContain('Invalid configuration in understudy.yaml');
    expect(error.message).toContain('clients[0].secret');
    expect(error.message).toContain('(got 42)');
  });

  it('the default source is "configuration"', () => {
    expect(configError({ profile: 'okta' as 'idcs' }).message).toMatch(/^Invalid configuration in configuration:/);
  });

  it('wrong type: names the dotted path, the value and the expected type', () => {
    const error = configError({ clients: [{ id: 'c', secret: 'ok' }, { id: 'd', secret: 123 as unknown as string }] });
    const issue = issueAt(error, 'clients[1].secret');
    expect(issue.value).toBe(123);
    expect(issue.message).toMatch(/string/);
    expect(error.issues).toHaveLength(1);
  });

  it('unknown field: names the object path and the field', () => {
    const error = configError({ clients: [{ id: 'c', secret: 's', scpoes: ['x'] } as never] });
    const issue = issueAt(error, 'clients[0]');
    expect(issue.message).toContain('unknown field "scpoes"');
    expect(error.message).toContain('clients[0]: unknown field "scpoes"');
  });

  it('unknown top-level fields are all named, in the plural', () => {
    const error = configError({ issuerr: 'x', tennant: 'y' } as never);
    const issue = issueAt(error, '');
    expect(issue.message).toContain('unknown fields "issuerr", "tennant"');
    expect(error.message).toContain('(document): unknown fields');
  });

  it('unknown nested field in api.routes[i]', () => {
    const error = configError({ api: { routes: [{ path: '/a' }, { path: '/b', header: ['X'] } as never] } });
    expect(issueAt(error, 'api.routes[1]').message).toContain('"header"');
  });

  it('profile "okta" lists the accepted values', () => {
    const error = configError({ profile: 'okta' as 'idcs' });
    const issue = issueAt(error, 'profile');
    expect(issue.value).toBe('okta');
    expect(issue.message).toContain('"idcs"');
    expect(issue.message).toContain('"rfc9068"');
    expect(error.message).toContain('profile: must be one of "idcs", "rfc9068" (got "okta")');
  });

  it('an unknown grant lists the accepted grants', () => {
    const error = configError({ clients: [{ id: 'c', secret: 's', grants: ['implicit' as 'password'] }] });
    const issue = issueAt(error, 'clients[0].grants[0]');
    expect(issue.value).toBe('implicit');
    for (const grant of ['client_credentials', 'password', 'authorization_code', 'refresh_token']) expect(issue.message).toContain(`"${grant}"`);
  });

  it('idcs with algorithm ES256 is rejected, pointing to rfc9068', () => {
    const error = configError({ algorithm: 'ES256' });
    const issue = issueAt(error, 'algorithm');
    expect(issue.value).toBe('ES256');
    expect(issue.message).toContain('RS256');
    expect(issue.message).toContain('rfc9068');
    expect(configError({ profile: 'idcs', algorithm: 'ES256' }, { embedded: false }).issues[0]?.path).toBe('algorithm');
  });

  it('a client scope no resource defines is rejected, listing the known scopes', () => {
    const error = configError({ ...standalone, clients: [{ id: 'c', secret: 's', scopes: ['read', 'delete'] }] });
    const issue = issueAt(error, 'clients[0].scopes[1]');
    expect(issue.value).toBe('delete');
    expect(issue.message).toContain('no resource defines this scope');
    expect(issue.message).toContain(`${OTHER}read`);
    expect(issue.message).toContain(`${OTHER}write`);
    expect(error.issues).toHaveLength(1);
  });

  it('a client scope with no resources at all says so', () => {
    const error = configError({ clients: [{ id: 'c', secret: 's', scopes: ['x'] }] }, { embedded: false });
    expect(issueAt(error, 'clients[0].scopes[0]').message).toContain('(no resources configured)');
  });

  it('a fully-qualified scope with the wrong audience is rejected', () => {
    const error = configError({ ...standalone, clients: [{ id: 'c', secret: 's', scopes: [`${DEMO_AUDIENCE}read`] }] });
    expect(issueAt(error, 'clients[0].scopes[0]').value).toBe(`${DEMO_AUDIENCE}read`);
  });

  it('an ambiguous bare scope defined by two resources is rejected, naming both audiences', () => {
    const error = configError({
      resources: [
        { audience: 'https://a.test', scopes: ['shared'] },
        { audience: 'https://b.test', scopes: ['shared'] },
      ],
      clients: [{ id: 'c', secret: 's', scopes: ['shared'] }],
    });
    const issue = issueAt(error, 'clients[0].scopes[0]');
    expect(issue.value).toBe('shared');
    expect(issue.message).toContain('ambiguous');
    expect(issue.message).toContain('https://a.test');
    expect(issue.message).toContain('https://b.test');
    expect(issue.message).toContain('fully-qualified');
  });

  it('a duplicate client id is rejected at the second occurrence', () => {
    const error = configError({ ...standalone, clients: [{ id: 'dup', secret: 'a' }, { id: 'ok', secret: 'b' }, { id: 'dup', secret: 'c' }] });
    expect(error.issues).toEqual([{ path: 'clients[2].id', message: 'duplicate client id', value: 'dup' }]);
  });

  it('two resources with the same audience are rejected', () => {
    const error = configError({ resources: [{ audience: OTHER, scopes: ['a'] }, { audience: OTHER, scopes: ['b'] }], clients: [] });
    const issue = issueAt(error, 'resources[1].audience');
    expect(issue.value).toBe(OTHER);
  });

  it('a private_key_jwt client without jwks is rejected', () => {
    const error = configError({ ...standalone, clients: [{ id: 'c', authMethod: 'private_key_jwt' }] });
    const issue = issueAt(error, 'clients[0].jwks');
    expect(issue.message).toContain('private_key_jwt');
    expect(issue.message).toContain('jwks');
    expect(error.issues).toHaveLength(1);
  });

  it('a secret client without a secret is rejected (basic by default, post explicitly)', () => {
    const basic = configError({ ...standalone, clients: [{ id: 'c' }] });
    expect(issueAt(basic, 'clients[0].secret').message).toContain('client_secret_basic client needs a "secret"');
    const post = configError({ ...standalone, clients: [{ id: 'c', authMethod: 'client_secret_post', jwks: { keys: [{ kty: 'RSA' }] } }] });
    expect(issueAt(post, 'clients[0].secret').message).toContain('client_secret_post client needs a "secret"');
  });

  it('an empty secret is rejected by the schema', () => {
    const error = configError({ ...standalone, clients: [{ id: 'c', secret: '' }] });
    expect(issueAt(error, 'clients[0].secret').value).toBe('');
  });

  it('a route audience that is not configured is rejected, listing the configured ones', () => {
    const error = configError({ api: { routes: [{ path: '/a' }, { path: '/b', audience: 'https://nope.test' }] } });
    const issue = issueAt(error, 'api.routes[1].audience');
    expect(issue.value).toBe('https://nope.test');
    expect(issue.message).toContain(DEMO_AUDIENCE);
  });

  it.each(['/_understudy', '/_understudy/clients', '/_understudy*'])('a route under /_understudy is rejected (%s)', (path) => {
    const error = configError({ api: { routes: [{ path }] } });
    const issue = issueAt(error, 'api.routes[0].path');
    expect(issue.value).toBe(path);
    expect(issue.message).toContain('control API');
  });

  it('a route path must start with "/"', () => {
    const error = configError({ api: { routes: [{ path: 'relative' }] } });
    expect(issueAt(error, 'api.routes[0].path').value).toBe('relative');
  });

  it('a bad header name or method is rejected with a hint', () => {
    const error = configError({ api: { routes: [{ path: '/a', method: 'GE T', headers: ['X Request'] }] } });
    expect(issueAt(error, 'api.routes[0].method').message).toContain('HTTP method');
    expect(issueAt(error, 'api.routes[0].headers[0]').message).toContain('X-Request-Id');
  });

  it('numeric settings: ttl must be whole positive seconds, port in range', () => {
    const error = configError({ accessTokenTtl: 1.5, refreshTokenTtl: 0, server: { port: 70_000 } });
    expect(issueAt(error, 'accessTokenTtl').value).toBe(1.5);
    expect(issueAt(error, 'accessTokenTtl').message).toContain('whole number');
    expect(issueAt(error, 'refreshTokenTtl').message).toContain('greater than 0');
    expect(issueAt(error, 'server.port').value).toBe(70_000);
  });

  it('a short admin token and a non-URL issuer are rejected', () => {
    const error = configError({ control: { adminToken: 'short' }, issuer: 'not a url' });
    expect(issueAt(error, 'control.adminToken').message).toContain('16');
    expect(issueAt(error, 'issuer').message).toContain('absolute URL');
  });

  it('reports every schema issue at once', () => {
    const error = configError({
      profile: 'okta' as 'idcs',
      leeway: -1,
      clients: [{ id: 1 as unknown as string }, { id: 'b', secret: 2 as unknown as string }],
      api: { routes: [{ path: 'x' }] },
    });
    expect(error.issues.map((i) => i.path).sort()).toEqual(['api.routes[0].path', 'clients[0].id', 'clients[1].secret', 'leeway', 'profile']);
    for (const path of ['profile', 'leeway', 'clients[0].id', 'clients[1].secret', 'api.routes[0].path']) {
      expect(error.message).toContain(`  - ${path}:`);
    }
  });

  it('reports every semantic issue at once', () => {
    const error = configError({
      algorithm: 'ES256',
      resources: [
        { audience: 'https://a.test', scopes: ['shared'] },
        { audience: 'https://b.test', scopes: ['shared'] },
      ],
      clients: [
        { id: 'c', secret: 's', scopes: ['shared', 'missing'] },
        { id: 'c', authMethod: 'private_key_jwt' },
        { id: 'd' },
      ],
      api: { routes: [{ path: '/_understudy/x', audience: 'https://nope.test' }] },
    });
    expect(error.issues.map((i) => i.path).sort()).toEqual(
      [
        'algorithm',
        'clients[0].scopes[0]',
        'clients[0].scopes[1]',
        'clients[1].id',
        'clients[1].jwks',
        'clients[2].secret',
        'api.routes[0].audience',
        'api.routes[0].path',
      ].sort(),
    );
    expect(error.message.split('\n')).toHaveLength(1 + 8);
  });

  it('long values are shortened in the message', () => {
    const long = 'x'.repeat(200);
    const error = configError({ api: { routes: [{ path: '/a', audience: long }] } });
    expect(issueAt(error, 'api.routes[0].audience').value).toBe(long);
    expect(error.message).not.toContain(long);
    expect(error.message).toContain('...');
  });

  it('a non-object config is rejected as a whole', () => {
    const error = configError('nope' as unknown as UnderstudyConfig);
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.path).toBe('');
    expect(error.issues[0]?.value).toBe('nope');
  });
});

describe('findScopeGrant', () => {
  const resources: ResolvedResource[] = [
    { name: 'a', audience: 'https://a.test', scopes: ['read', 'shared'], accessTokenTtl: 1 },
    { name: 'b', audience: 'https://b.test', scopes: ['write', 'shared'], accessTokenTtl: 1 },
  ];

  it('resolves a fully-qualified "<audience><scope>"', () => {
    expect(findScopeGrant('https://a.testread', resources)).toEqual({ audience: 'https://a.test', scope: 'read' });
    expect(findScopeGrant('https://b.testshared', resources)).toEqual({ audience: 'https://b.test', scope: 'shared' });
  });

  it('resolves a bare scope defined by exactly one resource', () => {
    expect(findScopeGrant('write', resources)).toEqual({ audience: 'https://b.test', scope: 'write' });
  });

  it('returns every owner for an ambiguous bare scope', () => {
    expect(findScopeGrant('shared', resources)).toEqual([
      { audience: 'https://a.test', scope: 'shared' },
      { audience: 'https://b.test', scope: 'shared' },
    ]);
  });

  it('returns undefined for unknown scopes, wrong audience pairing, or no resources', () => {
    expect(findScopeGrant('delete', resources)).toBeUndefined();
    expect(findScopeGrant('https://a.testwrite', resources)).toBeUndefined();
    expect(findScopeGrant('https://a.test', resources)).toBeUndefined();
    expect(findScopeGrant('read', [])).toBeUndefined();
  });

  it('does not match a scope that merely contains a scope name', () => {
    expect(findScopeGrant('reader', resources)).toBeUndefined();
    expect(findScopeGrant('https://a.test/read', resources)).toBeUndefined();
  });
});

describe('resolveClient', () => {
  const resources: ResolvedResource[] = [{ name: 'a', audience: 'https://a.test', scopes: ['read'], accessTokenTtl: 1 }];

  it('resolves a valid client without adding issues', () => {
    const issues: ConfigIssue[] = [];
    const client = resolveClient({ id: 'x', secret: 's', scopes: ['read'] }, resources, issues, 'body');
    expect(issues).toEqual([]);
    expect(client.scopes).toEqual([{ audience: 'https://a.test', scope: 'read' }]);
  });

  it('uses the given path prefix for its issues', () => {
    const issues: ConfigIssue[] = [];
    resolveClient({ id: 'x', scopes: ['nope'] }, resources, issues, 'body');
    expect(issues.map((i) => i.path).sort()).toEqual(['body.scopes[0]', 'body.secret']);
  });
});
