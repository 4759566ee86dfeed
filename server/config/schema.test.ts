import { describe, expect, it } from 'vitest';
import { EMBEDDED_CONFIG } from './defaults.ts';
import { ConfigError, formatPath } from './errors.ts';
import * as config from './index.ts';
import { clientSchema, configJsonSchema, configSchema } from './schema.ts';

describe('configJsonSchema', () => {
  const schema = configJsonSchema();
  const properties = schema.properties as Record<string, Record<string, unknown>>;

  it('is an object schema with the top-level properties', () => {
    expect(schema.type).toBe('object');
    expect(typeof properties).toBe('object');
    for (const key of ['clients', 'resources', 'profile', 'issuer', 'api', 'journal', 'server', 'keys']) {
      expect(properties).toHaveProperty(key);
    }
  });

  it('rejects unknown top-level properties, like the validator', () => {
    expect(schema.additionalProperties).toBe(false);
  });

  it('describes clients as an array of objects with id required', () => {
    const clients = properties.clients as { type?: string; items?: { required?: string[]; properties?: Record<string, unknown> } };
    expect(clients.type).toBe('array');
    expect(clients.items?.required).toEqual(['id']);
    expect(Object.keys(clients.items?.properties ?? {})).toEqual(
      expect.arrayContaining(['id', 'secret', 'scopes', 'grants', 'authMethod', 'jwks']),
    );
  });

  it('lists the profile values and carries descriptions', () => {
    const profile = properties.profile as { enum?: string[]; description?: string };
    expect(profile.enum).toEqual(['idcs', 'rfc9068']);
    expect(profile.description).toMatch(/idcs/);
  });

  it('is JSON-serialisable and stable across calls', () => {
    expect(JSON.parse(JSON.stringify(schema))).toEqual(configJsonSchema());
  });
});

describe('configSchema', () => {
  it('accepts the embedded configuration', () => {
    expect(configSchema.safeParse(EMBEDDED_CONFIG).success).toBe(true);
  });

  it('accepts an empty object and rejects non-objects', () => {
    expect(configSchema.safeParse({}).success).toBe(true);
    expect(configSchema.safeParse([]).success).toBe(false);
    expect(configSchema.safeParse(null).success).toBe(false);
  });

  it('upper-cases route methods', () => {
    const parsed = configSchema.parse({ api: { routes: [{ path: '/a', method: 'patch' }] } });
    expect(parsed.api?.routes?.[0]?.method).toBe('PATCH');
  });

  it('a resource needs at least one whitespace-free scope', () => {
    expect(configSchema.safeParse({ resources: [{ audience: 'a', scopes: [] }] }).success).toBe(false);
    expect(configSchema.safeParse({ resources: [{ audience: 'a', scopes: ['two words'] }] }).success).toBe(false);
    expect(configSchema.safeParse({ resources: [{ audience: 'a', scopes: ['one'] }] }).success).toBe(true);
  });

  it('clientSchema requires an id and at least one jwks key', () => {
    expect(clientSchema.safeParse({}).success).toBe(false);
    expect(clientSchema.safeParse({ id: 'c', jwks: { keys: [] } }).success).toBe(false);
    expect(clientSchema.safeParse({ id: 'c', jwks: { keys: [{ kty: 'EC' }] } }).success).toBe(true);
  });
});

describe('formatPath', () => {
  it('joins keys with dots and indexes with brackets', () => {
    expect(formatPath([])).toBe('');
    expect(formatPath(['profile'])).toBe('profile');
    expect(formatPath(['clients', 0, 'secret'])).toBe('clients[0].secret');
    expect(formatPath(['api', 'routes', 2, 'headers', 1])).toBe('api.routes[2].headers[1]');
    expect(formatPath([0, 'x'])).toBe('[0].x');
  });
});

describe('ConfigError', () => {
  it('formats each issue on its own line with the value previewed', () => {
    const error = new ConfigError('file.yaml', [
      { path: 'a.b', message: 'bad', value: 'str' },
      { path: '', message: 'whole document' },
      { path: 'n', message: 'num', value: 0 },
      { path: 'o', message: 'obj', value: { k: [1] } },
    ]);
    expect(error.message).toBe(
      [
        'Invalid configuration in file.yaml:',
        '  - a.b: bad (got "str")',
        '  - (document): whole document',
        '  - n: num (got 0)',
        '  - o: obj (got {"k":[1]})',
      ].join('\n'),
    );
  });

  it('previews values JSON cannot represent', () => {
    const error = new ConfigError('s', [{ path: 'f', message: 'm', value: Symbol('sym') }]);
    expect(error.message).toContain('(got Symbol(sym))');
  });

  it('truncates long previews to 80 characters', () => {
    const error = new ConfigError('s', [{ path: 'f', message: 'm', value: 'y'.repeat(500) }]);
    const got = /\(got (.*)\)$/.exec(error.message)?.[1] ?? '';
    expect(got).toHaveLength(80);
    expect(got.endsWith('...')).toBe(true);
  });
});

describe('config index', () => {
  it('re-exports the public API', () => {
    expect(typeof config.resolveConfig).toBe('function');
    expect(typeof config.loadConfigFile).toBe('function');
    expect(typeof config.parseConfigText).toBe('function');
    expect(typeof config.findScopeGrant).toBe('function');
    expect(typeof config.configJsonSchema).toBe('function');
    expect(config.ConfigError).toBe(ConfigError);
    expect(config.EMBEDDED_CONFIG).toBe(EMBEDDED_CONFIG);
  });
});
