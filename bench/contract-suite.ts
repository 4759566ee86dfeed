/**
 * Wall time of the whole contract suite against the reference client, per driver (targets from
 * the harness issue: module under 3 s, command under 30 s on a 2-core machine). Prints measured
 * numbers, median of RUNS (default 3); asserts nothing.
 */
import { fileURLToPath } from 'node:url';
import { commandDriver } from '../harness/drivers/command-driver.ts';
import type { Driver } from '../harness/drivers/driver.ts';
import { moduleDriver } from '../harness/drivers/module-driver.ts';
import { runScenarios } from '../harness/runner/run-scenarios.ts';
import { loadDeclarationFile } from '../harness/scenario/declaration.ts';

const runs = Number(process.env.RUNS ?? 3);
const root = fileURLToPath(new URL('../', import.meta.url));
const reference = fileURLToPath(new URL('../examples/clients/well-behaved.ts', import.meta.url));
// Declared as the example clients are, so that every scenario applies and runs.
const declaration = await loadDeclarationFile(fileURLToPath(new URL('../examples/clients/example-client.understudy.yaml', import.meta.url)));

const drivers: [string, string, () => Driver][] = [
  ['module', '3 s', () => moduleDriver({ file: reference })],
  ['command', '30 s', () => commandDriver({ command: `node ${JSON.stringify(reference)}`, cwd: root })],
];

console.log('contract suite against examples/clients/well-behaved.ts');
console.log('driver    scenarios  verdicts                       median wall time  target   runs');
for (const [name, target, create] of drivers) {
  const times: number[] = [];
  let summary = '';
  let count = 0;
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    const result = await runScenarios({ driver: create(), declaration });
    times.push(performance.now() - started);
    count = result.scenarios.length;
    const { passed, failed, errored, notExercised, notApplicable } = result.summary;
    summary = `${passed} pass, ${failed + errored} fail/error, ${notExercised + notApplicable} untested`;
  }
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] as number;
  console.log(
    `${name.padEnd(9)} ${String(count).padEnd(10)} ${summary.padEnd(30)} ${(median / 1000).toFixed(2).padStart(8)} s        < ${target.padEnd(6)} ${times.map((t) => (t / 1000).toFixed(2)).join(', ')} s`,
  );
}
