import type { Reporter, RunResult } from './reporter.ts';
import { writeReportFile, type ReportStream } from './report-stream.ts';

export interface JsonReporterOptions {
  /** Write the report to this file (its folder is created). */
  out?: string;
  /** Else write it to this stream. Default: `process.stdout`. */
  stream?: ReportStream;
}

/** The `RunResult` as JSON, exactly: the machine-readable contract of a run. */
export function formatJson(result: RunResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

/** Writes the whole `RunResult` as JSON when the run ends; nothing before. */
export function jsonReporter(options: JsonReporterOptions = {}): Reporter {
  return {
    async onRunEnd(result: RunResult) {
      const text = formatJson(result);
      if (options.out !== undefined) await writeReportFile(options.out, text);
      else (options.stream ?? process.stdout).write(text);
    },
  };
}
