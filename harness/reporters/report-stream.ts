import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, relative } from 'node:path';
import type { ExpectationResult } from '../expectations/judge.ts';
import type { ScenarioResult } from '../runner/run-scenario.ts';
import type { RunSummary } from './reporter.ts';

/**
 * Where a reporter writes: `process.stdout`, a file stream, or a test's collector. `isTTY` and
 * `columns` are read the way `process.stdout` has them (a live progress line, colours).
 */
export interface ReportStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Writes a whole report to `file`, creating its folder. */
export async function writeReportFile(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text, 'utf8');
}

/** `3 passed, 1 failed, 0 errored, 2 not exercised, 1 not applicable`: the summary line every report and the CLI print. */
export function formatCounts(summary: RunSummary): string {
  return `${summary.passed} passed, ${summary.failed} failed, ${summary.errored} errored, ${summary.notExercised} not exercised, ${summary.notApplicable} not applicable`;
}

/** Scenarios that say nothing about the client either way: not exercised, or not applicable. */
export function isUntested(result: ScenarioResult): boolean {
  return result.verdict === 'not-exercised' || result.verdict === 'not-applicable';
}

/** The expectations of a scenario that failed at `level`. */
export function failedExpectations(result: ScenarioResult, level: ExpectationResult['level']): ExpectationResult[] {
  return result.expectations.filter((e) => e.verdict === 'fail' && e.level === level);
}

/**
 * The area a scenario belongs to: the folder its file is in (`scenarios/caching/x.yaml` ->
 * "caching"), else its first tag that is not a `rule:` tag, else its first tag.
 */
export function scenarioArea(result: ScenarioResult): string {
  if (result.file) {
    const folder = basename(dirname(result.file));
    if (folder && folder !== '.') return folder;
  }
  return result.tags.find((tag) => !tag.startsWith('rule:')) ?? result.tags[0] ?? 'scenarios';
}

/** A scenario file as a reader finds it: relative to `cwd` when it is inside it. */
export function displayPath(file: string, cwd: string): string {
  const path = relative(cwd, file);
  return path && !path.startsWith('..') && !isAbsolute(path) ? path.replaceAll('\\', '/') : file;
}

/** `640 ms`, `4.4 s`, `2 min 5 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

export { plural } from '../expectations/judge-input.ts';
