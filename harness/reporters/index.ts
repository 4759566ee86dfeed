/** Reporters: hook objects `runScenarios({ reporters })` calls as a run goes. */
export { REPORT_VERSION, type Reporter, type RunResult, type RunSummary } from './reporter.ts';
export { createReporter, isReporterName, REPORTER_NAMES, type CreateReporterOptions, type ReporterName } from './create-reporter.ts';
export { prettyReporter, formatVerdictLine, formatScenarioBlock, formatSummary, type PrettyReporterOptions } from './pretty-reporter.ts';
export { jsonReporter, formatJson, type JsonReporterOptions } from './json-reporter.ts';
export { junitReporter, formatJunit, type JunitReporterOptions } from './junit-reporter.ts';
export type { ReportStream } from './report-stream.ts';
