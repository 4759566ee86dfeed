import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../server/base/package-root.ts';
import type { Driver } from '../drivers/driver.ts';
import type { BrowserKind } from '../person/person.ts';
import { HarnessError } from '../errors.ts';
import { REPORT_VERSION, type Reporter, type RunResult } from '../reporters/reporter.ts';
import { findScenarioFiles, loadScenarioFile, selectScenarios, validateScenario } from '../scenario/load.ts';
import type { BoundsInput } from '../scenario/bounds.ts';
import { resolveDeclaration, type ClientDeclarationInput } from '../scenario/declaration.ts';
import type { Scenario, ScenarioInput } from '../scenario/schema.ts';
import { runScenario, type ScenarioResult } from './run-scenario.ts';

/** The built-in contract suite shipped with understudy (scenarios/ at the package root, from source or dist/). */
export const BUILT_IN_SCENARIOS = join(packageRoot(), 'scenarios');

/** What `runScenarios()` runs: the client (driver), which scenarios (objects, or a folder filtered by names and tags), how many at once, and who reports. */
export interface RunScenariosOptions {
  /** How the client under test is started and talked to (`commandDriver`, `moduleDriver`, `httpDriver`...). */
  driver: Driver;
  /** Scenario objects to run (e.g. from defineScenario); when given, files are not read. */
  scenarios?: (Scenario | ScenarioInput)[];
  /** Folder of scenario files. Default: the built-in suite. */
  folder?: string;
  /** Names, paths or globs; empty = every scenario. */
  patterns?: string[];
  /** Only scenarios carrying all these tags (a level, must/should, counts as a tag). */
  tags?: string[];
  /** Scenarios run at once, each on its own server. Default: 4. */
  parallel?: number;
  /** Told of each scenario as the run goes (e.g. `createReporter('junit', { out })`); default: none. */
  reporters?: Reporter[];
  /**
   * What the client does: grants, request timeout, headers it sends (docs/rules.md). A scenario
   * that needs something it does not declare is `not-applicable`. Several are merged in order
   * (e.g. a file, then command-line options).
   */
  declaration?: ClientDeclarationInput | ClientDeclarationInput[];
  /** Bounds of the verdicts for this run, e.g. `{ giveUpWithin: 20 }` (win over the declaration's). */
  bounds?: BoundsInput;
  /** How the harness plays the person in sign-in steps: over HTTP (default) or in headless Chromium. */
  browser?: BrowserKind;
}

/**
 * The harness's core: selects scenarios, runs them in parallel on servers of their own, and
 * reports. The CLI and the vitest integration are thin layers over it.
 * @throws HarnessError SCENARIO_INVALID / SCENARIO_NOT_FOUND / USAGE (a bad declaration or bound) before anything runs.
 */
export async function runScenarios(options: RunScenariosOptions): Promise<RunResult> {
  const started = performance.now();
  const declarations = Array.isArray(options.declaration) ? options.declaration : [options.declaration];
  // Checked before anything runs: a bad declaration is a usage error, not a verdict.
  const declaration = resolveDeclaration(declarations, options.bounds);
  const scenarios = await collect(options);
  const reporters = options.reporters ?? [];
  for (const reporter of reporters) reporter.onRunStart?.(scenarios);

  const results: ScenarioResult[] = new Array(scenarios.length);
  let next = 0;
  const worker = async () => {
    while (next < scenarios.length) {
      const index = next++;
      const scenario = scenarios[index] as Scenario;
      for (const reporter of reporters) reporter.onScenarioStart?.(scenario);
      const result = await runScenario(scenario, { driver: options.driver, declaration, browser: options.browser });
      results[index] = result;
      for (const reporter of reporters) reporter.onScenarioResult?.(result);
    }
  };
  // Fake timers are process-wide: scenarios of an in-process client on fake time run one at a time.
  const parallel = options.driver.time ? 1 : Math.min(options.parallel ?? 4, options.driver.maxParallel ?? Number.POSITIVE_INFINITY);
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, scenarios.length)) }, worker));

  const count = (verdict: ScenarioResult['verdict']) => results.filter((r) => r.verdict === verdict).length;
  const result: RunResult = {
    reportVersion: REPORT_VERSION,
    summary: {
      passed: count('pass'),
      failed: count('fail'),
      errored: count('error'),
      notExercised: count('not-exercised'),
      notApplicable: count('not-applicable'),
      durationMs: Math.round(performance.now() - started),
    },
    scenarios: results,
  };
  for (const reporter of reporters) await reporter.onRunEnd?.(result);
  return result;
}

async function collect(options: RunScenariosOptions): Promise<Scenario[]> {
  const root = options.folder ?? BUILT_IN_SCENARIOS;
  let all: Scenario[];
  if (options.scenarios) {
    all = options.scenarios.map((s, i) => ('file' in s && typeof s.name === 'string' ? (s as Scenario) : validateScenario(s, (s as ScenarioInput).name ?? `scenario #${i + 1}`)));
  } else {
    if (!existsSync(root)) throw new HarnessError('SCENARIO_NOT_FOUND', `the scenario folder ${root} does not exist`);
    const files = await findScenarioFiles(root);
    all = await Promise.all(files.map((file) => loadScenarioFile(file)));
  }
  const selected = selectScenarios(all, root, { patterns: options.patterns, tags: options.tags });
  if (selected.length === 0) {
    const known = all.map((s) => s.name).join(', ') || '(none)';
    throw new HarnessError('SCENARIO_NOT_FOUND', `no scenario matches ${[...(options.patterns ?? []), ...(options.tags ?? []).map((t) => `tag ${t}`)].join(', ') || 'the selection'}; known scenarios: ${known}`);
  }
  return selected;
}
