/** Why the demo story could not go on; callers can `switch (error.code)`. */
export type DemoErrorCode =
  /** The control API refused a call the story makes (the message carries its detail). */
  | 'CONTROL_REFUSED'
  /** The story wanted a client's token and the journal has none. */
  | 'NO_TOKEN';

/** Why the demo story could not go on. */
export class DemoError extends Error {
  readonly code: DemoErrorCode;

  constructor(code: DemoErrorCode, message: string) {
    super(message);
    this.name = 'DemoError';
    this.code = code;
  }
}
