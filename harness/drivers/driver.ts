/**
 * How the harness makes a client integration do work. A driver starts the client with the
 * environment that points it at understudy, hands it units of work and collects its reports.
 */

/** One unit of work, as the command driver writes it on the client's stdin. */
export interface WorkRequest {
  id: number;
  op: 'work';
  method: string;
  /**
   * Path on the API, query included: the runner tags it with `understudy_unit=<id>`, e.g.
   * /hcmRestApi/resources/11.13.18.05/emps?understudy_unit=3; a client sends it as given.
   */
  path: string;
  /** Extra fields a scenario gives (e.g. a body); clients may ignore them. */
  body?: unknown;
}

/**
 * The sign-in operations, for clients that sign a person in (authorization code flow). The
 * harness plays the person, so the client needs no browser:
 * - `sign-in`: start one; the client answers with the authorization URL it would send the
 *   browser to (`url`), keeping its state, nonce and PKCE verifier for the callback;
 * - `callback`: the browser came back to the client's redirect URI at `url` (with a code and
 *   state, or an error): handle it as the redirect endpoint would (check it, redeem the code) and
 *   report whether the person is now signed in (`ok`, and `subject`: who, per the ID token);
 * - `sign-out`: sign the person out; answer with the URL the browser must visit to end the
 *   authorization server's session too (`url`, RP-initiated logout), or without one.
 */
export interface SignInRequest {
  id: number;
  op: 'sign-in' | 'sign-out';
}

export interface CallbackRequest {
  id: number;
  op: 'callback';
  /** The redirect URI as the browser was sent to it, query (or fragment) included. */
  url: string;
}

/** Anything the harness hands a client: a unit of work or a sign-in operation. */
export type ClientRequest = WorkRequest | SignInRequest | CallbackRequest;

/** What the client says about a unit of work. */
export interface WorkResult {
  id: number;
  ok: boolean;
  /** HTTP status of the API call, when the client got one. */
  status?: number;
  error?: string;
  /** sign-in and sign-out: the URL the browser goes to. */
  url?: string;
  /** callback: who is signed in, as the client read it from the ID token (or userinfo). */
  subject?: string;
  /**
   * The unit failed because the client needs the person to sign in (again): its refresh token
   * was refused, or it never had one. A report, not an error of the client.
   */
  needsSignIn?: boolean;
  /** Set by the driver, never by the client: no report came within the unit's timeout. */
  timedOut?: boolean;
  /** Milliseconds from handing the unit over to the report, on the client's clock (fake time for in-process clients on fake timers). */
  elapsedMs: number;
}

/** What the client is told: where understudy is and how to authenticate. */
export interface ClientEnvironment {
  tokenUrl: string;
  issuer: string;
  jwksUrl: string;
  discoveryUrl: string;
  clientId: string;
  clientSecret: string;
  scope: string;
  apiUrl: string;
  /** Headers the integration is configured to send on token requests / API calls. */
  tokenHeaders: Record<string, string>;
  apiHeaders: Record<string, string>;
  /** The request timeout the client declared (UNDERSTUDY_TIMEOUT_MS); absent when it declared none. */
  requestTimeoutMs?: number;
  /** A configured user the scenario signs in as (UNDERSTUDY_USERNAME / UNDERSTUDY_PASSWORD), for the password grant. */
  username?: string;
  password?: string;
  /** Authorization code clients: where to send the browser, and the redirect URI to use. */
  authorizationUrl?: string;
  redirectUri?: string;
  /** OpenID Connect: the userinfo and RP-initiated logout endpoints, and where logout returns. */
  userinfoUrl?: string;
  endSessionUrl?: string;
  postLogoutRedirectUri?: string;
  /**
   * JWT user assertion clients (RFC 7523 §2.1): the private key (PKCS #8 PEM, RS256) to sign
   * assertions with and its `kid`, registered for the client on the scenario's server.
   */
  assertionKey?: string;
  assertionKid?: string;
  /** Scenario-defined variables, already templated. */
  variables: Record<string, string>;
}

/** A running client. */
export interface ClientSession {
  /** Hands over one unit or sign-in operation and resolves with the client's report (or a timeout / crash report). */
  work(request: ClientRequest, timeoutMs: number): Promise<WorkResult>;
  /** Asks the client to finish (EOF / close) and waits for it; never throws. */
  close(timeoutMs: number): Promise<ClientExit>;
  /** The client's own log lines (stdout that is not a report, and stderr). */
  readonly log: readonly string[];
  /** Set when the client turned out not to be runnable at all (e.g. the shell's "command not found"). */
  readonly startFailure?: string;
}

/** How a client process ended, as `ClientSession.close()` reports it and `exitCode` expectations judge it. */
export interface ClientExit {
  /** Exit code; null when there is none (ended by a signal, never started, or a client the harness does not own, e.g. over HTTP). */
  code: number | null;
  /** The signal that ended it, e.g. "SIGKILL". */
  signal?: string | null;
  /** The client had to be killed because it did not exit in time. */
  killed?: boolean;
}

/**
 * Time shared by the scenario's server and an in-process client (fake timers): the server's
 * clock follows it, `advance` steps move both, and `wait` steps pass in fake time. A driver that
 * provides it makes its scenarios run one at a time (the fake timers are process-wide).
 */
export interface TimeControl {
  /** Installs the fake timers; called before the scenario's server is created. */
  install(): void;
  /** Milliseconds since the epoch in the shared (fake) time; the server's clock reads it. */
  now(): number;
  /** Moves the shared time by `ms`, firing the client's due timers. */
  advance(ms: number): Promise<void>;
  /** Restores the real timers. */
  uninstall(): void;
}

/** Drives one kind of client. `start` may throw a HarnessError (e.g. the command does not exist). */
export interface Driver {
  readonly kind: 'command' | 'http' | 'module';
  /** Describes the client for reports, e.g. the command line. */
  readonly label: string;
  /** Present when the client runs on fake timers shared with the server. */
  readonly time?: TimeControl;
  /** Most scenarios this driver can run at once (e.g. 1 for one shared integration). */
  readonly maxParallel?: number;
  start(env: ClientEnvironment, hooks: DriverHooks): Promise<ClientSession>;
  /** run-to-completion scenarios: run the program once, without the protocol, and report its exit. */
  runToCompletion?(env: ClientEnvironment, timeoutMs: number): Promise<{ exit: ClientExit; log: string[] }>;
}

/** What a driver may need from the run: the shared virtual clock for in-process clients. */
export interface DriverHooks {
  /** Virtual now in epoch ms of the scenario's server. */
  now(): number;
  /** Requests the server holds unanswered (hang faults): a fake-time client waiting on one may be moved on to its timeout. */
  hungRequests?(): number;
}
