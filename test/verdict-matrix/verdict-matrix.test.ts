/**
 * The verdict-truth matrix: the built-in suite on real client libraries (Node, Python, Go), eight
 * token clients and four sign-in or user-assertion clients, each wired to the command protocol
 * in a few lines, run twice in a row, against the verdicts
 * their source code implies (docs/verdict-matrix.md, one table per library, each cell with the
 * source lines that decide it). A cell marked "undecided" is not asserted.
 *
 * Needs Debian's python3-authlib, python3-requests-oauthlib, golang-go and
 * golang-golang-x-oauth2-dev (.ci/run installs them); without them the library's rows are
 * skipped with a warning, unless UNDERSTUDY_MATRIX_REQUIRED=1 (CI) makes that a failure.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandDriver } from '../../harness/drivers/command-driver.ts';
import type { ScenarioResult } from '../../harness/runner/run-scenario.ts';
import { BUILT_IN_SCENARIOS, runScenarios } from '../../harness/runner/run-scenarios.ts';
import { findScenarioFiles, loadScenarioFile } from '../../harness/scenario/load.ts';
import { loadDeclarationFile } from '../../harness/scenario/declaration.ts';
import { summaryTable } from './summary.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLIENTS = join(ROOT, 'test/verdict-matrix/clients');
const PYTHON = '/usr/bin/python3';
const REQUIRED = process.env.UNDERSTUDY_MATRIX_REQUIRED === '1';
/** Libraries judged at once (each runs its scenarios 8 at a time) on a 2-core machine. */
const LIBRARIES_AT_ONCE = 2;
const VERDICTS = ['pass', 'fail', 'not-exercised', 'not-applicable', 'undecided'] as const;

interface Library {
  /** The heading of its table in docs/verdict-matrix.md. */
  heading: string;
  /** What must be installed, and how to check it. */
  needs?: { what: string; present: () => Promise<boolean> };
  /** The command that runs its wiring (after `prepare`). */
  command: () => string;
  declaration: string;
  prepare?: () => Promise<void>;
}

const run = promisify(execFile);
const pythonHas = (module: string) => async () => existsSync(PYTHON) && (await run(PYTHON, ['-c', `import ${module}`]).then(() => true, () => false));
/** One scratch folder for the Go builds, made by the first. */
let goTemp: Promise<string> | undefined;

const node = (name: string): Library => ({
  heading: name,
  command: () => `node ${JSON.stringify(join(CLIENTS, 'node', `${name.split(' ')[0]?.replace('@badgateway/oauth2-client', 'badgateway-oauth2-client')}.mjs`))}`,
  declaration: join(CLIENTS, 'node', `${name.split(' ')[0]?.replace('@badgateway/oauth2-client', 'badgateway-oauth2-client')}.understudy.yaml`),
});

const LIBRARIES: Library[] = [
  node('openid-client 6.8.9'),
  node('oauth4webapi 3.8.8'),
  node('simple-oauth2 5.1.0'),
  node('@badgateway/oauth2-client 3.3.1'),
  node('axios-oauth-client 2.2.0'),
  {
    heading: 'authlib 1.2.0',
    needs: { what: 'apt-get install python3-authlib', present: pythonHas('authlib') },
    command: () => `${PYTHON} ${JSON.stringify(join(CLIENTS, 'python/authlib_client.py'))}`,
    declaration: join(CLIENTS, 'python/authlib_client.understudy.yaml'),
  },
  {
    heading: 'requests-oauthlib 1.3.0',
    needs: { what: 'apt-get install python3-requests-oauthlib', present: pythonHas('requests_oauthlib') },
    command: () => `${PYTHON} ${JSON.stringify(join(CLIENTS, 'python/requests_oauthlib_client.py'))}`,
    declaration: join(CLIENTS, 'python/requests_oauthlib_client.understudy.yaml'),
  },
  go('golang.org/x/oauth2 0.3.0', 'oauth2_client'),
  // Sign-in and user-assertion clients: wirings of their own, declaring the grants they use.
  {
    heading: 'openid-client 6.8.9, authorization code',
    command: () => `node ${JSON.stringify(join(CLIENTS, 'node/openid-client-code.mjs'))}`,
    declaration: join(CLIENTS, 'node/openid-client-code.understudy.yaml'),
  },
  {
    heading: 'authlib 1.2.0, authorization code',
    needs: { what: 'apt-get install python3-authlib', present: pythonHas('authlib') },
    command: () => `${PYTHON} ${JSON.stringify(join(CLIENTS, 'python/authlib_code_client.py'))}`,
    declaration: join(CLIENTS, 'python/authlib_code_client.understudy.yaml'),
  },
  go('golang.org/x/oauth2 0.3.0, authorization code', 'oauth2_code_client'),
  go('golang.org/x/oauth2/jwt 0.3.0', 'oauth2_jwt_client'),
];

