import { stripVTControlCharacters, styleText } from 'node:util';
import type { ExpectationResult } from '../expectations/judge.ts';
import type { ScenarioResult } from '../runner/run-scenario.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { Reporter, RunResult } from './reporter.ts';
import { displayPath, failedExpectations, formatCounts, formatDuration, isUntested, plural, type ReportStream } from './report-stream.ts';

export interface PrettyReporterOptions {
  /** Where to write. Default: `process.stdout`. */
  stream?: ReportStream;
  /** Colours. Default: when the stream is a TTY and NO_COLOR is unset or empty (https://no-color.org). */
  color?: boolean;
  /** A "running 3/12: ..." line redrawn in place while scenarios run. Default: when the stream is a TTY. */
  live?: boolean;
  /** Scenario files are shown relative to this folder. Default: `process.cwd()`. */
  cwd?: string;
  /** How many of its last log lines an errored scenario shows. Default: 20. */
  clientLogLines?: number;
}

type Style = Parameters<typeof styleText>[0];

interface ResolvedPrettyOptions {
  stream: ReportStream;
  live: boolean;
  cwd: string;
  clientLogLines: number;
  paint: (style: Style, text: string) => string;
}

function resolvePrettyOptions(options: PrettyReporterOptions): ResolvedPrettyOptions {
  const stream = options.stream ?? process.stdout;
  const noColor = (process.env.NO_COLOR ?? '') !== '';
  const color = options.color ?? (stream.isTTY === true && !noColor);
  return {
    stream,
    live: options.live ?? stream.isTTY === true,
    cwd: options.cwd ?? process.cwd(),
    clientLogLines: options.clientLogLines ?? 20,
    // validateStream: false, since whether to colour was decided above, for this stream.
    paint: color ? (style, text) => styleText(style, text, { validateStream: false }) : (_style, text) => text,
  };
}

const MARK = { pass: '✓', fail: '✗', error: '!', warning: '⚠', 'not-exercised': '○', 'not-applicable': '–' } as const;

/**
 * The human reporter: a verdict line per scenario as it finishes (with a live progress line on a
 * terminal), then a readable block for every failed, errored, warned, not exercised or not
 * applicable scenario, and the summary line `N passed, N failed, N errored, N not exercised, N not
 * applicable`.
 */
export function prettyReporter(options: PrettyReporterOptions = {}): Reporter {
  const resolved = resolvePrettyOptions(options);
  const { stream, paint } = resolved;
  let total = 0;
  let started = 0;
  const running: string[] = [];
  let liveShown = false;

  const clearLive = () => {
    if (liveShown) stream.write('\r\x1b[2K');
    liveShown = false;
  };
  const drawLive = () => {
    if (!resolved.live || running.length === 0) return;
    const text = `running ${started}/${total || '?'}: ${running.join(', ')}...`;
    // A line that wraps cannot be cleared with \r; keep it inside the terminal's width.
    // A pty may report 0 columns: take 80 then.
    const width = Math.max(20, (stream.columns || 80) - 1);
    stream.write(`\r\x1b[2K${paint('dim', text.length > width ? `${text.slice(0, width - 3)}...` : text)}`);
    liveShown = true;
  };

  return {
    onRunStart(scenarios: readonly Scenario[]) {
      total = scenarios.length;
      stream.write(`Running ${plural(total, 'scenario')}\n\n`);
    },
    onScenarioStart(scenario: Scenario) {
      started++;
      running.push(scenario.name);
      drawLive();
    },
    onScenarioResult(result: ScenarioResult) {
      const index = running.indexOf(result.name);
      if (index !== -1) running.splice(index, 1);
      clearLive();
      stream.write(`${formatVerdictLine(result, paint)}\n`);
      drawLive();
    },
    onRunEnd(result: RunResult) {
      clearLive();
      const blocks = result.scenarios.map((scenario) => formatScenarioBlock(scenario, resolved)).filter((block) => block !== undefined);
      for (const block of blocks) stream.write(`\n${block}`);
      stream.write(`\n${formatSummary(result, paint)}`);
    },
  };
}

/** `✓ reuse-valid-token  491 ms`, with the number of warnings when a `should` failed, or the verdict when it is not a pass or a failure. */
export function formatVerdictLine(result: ScenarioResult, paint: ResolvedPrettyOptions['paint'] = (_s, t) => t): string {
  const marks: Record<ScenarioResult['verdict'], string> = {
    pass: paint('green', MARK.pass),
    fail: paint('red', MARK.fail),
    error: paint('yellow', MARK.error),
    'not-exercised': paint('cyan', MARK['not-exercised']),
    'not-applicable': paint('dim', MARK['not-applicable']),
  };
  const warnings = result.verdict === 'pass' ? failedExpectations(result, 'should').length : 0;
  const note =
    result.verdict === 'error'
      ? paint('yellow', '  (error)')
      : isUntested(result)
        ? paint('cyan', `  (${result.verdict.replace('-', ' ')})`)
        : warnings > 0
          ? paint('yellow', `  (${plural(warnings, 'warning')})`)
          : '';
  return `${marks[result.verdict]} ${result.name}  ${paint('dim', formatDuration(result.durationMs))}${note}`;
}

