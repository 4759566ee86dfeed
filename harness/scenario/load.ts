import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { formatPath } from '../../server/config/errors.ts';
import { HarnessError } from '../errors.ts';
import { scenarioSchema, type Scenario } from './schema.ts';

const EXTENSIONS = new Set(['.yaml', '.yml', '.json', '.ts', '.js', '.mjs']);

/**
 * Reads and validates one scenario file (YAML, JSON, or a module whose default export is a
 * `defineScenario(...)` object). The name defaults to the file name.
 * @throws HarnessError SCENARIO_INVALID naming the file and every bad field.
 */
export async function loadScenarioFile(file: string): Promise<Scenario> {
  const extension = extname(file).toLowerCase();
  let value: unknown;
  try {
    if (extension === '.ts' || extension === '.js' || extension === '.mjs') {
      value = ((await import(pathToFileURL(resolve(file)).href)) as { default?: unknown }).default;
    } else {
      const text = await readFile(file, 'utf8');
      value = extension === '.json' ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100, logLevel: 'error' });
    }
  } catch (error) {
    throw new HarnessError('SCENARIO_INVALID', `${file}: cannot read the scenario: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
  return validateScenario(value, file);
}

/** Validates a scenario object (from a file or from code). */
export function validateScenario(value: unknown, source: string): Scenario {
  const parsed = scenarioSchema.safeParse(value);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  - ${formatPath(issue.path) || '(scenario)'}: ${issue.message}`);
    throw new HarnessError('SCENARIO_INVALID', `Invalid scenario ${source}:\n${lines.join('\n')}`);
  }
  const name = parsed.data.name ?? basename(source, extname(source));
  return { ...parsed.data, name, file: source };
}

/** Every scenario file under a folder, recursively, sorted by path. */
export async function findScenarioFiles(folder: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (EXTENSIONS.has(extname(entry.name).toLowerCase()) && !entry.name.endsWith('.d.ts')) found.push(path);
    }
  };
  await walk(folder);
  return found.sort();
}

export interface SelectOptions {
  /** Names, file paths or globs (`rate-*`, `auth-server/**`); empty = all. */
  patterns?: string[];
  /** Keep scenarios having every one of these tags. */
  tags?: string[];
}

/** Picks scenarios by name, path glob and tags. */
export function selectScenarios(scenarios: Scenario[], root: string, options: SelectOptions): Scenario[] {
  const patterns = (options.patterns ?? []).map(globToRegExp);
  const selected = scenarios.filter((scenario) => {
    const path = scenario.file ? relative(root, scenario.file).replaceAll('\\', '/') : scenario.name;
    const byPattern = patterns.length === 0 || patterns.some((p) => p.test(scenario.name) || p.test(path) || p.test(path.replace(/\.[^.]+$/, '')));
    const byTags = (options.tags ?? []).every((tag) => scenario.tags?.includes(tag) || tag === (scenario.level ?? 'must'));
    return byPattern && byTags;
  });
  return selected;
}

function globToRegExp(glob: string): RegExp {
  const source = glob
    .split('**')
    .map((part) => part.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*'))
    .join('.*');
  return new RegExp(`^(?:.*/)?${source}$`);
}
