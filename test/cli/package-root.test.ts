// One way to find understudy's package (folder and version), from the sources and from dist/
// alike: server/base/package-root.ts. The CLI's --version and the built-in suite's folder use it.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPackageVersion } from '../../harness/cli/package-version.ts';
import { BUILT_IN_SCENARIOS } from '../../harness/runner/run-scenarios.ts';
import { findOwnPackage, ownPackage, packageRoot, packageVersion } from '../../server/base/package-root.ts';
import { ROOT, runCli } from './cli-process.ts';

const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };

describe('findOwnPackage', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'understudy-root-'));
    // A consumer's project with understudy installed, and understudy's code bundled into the consumer's dist/.
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '9.9.9' }));
    await mkdir(join(dir, 'node_modules', 'oauth-understudy', 'dist', 'harness', 'cli'), { recursive: true });
    await writeFile(join(dir, 'node_modules', 'oauth-understudy', 'package.json'), JSON.stringify({ name: 'oauth-understudy', version: '1.2.3' }));
    await mkdir(join(dir, 'dist', 'scenarios'), { recursive: true });
    await writeFile(join(dir, 'dist', 'package.json'), '{ not json');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('walks up from dist/ (or the sources) to the package.json named oauth-understudy', () => {
    const root = join(dir, 'node_modules', 'oauth-understudy');
    expect(findOwnPackage(join(root, 'dist', 'harness', 'cli'))).toEqual({ root, version: '1.2.3' });
    expect(findOwnPackage(root)).toEqual({ root, version: '1.2.3' });
  });

  it("never takes another package's package.json (or an unreadable one) for understudy's", () => {
    expect(findOwnPackage(join(dir, 'dist', 'scenarios'))).toBeUndefined();
  });

  it('finds this repository from its own sources', () => {
    expect(ownPackage()).toEqual({ root: ROOT.replace(/\/$/, ''), version: manifest.version });
    expect(packageRoot()).toBe(ROOT.replace(/\/$/, ''));
    expect(packageVersion()).toBe(manifest.version);
  });
});

describe('its users', () => {
  it('the CLI version and the built-in suite come from the same package root', async () => {
    expect(readPackageVersion()).toBe(manifest.version);
    expect(BUILT_IN_SCENARIOS).toBe(join(packageRoot(), 'scenarios'));
    const result = await runCli(['--version']);
    expect(result.stdout.trim()).toBe(manifest.version);
  });

  it('no other module of the package, bench or scripts looks for a package.json itself', async () => {
    const readers: string[] = [];
    for (const top of ['server', 'harness', 'integrations', 'scripts', 'bench', 'index.ts']) {
      const entries = top.endsWith('.ts') ? [top] : (await readdir(join(ROOT, top), { recursive: true })).map((file) => join(top, file));
      for (const file of entries.filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))) {
        if (file === join('server', 'base', 'package-root.ts')) continue;
        if (/['"`]package\.json['"`]/.test(await readFile(join(ROOT, file), 'utf8'))) readers.push(file);
      }
    }
    expect(readers).toEqual([]);
  });
});