/** A Go wiring, built from Debian's Go tree only (GOPATH mode, no module download) before its run. */
function go(heading: string, name: string): Library {
  let binary = '';
  return {
    heading,
    needs: { what: 'apt-get install golang-go golang-golang-x-oauth2-dev', present: async () => existsSync('/usr/share/gocode/src/golang.org/x/oauth2/oauth2.go') && (await run('go', ['version']).then(() => true, () => false)) },
    command: () => JSON.stringify(binary),
    declaration: join(CLIENTS, `go/${name}.understudy.yaml`),
    async prepare() {
      goTemp ??= mkdtemp(join(tmpdir(), 'understudy-go-'));
      const folder = await goTemp;
      binary = join(folder, name);
      await run('go', ['build', '-o', binary, join(CLIENTS, 'go/protocol.go'), join(CLIENTS, `go/${name}.go`)], {
        env: { ...process.env, GO111MODULE: 'off', GOPATH: `/usr/share/gocode:${join(folder, 'gopath')}`, GOCACHE: join(folder, 'cache'), GOFLAGS: '' },
      });
    },
  };
}

/** The matrix as docs/verdict-matrix.md states it: library heading -> scenario -> verdict. */
async function readMatrix(): Promise<Map<string, Map<string, (typeof VERDICTS)[number]>>> {
  const text = await readFile(join(ROOT, 'docs/verdict-matrix.md'), 'utf8');
  const matrix = new Map<string, Map<string, (typeof VERDICTS)[number]>>();
  let current: Map<string, (typeof VERDICTS)[number]> | undefined;
  for (const line of text.split('\n')) {
    const heading = /^## (.+)$/.exec(line);
    if (heading) {
      const name = (heading[1] as string).trim();
      current = LIBRARIES.some((library) => library.heading === name) ? new Map() : undefined;
      if (current) matrix.set(name, current);
      continue;
    }
    const row = /^\| ([a-z0-9-]+) \| ([a-z-]+) \|/.exec(line);
    if (current && row && row[1] !== 'scenario') {
      const verdict = row[2] as (typeof VERDICTS)[number];
      if (!VERDICTS.includes(verdict)) throw new Error(`docs/verdict-matrix.md: ${row[1]} has verdict "${verdict}", not one of ${VERDICTS.join(', ')}`);
      current.set(row[1] as string, verdict);
    }
  }
  return matrix;
}

/** At most `slots` libraries at a time. */
function limiter(slots: number): <T>(task: () => Promise<T>) => Promise<T> {
  let free = slots;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (free === 0) await new Promise<void>((resolve) => waiting.push(resolve));
    else free -= 1;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free += 1;
    }
  };
}

const slot = limiter(LIBRARIES_AT_ONCE);
let matrix: Awaited<ReturnType<typeof readMatrix>>;

beforeAll(async () => {
  matrix = await readMatrix();
});
afterAll(async () => {
  if (goTemp) await rm(await goTemp, { recursive: true, force: true });
});

