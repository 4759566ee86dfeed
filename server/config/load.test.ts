import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from './errors.ts';
import { loadConfigFile, parseConfigText } from './load.ts';
import { resolveConfig } from './resolve.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'understudy-config-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

async function loadError(file: string): Promise<ConfigError> {
  try {
    await loadConfigFile(file);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`expected loading ${file} to fail`);
}

function parseError(text: string, source: string): ConfigError {
  try {
    parseConfigText(text, source);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected parseConfigText to fail');
}

const YAML_CONFIG = `# a comment
profile: rfc9068
tenant: acme
resources:
  - audience: https://payroll.example.test:443
    scopes: [read, write]
clients:
  - id: payroll-client
    secret: s3cret
    scopes:
      - https://payroll.example.test:443read
api:
  routes:
    - path: /payroll/*
      method: get
      headers: [X-Request-Id]
`;

describe('loadConfigFile', () => {
  it('loads a YAML file that resolves', async () => {
    const file = await write('understudy.yaml', YAML_CONFIG);
    const raw = await loadConfigFile(file);
    expect(raw).toMatchObject({ profile: 'rfc9068', tenant: 'acme', clients: [{ id: 'payroll-client', secret: 's3cret' }] });
    const config = resolveConfig(raw, { source: file });
    expect(config.profile).toBe('rfc9068');
    expect(config.clients[0]?.scopes).toEqual([{ audience: 'https://payroll.example.test:443', scope: 'read' }]);
    expect(config.api.routes[0]).toMatchObject({ path: '/payroll/', prefix: true, method: 'GET', headers: ['X-Request-Id'] });
  });

  it('loads a .yml file', async () => {
    const file = await write('understudy.yml', 'tenant: yml-tenant\n');
    expect(await loadConfigFile(file)).toEqual({ tenant: 'yml-tenant' });
  });

  it('loads a JSON file', async () => {
    const json = { tenant: 'json-tenant', clients: [{ id: 'a', secret: 'b', grants: ['client_credentials'] }], server: { port: 0 } };
    const file = await write('understudy.json', JSON.stringify(json, null, 2));
    expect(await loadConfigFile(file)).toEqual(json);
    expect(resolveConfig(await loadConfigFile(file)).server.port).toBe(0);
  });

  it('treats an upper-case .JSON extension as JSON', async () => {
    // JSON-only syntax error (a trailing comma is fine in YAML flow mappings).
    const file = await write('UPPER.JSON', '{"tenant": "x",}');
    const error = await loadError(file);
    expect(error.issues[0]?.message).toMatch(/^not valid JSON/);
  });

  it('reads a file with another extension as YAML (JSON is valid YAML)', async () => {
    const file = await write('understudy.conf', '{"tenant": "conf"}');
    expect(await loadConfigFile(file)).toEqual({ tenant: 'conf' });
  });

  it('a missing file says "file not found" and names the file', async () => {
    const file = join(dir, 'does-not-exist.yaml');
    const error = await loadError(file);
    expect(error.source).toBe(file);
    expect(error.issues).toEqual([{ path: '', message: 'cannot read the file: file not found' }]);
    expect(error.message).toContain(file);
    expect(error.message).toContain('file not found');
  });

  it('an unreadable path (a directory) gives the system reason, not "file not found"', async () => {
    const error = await loadError(dir);
    expect(error.issues[0]?.message).toMatch(/^cannot read the file: /);
    expect(error.issues[0]?.message).not.toContain('file not found');
    expect(error.issues[0]?.message).toContain('EISDIR');
  });

  it('a YAML syntax error names the line', async () => {
    const file = await write('broken.yaml', 'tenant: ok\nclients:\n  - id: a\n   secret: b\n');
    const error = await loadError(file);
    expect(error.source).toBe(file);
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.path).toBe('');
    expect(error.issues[0]?.message).toMatch(/^not valid YAML at line 4, column \d+: /);
    expect(error.message).toContain('line 4');
  });

  it('an empty file is an empty config', async () => {
    const file = await write('empty.yaml', '');
    expect(await loadConfigFile(file)).toEqual({});
    const comments = await write('comments.yaml', '# nothing here\n');
    expect(await loadConfigFile(comments)).toEqual({});
  });
});

describe('parseConfigText', () => {
  it('parses YAML into a plain object', () => {
    expect(parseConfigText('tenant: t\njournal:\n  capacity: 5\n', 'x.yaml')).toEqual({ tenant: 't', journal: { capacity: 5 } });
  });

  it('parses JSON by extension', () => {
    expect(parseConfigText('{"leeway": 2}', 'x.json')).toEqual({ leeway: 2 });
  });

  it('names the YAML line of a syntax error, on a later line', () => {
    const error = parseError('a: 1\nb: 2\nc: [1, 2\nd: 4\n', 'cfg.yaml');
    const message = error.issues[0]?.message ?? '';
    expect(message).toMatch(/^not valid YAML at line \d+, column \d+/);
    const line = Number(/line (\d+)/.exec(message)?.[1]);
    expect(line).toBeGreaterThanOrEqual(3);
    // only the first line of the parser's (multi-line, pretty) message is kept
    expect(message).not.toContain('\n');
  });

  it('reports duplicate YAML keys as a syntax error with a line', () => {
    const error = parseError('tenant: a\ntenant: b\n', 'dup.yaml');
    expect(error.issues[0]?.message).toMatch(/^not valid YAML at line 2/);
  });

  it('a JSON syntax error says JSON', () => {
    const error = parseError('{"a": 1,,}', 'x.json');
    expect(error.issues[0]?.message).toMatch(/^not valid JSON: /);
    expect(error.source).toBe('x.json');
  });

  it.each([
    ['a YAML sequence', '- a\n- b\n', 'x.yaml', ['a', 'b']],
    ['a YAML scalar', 'hello\n', 'x.yaml', 'hello'],
    ['a YAML number', '42\n', 'x.yaml', 42],
    ['a JSON array', '[1, 2]', 'x.json', [1, 2]],
    ['a JSON string', '"s"', 'x.json', 's'],
    ['a JSON boolean', 'true', 'x.json', true],
  ])('rejects %s at the top level', (_label, text, source, value) => {
    const error = parseError(text, source);
    expect(error.issues).toEqual([{ path: '', message: 'the configuration must be a mapping (object) of settings', value }]);
    expect(error.message).toContain('(document): the configuration must be a mapping');
  });

  it('a JSON null or YAML null document is an empty config', () => {
    expect(parseConfigText('null', 'x.json')).toEqual({});
    expect(parseConfigText('~\n', 'x.yaml')).toEqual({});
  });

  it('limits YAML alias expansion (billion laughs)', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    let prev = 'a';
    for (const name of ['b', 'c', 'd', 'e', 'f', 'g']) {
      bomb.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(',')}]`);
      prev = name;
    }
    const error = parseError(bomb.join('\n'), 'bomb.yaml');
    expect(error.issues[0]?.message).toMatch(/^not valid YAML.*alias/i);
  });
});