/**
 * What a newcomer needs to understand a failed, errored or warned scenario without knowing the
 * tool: what it checks, what went wrong, and the journal lines that show it. Undefined when
 * there is nothing to say (a clean pass).
 */
export function formatScenarioBlock(result: ScenarioResult, options: Pick<ResolvedPrettyOptions, 'cwd' | 'clientLogLines' | 'paint'>): string | undefined {
  const { paint } = options;
  const failed = failedExpectations(result, 'must');
  const warned = failedExpectations(result, 'should');
  if (result.verdict === 'pass' && warned.length === 0) return undefined;

  const headings: Record<ScenarioResult['verdict'], string> = {
    error: paint(['yellow', 'bold'], `${MARK.error} ERROR  ${result.name}`),
    fail: paint(['red', 'bold'], `${MARK.fail} FAILED  ${result.name}`),
    pass: paint(['yellow', 'bold'], `${MARK.warning} WARNING  ${result.name}`),
    'not-exercised': paint(['cyan', 'bold'], `${MARK['not-exercised']} NOT EXERCISED  ${result.name}`),
    'not-applicable': paint('bold', `${MARK['not-applicable']} NOT APPLICABLE  ${result.name}`),
  };
  const lines = [`${headings[result.verdict]}${result.file ? paint('dim', `  (${displayPath(result.file, options.cwd)})`) : ''}`];
  lines.push(`  What it checks: ${result.intent}`);
  if (result.verdict === 'not-applicable') {
    lines.push(`  Not run: ${indentRest(result.reason ?? 'the client does not do what the scenario is about', '  ')}.`);
    return `${lines.join('\n')}\n`;
  }
  if (result.verdict === 'not-exercised') {
    lines.push('  Neither a pass nor a failure: nothing gave the client a chance to break the rule.');
    for (const expectation of result.expectations.filter((e) => e.level === 'must' && (e.verdict === 'not-exercised' || e.verdict === 'not-applicable'))) {
      lines.push('', ...formatExpectation(expectation, paint));
    }
  }

  if (result.verdict === 'error') {
    lines.push('', `  The scenario could not be judged: ${indentRest(result.error ?? 'unknown error', '  ')}`);
    lines.push(...formatClientLog(result.clientLog.slice(-options.clientLogLines), paint, '  The client printed nothing.'));
  }
  for (const expectation of failed) lines.push('', ...formatExpectation(expectation, paint));
  for (const expectation of warned) lines.push('', ...formatExpectation(expectation, paint));
  // A failing client often says why (a stack trace, "command not found"); a passing one need not.
  if (result.verdict === 'fail' && result.clientLog.length > 0) lines.push('', ...formatClientLog(result.clientLog.slice(-options.clientLogLines), paint));
  return `${lines.join('\n')}\n`;
}

function formatClientLog(log: readonly string[], paint: ResolvedPrettyOptions['paint'], empty?: string): string[] {
  if (log.length === 0) return empty === undefined ? [] : [empty];
  // The client's own colours are dropped: they would fight ours, or break NO_COLOR.
  return [`  Last ${plural(log.length, 'line')} the client printed:`, ...log.map((line) => `    ${paint('dim', stripVTControlCharacters(line))}`)];
}

function formatExpectation(expectation: ExpectationResult, paint: ResolvedPrettyOptions['paint']): string[] {
  const must = expectation.level === 'must';
  const title =
    expectation.verdict === 'not-exercised' || expectation.verdict === 'not-applicable'
      ? paint('cyan', `  ${MARK[expectation.verdict]} ${expectation.verdict.replace('-', ' ')}: ${expectation.name}`)
      : must
        ? paint('red', `  ${MARK.fail} ${expectation.name}`)
        : paint('yellow', `  ${MARK.warning} warning: ${expectation.name}`);
  const level = must ? `must, rule "${expectation.rule}"` : `should, rule "${expectation.rule}"; a warning does not fail the run`;
  const lines = [`${title}  ${paint('dim', `(${level})`)}`, `    ${indentRest(expectation.explanation, '    ')}`];
  if (expectation.evidence.length === 0) {
    lines.push(`    ${paint('dim', 'Journal: no request is relevant to this check.')}`);
  } else {
    lines.push('    Journal (what the server saw):', ...expectation.evidence.map((line) => `      ${paint('dim', line)}`));
  }
  return lines;
}

/**
 * `3 passed, 1 failed, 0 errored, 2 not exercised, 1 not applicable` alone on its line (CI log
 * scanners read it), then the duration and the number of warnings.
 */
export function formatSummary(result: RunResult, paint: ResolvedPrettyOptions['paint'] = (_s, t) => t): string {
  const warnings = result.scenarios.reduce((sum, scenario) => sum + failedExpectations(scenario, 'should').length, 0);
  const lines = [formatCounts(result.summary), paint('dim', `Duration ${formatDuration(result.summary.durationMs)}`)];
  if (warnings > 0) lines.push(paint('yellow', `${plural(warnings, 'warning')} (should expectations; they do not fail the run)`));
  return `${lines.join('\n')}\n`;
}

function indentRest(text: string, indent: string): string {
  return text.replaceAll('\n', `\n${indent}`);
}