describe('docs/verdict-matrix.md', () => {
  it('has a table for every library, with every built-in scenario', async () => {
    const files = await findScenarioFiles(BUILT_IN_SCENARIOS);
    const names = (await Promise.all(files.map((file) => loadScenarioFile(file)))).map((scenario) => scenario.name).sort();
    expect(names.length).toBeGreaterThanOrEqual(44);
    for (const library of LIBRARIES) expect([...(matrix.get(library.heading)?.keys() ?? [])].sort(), library.heading).toEqual(names);
  });

  it('summarizes the cells by rule at the top, as they are', async () => {
    const files = await findScenarioFiles(BUILT_IN_SCENARIOS);
    const scenarios = await Promise.all(files.map((file) => loadScenarioFile(file)));
    const ruleOf = new Map(scenarios.map((scenario) => [scenario.name, scenario.tags?.find((t) => t.startsWith('rule:'))?.slice(5) ?? scenario.name]));
    const rules = [...new Set(ruleOf.values())];
    const text = await readFile(join(ROOT, 'docs/verdict-matrix.md'), 'utf8');
    const ordered = new Map(LIBRARIES.map((library) => [library.heading, matrix.get(library.heading) as Map<string, string>]));
    expect(text).toContain(summaryTable(ordered, ruleOf, rules).join('\n'));
  });
});

describe.concurrent('the built-in suite on real client libraries, twice in a row', () => {
  for (const library of LIBRARIES) {
    it(library.heading, async ({ skip }) => {
      if (library.needs && !(await library.needs.present())) {
        if (REQUIRED) throw new Error(`${library.heading} is not installed: ${library.needs.what}`);
        console.warn(`skipping ${library.heading} in the verdict matrix: ${library.needs.what}`);
        skip();
      }
      await slot(async () => {
        await library.prepare?.();
        const expected = matrix.get(library.heading) as Map<string, string>;
        const declaration = await loadDeclarationFile(library.declaration);
        for (const round of [1, 2]) {
          const result = await runScenarios({ driver: commandDriver({ command: library.command(), cwd: ROOT }), parallel: 8, declaration });
          const wrong = result.scenarios.filter((s) => expected.get(s.name) !== 'undecided' && expected.get(s.name) !== s.verdict).map((s) => describeMismatch(s, expected.get(s.name)));
          expect(wrong, `${library.heading}, run ${round}: verdicts that differ from what the source implies`).toEqual([]);
        }
      });
    }, 300_000);
  }
});

describe('an independent well-behaved client (written from the README, not from examples/)', () => {
  it('passes every scenario that applies to it, twice in a row', async () => {
    const declaration = await loadDeclarationFile(join(CLIENTS, 'node/independent-client.understudy.yaml'));
    await slot(async () => {
      for (const round of [1, 2]) {
        const result = await runScenarios({ driver: commandDriver({ command: `node ${JSON.stringify(join(CLIENTS, 'node/independent-client.mjs'))}`, cwd: ROOT }), parallel: 8, declaration });
        // It declares client_credentials only: the password, sign-in and assertion scenarios are not about it.
        const notPassed = result.scenarios.filter((s) => s.verdict !== 'pass' && !(s.verdict === 'not-applicable' && NOT_ITS_GRANTS.test(s.reason ?? '')));
        expect(notPassed.map((s) => describeMismatch(s, 'pass')), `run ${round}`).toEqual([]);
      }
    });
  }, 300_000);
});

const NOT_ITS_GRANTS = /^the scenario is about clients that use the /;

function describeMismatch(result: ScenarioResult, expected: string | undefined): string {
  const why = result.error ?? result.reason ?? result.expectations.filter((e) => e.verdict !== 'pass').map((e) => `${e.name}: ${e.verdict}: ${e.explanation}`).join(' | ');
  return `${result.name}: expected ${expected}, got ${result.verdict} (${why})`;
}
