import { HarnessError } from '../../harness/errors.ts';
import { BUILT_IN_SCENARIOS } from '../../harness/runner/run-scenarios.ts';
import { findScenarioFiles, loadScenarioFile } from '../../harness/scenario/load.ts';
import type { Scenario } from '../../harness/scenario/schema.ts';

const loaded = new Map<string, Promise<Scenario[]>>();

/** Every scenario of a folder, read once per test file. */
function scenariosIn(folder: string): Promise<Scenario[]> {
  let scenarios = loaded.get(folder);
  if (!scenarios) {
    scenarios = findScenarioFiles(folder).then((files) => Promise.all(files.map((file) => loadScenarioFile(file))));
    // A folder that failed to load is read again next time, so the error is not cached.
    scenarios.catch(() => loaded.delete(folder));
    loaded.set(folder, scenarios);
  }
  return scenarios;
}

/**
 * The scenario called `name` in `folder` (default: the built-in suite).
 * @throws HarnessError SCENARIO_NOT_FOUND naming the nearest names and every known one.
 */
export async function findScenario(name: string, folder: string = BUILT_IN_SCENARIOS): Promise<Scenario> {
  const scenarios = await scenariosIn(folder);
  const found = scenarios.find((scenario) => scenario.name === name);
  if (found) return found;
  const names = scenarios.map((scenario) => scenario.name).sort();
  const near = nearestNames(name, names);
  throw new HarnessError(
    'SCENARIO_NOT_FOUND',
    `no scenario is called "${name}"${near.length > 0 ? `; did you mean ${near.map((n) => `"${n}"`).join(', ')}?` : ''} Scenarios in ${folder}: ${names.join(', ') || '(none)'}`,
  );
}

/** Up to three names close to `wanted`: containing it, or within a few edits of it. */
function nearestNames(wanted: string, names: readonly string[]): string[] {
  const target = wanted.toLowerCase();
  const scored = names.map((name) => {
    const containing = name.includes(target) || target.includes(name);
    return { name, score: containing ? 0 : editDistance(target, name) };
  });
  // More than half the letters changed is a different name, not a typo.
  return scored
    .filter((candidate) => candidate.score <= Math.max(3, Math.floor(target.length / 2)))
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
    .slice(0, 3)
    .map((candidate) => candidate.name);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] as number;
}
