/**
 * Loading, validating and selecting scenarios: YAML, JSON and TypeScript files, the errors a
 * scenario author sees, the recursive walk, selection by name / glob / path / tag / level, and
 * the built-in suite.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Driver } from '../../harness/drivers/driver.ts';
import { HarnessError } from '../../harness/errors.ts';
import { BUILT_IN_SCENARIOS, runScenarios } from '../../harness/runner/run-scenarios.ts';
import { findScenarioFiles, loadScenarioFile, selectScenarios, validateScenario } from '../../harness/scenario/load.ts';
import type { Scenario } from '../../harness/scenario/schema.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const SCENARIOS = join(FIXTURES, 'scenarios');
const INVALID = join(FIXTURES, 'invalid');

/** A driver that must never be started: selection errors happen before anything runs. */
const unusedDriver: Driver = {
  kind: 'command',
  label: 'unused',
  start() {
    throw new Error('the driver must not be started');
  },
};

/** Runs `action` and returns the HarnessError it throws (fails the test otherwise). */
async function harnessError(action: () => unknown): Promise<HarnessError> {
  try {
    await action();
  } catch (error) {
    expect(error).toBeInstanceOf(HarnessError);
    return error as HarnessError;
  }
  throw new Error('expected a HarnessError, nothing was thrown');
}

describe('loadScenarioFile', () => {
  it('loads YAML and defaults the name to the file name', async () => {
    const file = join(SCENARIOS, 'caching/early-refresh.yaml');
    const scenario = await loadScenarioFile(file);
    expect(scenario).toMatchObject({
      name: 'early-refresh',
      file,
      intent: 'A client refreshes its token a little before it expires.',
      tags: ['rule:refresh', 'caching'],
      level: 'should',
      server: { accessTokenTtl: 2 },
      timeline: [{ work: { count: 1 } }, { wait: 0.1 }],
      expect: [{ noExpiredTokenUse: { margin: 1 } }],
    });
  });

  it('loads JSON and defaults the name to the file name', async () => {
    const scenario = await loadScenarioFile(join(SCENARIOS, 'caching/reuse.json'));
    expect(scenario.name).toBe('reuse');
    expect(scenario.timeline).toEqual([{ work: { count: 2 } }]);
    expect(scenario.expect).toEqual([{ tokenRequests: { exactly: 1 } }, { outcomes: { ok: 'all' } }]);
  });

  it('loads a TypeScript module whose default export is defineScenario(...)', async () => {
    const scenario = await loadScenarioFile(join(SCENARIOS, 'typed.ts'));
    expect(scenario.name).toBe('typed');
    expect(scenario.level).toBe('must');
    expect(scenario.timeline).toEqual([{ work: { count: 3, concurrent: true } }, { advance: 10 }]);
    expect(scenario.expect?.[0]).toEqual({ tokenRequests: { max: 1 }, why: 'three concurrent calls share a token' });
  });

  it('keeps an explicit name over the file name (.yml too)', async () => {
    const scenario = await loadScenarioFile(join(SCENARIOS, 'resource-server/early-revoke.yml'));
    expect(scenario.name).toBe('revoked-early');
    expect(scenario.timeline[1]).toEqual({ revoke: { jti: 'last' } });
  });

  it('refuses a scenario with every kind of mistake, naming the file and each bad field by path', async () => {
    const file = join(INVALID, 'everything-wrong.yaml');
    const error = await harnessError(() => loadScenarioFile(file));
    expect(error.code).toBe('SCENARIO_INVALID');
    expect(error.message).toContain(file);
    const lines = error.message.split('\n').slice(1);
    const paths = lines.map((line) => line.replace(/^\s*-\s*/, '').split(':')[0]);
    expect(paths.sort()).toEqual(['expect[0]', 'expect[1]', 'intent', 'level', 'name', 'timeline[1]'].sort());
    // Each line says what is wrong, not just where.
    expect(error.message).toMatch(/name: kebab-case/);
    expect(error.message).toMatch(/level: .*must.*should/);
    expect(error.message).toMatch(/expect\[0\]: give one check per expectation, not tokenRequests and apiCalls/);
    expect(error.message).toMatch(/expect\[1\]: give one check: tokenRequests, apiCalls/);
  });

  it('names nested fields of a JSON scenario by dotted path', async () => {
    const file = join(INVALID, 'bad-step.json');
    const error = await harnessError(() => loadScenarioFile(file));
    expect(error.code).toBe('SCENARIO_INVALID');
    expect(error.message).toContain(file);
    expect(error.message).toMatch(/timeline\[0\]/);
    expect(error.message).toMatch(/expect\[0\]\.outcomes\.ok/);
  });

  it('refuses a TypeScript scenario that breaks the run-time rules', async () => {
    const file = join(INVALID, 'typed-bad.ts');
    const error = await harnessError(() => loadScenarioFile(file));
    expect(error.code).toBe('SCENARIO_INVALID');
    expect(error.message).toContain(file);
    expect(error.message).toMatch(/- intent: /);
    expect(error.message).toMatch(/- timeline: /);
  });

  it('refuses files that do not parse, naming the file', async () => {
    for (const name of ['broken.yaml', 'broken.json']) {
      const file = join(INVALID, name);
      const error = await harnessError(() => loadScenarioFile(file));
      expect(error.code).toBe('SCENARIO_INVALID');
      expect(error.message).toContain(`${file}: cannot read the scenario`);
      // One line: the parser's first line, not a wall of context.
      expect(error.message).not.toContain('\n');
    }
  });

  it('refuses a file that does not exist', async () => {
    const error = await harnessError(() => loadScenarioFile(join(INVALID, 'missing.yaml')));
    expect(error.code).toBe('SCENARIO_INVALID');
    expect(error.message).toContain('missing.yaml');
  });
});

