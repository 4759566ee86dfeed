/** Process exit codes of the `understudy` CLI. */
export const EXIT = {
  /** The command did what was asked. */
  ok: 0,
  /** The command ran but failed: no server, a refused token request, an HTTP error. */
  failure: 1,
  /** The command cannot run as given: a bad flag value, an invalid configuration, a port in use. */
  usage: 2,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Why a CLI command stopped; callers can `switch (error.code)`. */
export type CliErrorCode =
  /** A flag or argument has a value the command cannot use. */
  | 'INVALID_ARGUMENT'
  /** The server could not start: invalid configuration, or it could not listen. */
  | 'STARTUP_FAILED'
  /** Nothing answers at the URL given to a client command. */
  | 'NO_SERVER'
  /** The server answered, but not with what the command needed (an OAuth error, a non-understudy server). */
  | 'REQUEST_FAILED'
  /** The server stopped, but not cleanly (e.g. the journal file could not be written). */
  | 'SHUTDOWN_FAILED'
  /** `understudy run` judged the client: some scenario failed or could not be judged. */
  | 'SCENARIOS_FAILED';

/**
 * An expected failure of a command. The CLI prints `message` (no stack trace) to stderr, then
 * `details` as-is (e.g. the server's error body), and exits with `exitCode`.
 */
export class CliError extends Error {
  readonly code: CliErrorCode;
  readonly exitCode: ExitCode;
  readonly details: string | undefined;

  constructor(code: CliErrorCode, message: string, options: { exitCode?: ExitCode; details?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'CliError';
    this.code = code;
    this.exitCode = options.exitCode ?? (code === 'INVALID_ARGUMENT' || code === 'STARTUP_FAILED' ? EXIT.usage : EXIT.failure);
    this.details = options.details;
  }
}
