import type { ExpectationResult } from '../expectations/judge.ts';
import type { ScenarioResult } from '../runner/run-scenario.ts';
import type { Reporter, RunResult } from './reporter.ts';
import { displayPath, failedExpectations, isUntested, scenarioArea, writeReportFile, type ReportStream } from './report-stream.ts';
import { xmlAttributes, xmlText } from './xml.ts';

export interface JunitReporterOptions {
  /** Write the report to this file (its folder is created). */
  out?: string;
  /** Else write it to this stream. Default: `process.stdout`. */
  stream?: ReportStream;
  /** The name of the run's testsuite. Default: "understudy". */
  suiteName?: string;
  /** Scenario files are given relative to this folder. Default: `process.cwd()`. */
  cwd?: string;
}

/** Journal lines a failed or errored testcase carries in system-out, at most. */
const JOURNAL_LIMIT = 200;

/**
 * JUnit XML in the shape CI systems read (Jenkins, GitLab, GitHub test-report actions): one
 * testsuite for the run, one testcase per scenario (classname = its area, e.g. "caching").
 * A failed `must` expectation is a <failure> whose body is the explanation and the journal
 * evidence; a scenario that could not be judged is an <error>; one not exercised or not
 * applicable is <skipped> with the reason; `should` failures leave the testcase passed and are
 * noted in <system-out>, with the client's log.
 */
export function formatJunit(result: RunResult, options: Pick<JunitReporterOptions, 'suiteName' | 'cwd'> = {}): string {
  const name = options.suiteName ?? 'understudy';
  const cwd = options.cwd ?? process.cwd();
  const counts = {
    tests: result.scenarios.length,
    // Counted from the testcases, so the XML agrees with itself whatever the summary says.
    failures: result.scenarios.filter((s) => s.verdict === 'fail').length,
    errors: result.scenarios.filter((s) => s.verdict === 'error').length,
    skipped: result.scenarios.filter(isUntested).length,
    time: seconds(result.summary.durationMs),
  };
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${xmlAttributes({ name, ...counts })}>`,
    `  <testsuite${xmlAttributes({ name, ...counts })}>`,
    ...result.scenarios.flatMap((scenario) => formatTestcase(scenario, cwd)),
    '  </testsuite>',
    '</testsuites>',
  ];
  return `${lines.join('\n')}\n`;
}

function formatTestcase(result: ScenarioResult, cwd: string): string[] {
  const attributes = xmlAttributes({
    classname: scenarioArea(result),
    name: result.name,
    time: seconds(result.durationMs),
    file: result.file === undefined ? undefined : displayPath(result.file, cwd),
  });
  const children: string[] = [];
  if (result.verdict === 'fail') {
    const failed = failedExpectations(result, 'must');
    const message = failed.map((e) => `${e.name}: ${e.explanation}`).join('\n');
    const body = [`What it checks: ${result.intent}`, ...failed.flatMap((e) => ['', ...describeExpectation(e)])].join('\n');
    children.push(`<failure${xmlAttributes({ message, type: 'expectation' })}>${xmlText(body)}</failure>`);
  } else if (result.verdict === 'error') {
    const message = result.error ?? 'the scenario could not be judged';
    children.push(`<error${xmlAttributes({ message, type: 'error' })}>${xmlText(`What it checks: ${result.intent}\n\n${message}`)}</error>`);
  } else if (isUntested(result)) {
    // Neither a pass nor a failure: CI systems show a skipped test with its message.
    children.push(`<skipped${xmlAttributes({ message: `${result.verdict.replace('-', ' ')}: ${result.reason ?? ''}`.trim() })}/>`);
  }
  const out = systemOut(result);
  if (out) children.push(`<system-out>${xmlText(out)}</system-out>`);
  if (children.length === 0) return [`    <testcase${attributes}/>`];
  return [`    <testcase${attributes}>`, ...children.map((child) => `      ${child}`), '    </testcase>'];
}

/** Warnings (`should` failures), the client's log, and for a failed or errored scenario its journal. */
function systemOut(result: ScenarioResult): string {
  const sections: string[] = [];
  const warned = failedExpectations(result, 'should');
  if (warned.length > 0) {
    sections.push(['Warnings (should expectations; they do not fail the scenario):', ...warned.flatMap((e) => ['', ...describeExpectation(e)])].join('\n'));
  }
  if (result.clientLog.length > 0) sections.push(['Client log (last lines):', ...result.clientLog.map((line) => `  ${line}`)].join('\n'));
  if ((result.verdict === 'fail' || result.verdict === 'error' || result.verdict === 'not-exercised') && result.journal.length > 0) {
    const shown = result.journal.slice(0, JOURNAL_LIMIT).map((line) => `  ${line}`);
    if (result.journal.length > JOURNAL_LIMIT) shown.push(`  ... and ${result.journal.length - JOURNAL_LIMIT} more`);
    sections.push(['Journal (every request the server saw):', ...shown].join('\n'));
  }
  return sections.join('\n\n');
}

function describeExpectation(expectation: ExpectationResult): string[] {
  return [
    `${expectation.name} (${expectation.level}, rule "${expectation.rule}")`,
    `  ${expectation.explanation}`,
    ...(expectation.evidence.length === 0 ? ['  Journal: no request is relevant to this check.'] : ['  Journal evidence:', ...expectation.evidence.map((line) => `    ${line}`)]),
  ];
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** Writes the run as JUnit XML when it ends, to a file (for CI) or a stream. */
export function junitReporter(options: JunitReporterOptions = {}): Reporter {
  return {
    async onRunEnd(result: RunResult) {
      const xml = formatJunit(result, options);
      if (options.out !== undefined) await writeReportFile(options.out, xml);
      else (options.stream ?? process.stdout).write(xml);
    },
  };
}