describe('validateScenario', () => {
  it('refuses a missing intent, an unknown step, a bad level and a bad name, one line each', () => {
    let error: unknown;
    try {
      validateScenario({ name: 'Bad Name', level: 'may', timeline: [{ teleport: 5 }], expect: [{}] }, 'from-code');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(HarnessError);
    const { code, message } = error as HarnessError;
    expect(code).toBe('SCENARIO_INVALID');
    expect(message.split('\n')[0]).toBe('Invalid scenario from-code:');
    for (const path of ['name', 'intent', 'level', 'timeline[0]', 'expect[0]']) expect(message).toContain(`  - ${path}: `);
  });

  it('accepts a minimal scenario and fills in the name from the source', () => {
    const scenario = validateScenario({ intent: 'One unit of work succeeds.', timeline: [{ work: {} }] }, 'dir/minimal.yaml');
    expect(scenario).toMatchObject({ name: 'minimal', file: 'dir/minimal.yaml' });
  });
});

describe('findScenarioFiles', () => {
  it('walks folders recursively, keeps scenario extensions only, skips .d.ts, sorts by path', async () => {
    const files = await findScenarioFiles(SCENARIOS);
    expect(files.map((file) => relative(SCENARIOS, file).replaceAll('\\', '/'))).toEqual([
      'caching/early-refresh.yaml',
      'caching/reuse.json',
      'nested/deep/deeper/far-away.yaml',
      'resource-server/early-revoke.yml',
      'typed.ts',
    ]);
  });

  describe('on a folder made for ordering', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'understudy-find-'));
      const { mkdir } = await import('node:fs/promises');
      await mkdir(join(dir, 'b/inner'), { recursive: true });
      await mkdir(join(dir, 'a'), { recursive: true });
      for (const file of ['z.yaml', 'b/inner/c.mjs', 'b/a.JSON', 'a/y.js', 'a/notes.txt', 'm.YML', 'types.d.ts']) await writeFile(join(dir, file), '');
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('sorts by path and matches extensions case-insensitively', async () => {
      const files = (await findScenarioFiles(dir)).map((file) => relative(dir, file));
      expect(files).toEqual(['a/y.js', 'b/a.JSON', 'b/inner/c.mjs', 'm.YML', 'z.yaml']);
    });
  });
});

