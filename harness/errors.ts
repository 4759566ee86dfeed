/** Why the harness could not do what it was asked; `code` lets callers switch on it. */
export type HarnessErrorCode =
  /** A scenario file does not match the schema. */
  | 'SCENARIO_INVALID'
  /** No scenario matches the names, tags or globs given. */
  | 'SCENARIO_NOT_FOUND'
  /** The client could not be started (command not found, module without createClient...). */
  | 'CLIENT_START_FAILED'
  /** Options that do not fit together. */
  | 'USAGE';

/**
 * The error the harness throws when it cannot do what it was asked (a scenario file that does not
 * validate, no scenario selected, a client that cannot start, options that clash); catch it and
 * `switch (err.code)` instead of parsing the message.
 */
export class HarnessError extends Error {
  readonly code: HarnessErrorCode;

  constructor(code: HarnessErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HarnessError';
    this.code = code;
  }
}
