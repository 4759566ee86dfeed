import { CommanderError } from 'commander';
import { CliError, EXIT, type ExitCode } from './exit-codes.ts';
import { createProgram } from './program.ts';

/**
 * Runs the CLI on `argv` (process.argv shape: node, script, ...args) and returns the exit code
 * instead of exiting, so the caller decides when the process ends.
 */
export async function runCli(argv: readonly string[]): Promise<ExitCode> {
  try {
    await createProgram().parseAsync([...argv]);
    return EXIT.ok;
  } catch (error) {
    return reportError(error);
  }
}

function reportError(error: unknown): ExitCode {
  if (error instanceof CommanderError) {
    // Commander has printed the message (or the help / version) already.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof CliError) {
    process.stderr.write(`understudy: ${error.message}\n`);
    if (error.details) process.stderr.write(error.details.endsWith('\n') ? error.details : `${error.details}\n`);
    return error.exitCode;
  }
  // Not an expected failure: a bug, so show where it happened.
  process.stderr.write(`understudy: unexpected error\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return EXIT.failure;
}
