// msw stays an optional dependency: only integrations/msw imports it. createUnderstudy builds an
// understudy that answers without a port, and createServer keeps working on top of it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createServer } from '../../../server/create-server.ts';
import { createUnderstudy } from '../../../server/create-understudy.ts';
import { createInMemoryTransport } from '../../../integrations/msw/in-memory-transport.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|js|mjs)$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : [];
  });
}

describe('module boundaries', () => {
  it('imports msw only from integrations/msw (the package root and the server do not)', () => {
    const files = ['index.ts', ...['server', 'harness', 'cli', 'bin'].flatMap((dir) => { try { return sourceFiles(join(ROOT, dir)); } catch { return []; } })];
    const importers = files.filter((file) => /from ['"]msw(\/[a-z]+)?['"]|import\(['"]msw/.test(readFileSync(join(file.startsWith('/') ? '' : ROOT, file), 'utf8')));
    expect(importers).toEqual([]);
    expect(readFileSync(join(ROOT, 'integrations/msw/create-idcs-handlers.ts'), 'utf8')).toMatch(/from 'msw'/);
  });

  it('exports only createIdcsHandlers (and its types) from oauth-understudy/msw', async () => {
    expect(Object.keys(await import('../../../integrations/msw/index.ts'))).toEqual(['createIdcsHandlers']);
  });
});

describe('createUnderstudy', () => {
  it('answers without listening, with URLs on the base URL it was given', async () => {
    const understudy = await createUnderstudy({ baseUrl: 'https://idcs-1.example.com' });
    const transport = createInMemoryTransport(understudy.handleRequest);
    const response = await transport.send(new Request('https://idcs-1.example.com/.well-known/openid-configuration'));
    expect(await response.json()).toMatchObject({ issuer: 'https://identity.oraclecloud.com/', token_endpoint: 'https://idcs-1.example.com/oauth2/v1/token' });
    expect(understudy.urls.jwksUrl).toBe('https://idcs-1.example.com/admin/v1/SigningCert/jwk');
    understudy.setBaseUrl('https://idcs-2.example.com');
    expect(understudy.urls.tokenUrl).toBe('https://idcs-2.example.com/oauth2/v1/token');
    expect(understudy.journal.entries()).toMatchObject([{ endpoint: 'discovery', status: 200 }]);
    const closing = understudy.close(async () => transport.close());
    expect(understudy.close()).toBe(closing);
    await closing;
  });

  it('names a bad fault rule as a configuration error', async () => {
    await expect(createUnderstudy({ faults: [{ preset: 'token.nope' }] })).rejects.toThrow(/faults/);
  });

  it('still backs createServer: a listening server reports its own URL', async () => {
    const server = await createServer({ port: 0 });
    try {
      expect(server.urls.tokenUrl).toBe(`${server.url}/oauth2/v1/token`);
      const discovery = (await (await fetch(server.urls.discoveryUrl)).json()) as { token_endpoint: string };
      expect(discovery.token_endpoint).toBe(server.urls.tokenUrl);
    } finally {
      await server.close();
    }
  });
});
