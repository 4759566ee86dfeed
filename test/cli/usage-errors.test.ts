// The CLI's failures are actionable: exit 2 with a message (no stack trace) for bad flags and
// bad configuration, exit 1 when there is no server to talk to.
import { createServer } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertNoStaleBuild, runCli, startServe, stopAll } from './cli-process.ts';

let dir: string;
beforeAll(async () => {
  assertNoStaleBuild();
  dir = await mkdtemp(join(tmpdir(), 'understudy-cli-'));
});
afterAll(async () => {
  await stopAll();
  await rm(dir, { recursive: true, force: true });
});

/** A port that nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('understudy serve refuses what it cannot use', () => {
  it('an invalid config file: exit 2, naming the field, no stack trace', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'clients: [{id: 1}]\n');
    const result = await runCli(['serve', '--port', '0', '--config', file]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(file);
    expect(result.stderr).toContain('clients[0].id');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('a missing config file: exit 2', async () => {
    const result = await runCli(['serve', '--port', '0', '--config', join(dir, 'missing.yaml')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('file not found');
  });

  it.each([
    [['--port', 'abc'], /--port .*'abc' is invalid.*0 to 65535/],
    [['--port', '65536'], /--port .*'65536' is invalid/],
    [['--port', '-1'], /--port/],
    [['--profile', 'oauth'], /Allowed choices are idcs, rfc9068/],
    [['--bogus'], /unknown option '--bogus'/],
  ])('serve %j: exit 2', async (args, message) => {
    const result = await runCli(['serve', ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('a port in use: exit 2 with the fix', async () => {
    const { banner } = await startServe();
    const port = new URL(banner.baseUrl).port;
    const result = await runCli(['serve', '--port', port]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});

describe('understudy token without a server', () => {
  it('exit 1 and says how to start one', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const result = await runCli(['token', '--url', url]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`no understudy server at ${url}; start one with \`understudy serve\``);
  });

  it('a malformed --url: exit 2', async () => {
    const result = await runCli(['token', '--url', 'localhost']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('must be absolute');
  });
});

describe('understudy schema, help, unknown commands', () => {
  it('schema prints the config JSON Schema', async () => {
    const result = await runCli(['schema']);
    expect(result.code).toBe(0);
    const schema = JSON.parse(result.stdout) as { properties: Record<string, unknown> };
    expect(schema.properties).toHaveProperty('clients');
    expect(schema.properties).toHaveProperty('api');
  });

  it('--help exits 0; an unknown command exits 2', async () => {
    const help = await runCli(['serve', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--port <n>');
    const unknown = await runCli(['serve-me']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'serve-me'");
  });
});

describe('start-up problems in the configuration are configuration errors', () => {
  it('a key that is not PEM: exit 2 naming keys[0].privateKeyPem', async () => {
    const file = join(dir, 'bad-key.yaml');
    await writeFile(file, 'keys:\n  - privateKeyPem: not a key\n');
    const result = await runCli(['serve', '--port', '0', '--config', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('keys[0].privateKeyPem');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('a journal file that is a directory: exit 2 naming journal.file', async () => {
    const result = await runCli(['serve', '--port', '0', '--journal', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('journal.file');
    expect(result.stderr).toContain('EISDIR');
  });
});