describe('selectScenarios', () => {
  let all: Scenario[];
  beforeAll(async () => {
    all = await Promise.all((await findScenarioFiles(SCENARIOS)).map((file) => loadScenarioFile(file)));
  });
  const names = (patterns: string[], tags: string[] = []) => selectScenarios(all, SCENARIOS, { patterns, tags }).map((s) => s.name);

  it('selects everything when given nothing', () => {
    expect(names([])).toEqual(['early-refresh', 'reuse', 'far-away', 'revoked-early', 'typed']);
  });

  it('selects by name', () => {
    expect(names(['reuse'])).toEqual(['reuse']);
    expect(names(['revoked-early', 'typed'])).toEqual(['revoked-early', 'typed']);
  });

  it('selects by folder glob', () => {
    expect(names(['caching/*'])).toEqual(['early-refresh', 'reuse']);
    expect(names(['nested/**'])).toEqual(['far-away']);
  });

  it('selects by a ** glob on the path (the file name, not the scenario name)', () => {
    expect(names(['**/early-*'])).toEqual(['early-refresh', 'revoked-early']);
  });

  it('selects by name glob', () => {
    expect(names(['*-early'])).toEqual(['revoked-early']);
    expect(names(['re*'])).toEqual(['reuse', 'revoked-early']);
  });

  it('selects by path without the extension, and with it', () => {
    expect(names(['resource-server/early-revoke'])).toEqual(['revoked-early']);
    expect(names(['resource-server/early-revoke.yml'])).toEqual(['revoked-early']);
    expect(names(['nested/deep/deeper/far-away'])).toEqual(['far-away']);
  });

  it('treats glob metacharacters of regular expressions literally', () => {
    expect(names(['caching/reuse.json'])).toEqual(['reuse']);
    expect(names(['caching/reuseXjson'])).toEqual([]);
  });

  it('selects by tag, every tag given', () => {
    expect(names([], ['caching'])).toEqual(['early-refresh', 'reuse']);
    expect(names([], ['caching', 'fast'])).toEqual(['reuse']);
    expect(names([], ['rule:typed'])).toEqual(['typed']);
    expect(names([], ['nope'])).toEqual([]);
  });

  it('selects by level: must matches scenarios without a level', () => {
    expect(names([], ['should'])).toEqual(['early-refresh']);
    expect(names([], ['must'])).toEqual(['reuse', 'far-away', 'revoked-early', 'typed']);
  });

  it('combines patterns and tags (both must hold)', () => {
    expect(names(['caching/*'], ['must'])).toEqual(['reuse']);
    expect(names(['caching/*', 'typed'], ['must'])).toEqual(['reuse', 'typed']);
    expect(names(['**/early-*'], ['resource-server'])).toEqual(['revoked-early']);
  });
});

describe('runScenarios selection errors', () => {
  it('a pattern that matches nothing is SCENARIO_NOT_FOUND, listing the known names', async () => {
    const error = await harnessError(() => runScenarios({ driver: unusedDriver, folder: SCENARIOS, patterns: ['no-such-*'] }));
    expect(error.code).toBe('SCENARIO_NOT_FOUND');
    expect(error.message).toContain('no-such-*');
    for (const name of ['early-refresh', 'reuse', 'far-away', 'revoked-early', 'typed']) expect(error.message).toContain(name);
  });

  it('a tag that matches nothing is SCENARIO_NOT_FOUND too', async () => {
    const error = await harnessError(() => runScenarios({ driver: unusedDriver, folder: SCENARIOS, tags: ['nobody-has-this'] }));
    expect(error.code).toBe('SCENARIO_NOT_FOUND');
    expect(error.message).toContain('tag nobody-has-this');
  });

  it('a folder that does not exist is SCENARIO_NOT_FOUND', async () => {
    const error = await harnessError(() => runScenarios({ driver: unusedDriver, folder: join(FIXTURES, 'no-such-folder') }));
    expect(error.code).toBe('SCENARIO_NOT_FOUND');
  });

  it('an invalid file in the folder stops the run before anything starts (SCENARIO_INVALID)', async () => {
    const error = await harnessError(() => runScenarios({ driver: unusedDriver, folder: INVALID }));
    expect(error.code).toBe('SCENARIO_INVALID');
  });

  it('an invalid scenario object is SCENARIO_INVALID naming it', async () => {
    const error = await harnessError(() => runScenarios({ driver: unusedDriver, scenarios: [{ name: 'from-code', intent: 'too', timeline: [] }] }));
    expect(error.code).toBe('SCENARIO_INVALID');
    expect(error.message).toContain('from-code');
  });
});

describe('the built-in suite', () => {
  it('loads without errors; every scenario has an intent, a rule: tag and a unique name', async () => {
    const files = await findScenarioFiles(BUILT_IN_SCENARIOS);
    expect(files.length).toBeGreaterThan(10);
    const scenarios = await Promise.all(files.map((file) => loadScenarioFile(file)));
    for (const scenario of scenarios) {
      expect(scenario.intent.length, scenario.name).toBeGreaterThanOrEqual(10);
      expect(scenario.tags?.filter((tag) => /^rule:.+/.test(tag)), `${scenario.name} has a rule: tag`).toHaveLength(1);
      expect(scenario.expect?.length || scenario.timeline.some((step) => 'expect' in step), `${scenario.name} has expectations`).toBeTruthy();
    }
    const names = scenarios.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
