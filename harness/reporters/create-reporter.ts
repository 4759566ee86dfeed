import { HarnessError } from '../errors.ts';
import { jsonReporter } from './json-reporter.ts';
import { junitReporter } from './junit-reporter.ts';
import { prettyReporter } from './pretty-reporter.ts';
import type { Reporter } from './reporter.ts';
import type { ReportStream } from './report-stream.ts';

/** The reporters `--reporter` names. */
export const REPORTER_NAMES = ['pretty', 'json', 'junit'] as const;

/** A built-in reporter name (`pretty`, `json`, `junit`), as `--reporter` and `createReporter()` accept. */
export type ReporterName = (typeof REPORTER_NAMES)[number];

export interface CreateReporterOptions {
  /** json and junit: write the report to this file. pretty writes to a stream only. */
  out?: string;
  /** Where to write when there is no `out`. Default: `process.stdout`. */
  stream?: ReportStream;
}

/** Is `name` one of the built-in reporters? */
export function isReporterName(name: string): name is ReporterName {
  return (REPORTER_NAMES as readonly string[]).includes(name);
}

/**
 * A built-in reporter by name, the way `--reporter` picks it; a Reporter object passed in code
 * goes through the same `runScenarios({ reporters })` path.
 * @throws HarnessError USAGE for an unknown name, or `out` given to pretty.
 */
export function createReporter(name: string, options: CreateReporterOptions = {}): Reporter {
  if (!isReporterName(name)) {
    throw new HarnessError('USAGE', `unknown reporter "${name}"; use one of ${REPORTER_NAMES.join(', ')}`);
  }
  switch (name) {
    case 'pretty':
      if (options.out !== undefined) throw new HarnessError('USAGE', 'the pretty reporter writes to a stream (stdout); "out" is for the json and junit reporters');
      return prettyReporter({ stream: options.stream });
    case 'json':
      return jsonReporter(options);
    case 'junit':
      return junitReporter(options);
  }
}
