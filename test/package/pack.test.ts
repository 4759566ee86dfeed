// The published package, as a user gets it: `npm pack` (which builds through prepack) on a copy
// of the sources, installed into an empty project next to vitest and msw. The CLI must run from
// node_modules/.bin, all three entry points must import and type-check, and a vitest test
// written against 'oauth-understudy/vitest' must pass there.
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../cli/cli-process.ts';

const run = promisify(execFile);
const SOURCES = ['package.json', 'package-lock.json', 'README.md', 'tsconfig.json', 'tsconfig.build.json', 'index.ts', 'bin', 'server', 'harness', 'integrations', 'examples', 'scenarios', 'scripts', 'schemas'];
const rootPackage = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string; devDependencies: Record<string, string> };
const installed = async (name: string) => (JSON.parse(await readFile(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

describe('npm pack -> npm install into an empty project', () => {
  let work: string;
  let project: string;
  let tarball: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'understudy-pack-'));
    const copy = join(work, 'source');
    for (const entry of SOURCES) await cp(join(ROOT, entry), join(copy, entry), { recursive: true, filter: (path) => !path.includes(`${join(ROOT, 'dist')}`) });
    await symlink(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
    await run('npm', ['pack', '--pack-destination', work, '--silent'], { cwd: copy, maxBuffer: 32 * 1024 * 1024 });
    tarball = join(work, (await readdir(work)).find((file) => file.endsWith('.tgz')) as string);

    project = join(work, 'project');
    await mkdir(project);
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball, `vitest@${await installed('vitest')}`, `msw@${await installed('msw')}`], {
      cwd: project,
      maxBuffer: 32 * 1024 * 1024,
    });
  }, 240_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('ships the compiled code, types, schemas and dashboard, not the tests or the TypeScript sources of the server', async () => {
    const { stdout } = await run('tar', ['-tzf', tarball]);
    const files = stdout.split('\n').filter(Boolean);
    for (const file of [
      'package/dist/index.js',
      'package/dist/index.d.ts',
      'package/dist/integrations/vitest/index.js',
      'package/dist/integrations/msw/index.d.ts',
      'package/dist/server/dashboard/assets/index.html',
      'package/schemas/config.schema.json',
      'package/schemas/scenario.schema.json',
      'package/bin/understudy.js',
      'package/scenarios/resource-server/early-revocation.yaml',
    ]) {
      expect(files).toContain(file);
    }
    expect(files.filter((file) => file.endsWith('.test.ts') || file.endsWith('.test.js'))).toEqual([]);
    expect(files.filter((file) => file.startsWith('package/server/'))).toEqual([]);
  });

  it('runs the CLI from node_modules/.bin: version, schema, and a token from a served instance', async () => {
    const bin = join(project, 'node_modules', '.bin', 'understudy');
    expect((await run(bin, ['--version'])).stdout.trim()).toBe(rootPackage.version);
    const { stdout: schema } = await run(bin, ['schema', 'config']);
    expect(JSON.parse(schema)).toEqual(JSON.parse(await readFile(join(project, 'node_modules', 'oauth-understudy', 'schemas', 'config.schema.json'), 'utf8')));

    const script = `
      import { createServer } from 'oauth-understudy';
      import { execFile } from 'node:child_process';
      import { promisify } from 'node:util';
      const server = await createServer({ port: 0 });
      try {
        const { stdout } = await promisify(execFile)(${JSON.stringify(bin)}, ['token', '--url', server.url]);
        console.log(JSON.stringify({ token: stdout.trim(), journal: server.journal.entries().map((e) => e.decision) }));
      } finally {
        await server.close();
      }`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: project });
    const result = JSON.parse(stdout) as { token: string; journal: string[] };
    expect(result.token.split('.')).toHaveLength(3);
    // `understudy token` reads the discovery document, then asks for the token.
    expect(result.journal.at(-1)).toBe('issued');
  });

  it('imports oauth-understudy/msw and gets a token from a real IDCS host name with no port', async () => {
    const script = `
      import { setupServer } from 'msw/node';
      import { createIdcsHandlers } from 'oauth-understudy/msw';
      const idcs = await createIdcsHandlers({ host: 'https://idcs-1234.identity.oraclecloud.com' });
      const msw = setupServer(...idcs.handlers);
      msw.listen({ onUnhandledFrame: 'error' });
      try {
        const response = await fetch('https://idcs-1234.identity.oraclecloud.com/oauth2/v1/token', {
          method: 'POST',
          headers: { authorization: 'Basic ' + btoa('demo-client:demo-secret') },
          body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'https://api.understudy.test:443urn:opc:resource:consumer::all' }),
        });
        console.log(JSON.stringify({ status: response.status, type: (await response.json()).token_type }));
      } finally {
        msw.close();
        await idcs.close();
      }`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: project });
    expect(JSON.parse(stdout)).toEqual({ status: 200, type: 'Bearer' });
  });

  it('runs a vitest test written against oauth-understudy/vitest', async () => {
    await writeFile(
      join(project, 'client.test.js'),
      `
      import { expect, it } from 'vitest';
      import { useUnderstudy } from 'oauth-understudy/vitest';
      const idcs = useUnderstudy();
      it('requests one token', async () => {
        const { clientId, clientSecret, scope } = idcs.credentials;
        const response = await fetch(idcs.urls.tokenUrl, {
          method: 'POST',
          headers: { authorization: 'Basic ' + btoa(clientId + ':' + clientSecret) },
          body: new URLSearchParams({ grant_type: 'client_credentials', scope }),
        });
        expect(response.status).toBe(200);
        expect(idcs).toHaveRequestedTokens(1);
        expect(() => expect(idcs).toHaveRequestedTokens(2)).toThrow(/token/);
      });`,
    );
    await run(join(project, 'node_modules', '.bin', 'vitest'), ['run', '--reporter=json', '--outputFile=report.json', 'client.test.js'], { cwd: project, env: { ...process.env, CI: 'true' } });
    const report = JSON.parse(await readFile(join(project, 'report.json'), 'utf8')) as { numPassedTests: number; numFailedTests: number };
    expect(report).toMatchObject({ numPassedTests: 1, numFailedTests: 0 });
  }, 60_000);

  it('type-checks a TypeScript consumer of all three entry points', async () => {
    await writeFile(
      join(project, 'consumer.ts'),
      `
      import { createServer, defineConfig, PRESETS, type UnderstudyServer } from 'oauth-understudy';
      import { useUnderstudy } from 'oauth-understudy/vitest';
      import { createIdcsHandlers } from 'oauth-understudy/msw';
      const config = defineConfig({ profile: 'idcs' });
      export const start: () => Promise<UnderstudyServer> = () => createServer({ config, port: 0 });
      export const presets: string[] = Object.keys(PRESETS);
      import { expect } from 'vitest';
      // The matchers' types come with the entry point.
      export function judged(fixture: ReturnType<typeof useUnderstudy>): void {
        expect(fixture).toHaveRequestedTokens(1);
        expect(fixture).not.toHaveUsedExpiredTokens();
        // @ts-expect-error the count is a number or bounds
        expect(fixture).toHaveRequestedTokens('one');
      }
      // @ts-expect-error resetBeforeEach is a boolean
      useUnderstudy({ resetBeforeEach: 'yes' });
      // @ts-expect-error host is required
      void createIdcsHandlers({});
      // @ts-expect-error profile is a closed set
      defineConfig({ profile: 'keycloak' });
      `,
    );
    await writeFile(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2023', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] }, files: ['consumer.ts'] }),
    );
    await symlink(join(ROOT, 'node_modules', '@types'), join(project, 'node_modules', '@types'), 'dir').catch(() => undefined);
    const tsc = join(ROOT, 'node_modules', '.bin', 'tsc');
    const result = await run(tsc, ['-p', join(project, 'tsconfig.json')], { cwd: project }).then(
      () => ({ code: 0, output: '' }),
      (error: { code: number; stdout: string }) => ({ code: error.code, output: error.stdout }),
    );
    expect(result).toEqual({ code: 0, output: '' });
  }, 60_000);
});
