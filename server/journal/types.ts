/** Which face of the server a request reached. */
export type Endpoint = 'token' | 'api' | 'jwks' | 'discovery' | 'introspect' | 'revoke' | 'authorize' | 'login' | 'consent' | 'userinfo' | 'logout' | 'other';

export const ENDPOINTS: readonly Endpoint[] = ['token', 'api', 'jwks', 'discovery', 'introspect', 'revoke', 'authorize', 'login', 'consent', 'userinfo', 'logout', 'other'];

/**
 * A step of a person's sign-in that a request took (authorize, login, consent, logout, and the
 * token request that redeems the code), for the journal and the dashboard's sequence view.
 */
export type InteractionStep =
  /** The authorization request needs a login: the browser was sent to the login page. */
  | 'login_required'
  | 'login_shown'
  | 'login_succeeded'
  | 'login_failed'
  | 'consent_required'
  | 'consent_shown'
  | 'consent_given'
  | 'consent_denied'
  | 'code_issued'
  | 'code_redeemed'
  | 'signed_out';

/** The query parameter a contract harness tags each unit of work's API calls with (journaled as `unit`). */
export const UNIT_PARAMETER = 'understudy_unit';

/** What the server decided for a request. */
export type Decision =
  /** A token was issued. */
  | 'issued'
  /** The request was refused with an error (OAuth error, 401/403 from the API, 404...). */
  | 'rejected'
  /** The API accepted the token and answered. */
  | 'allowed'
  /** A metadata or key document was served, or an introspection/revocation was answered. */
  | 'served';

/** A token as the journal shows it: never the full value, only what identifies it. */
export interface TokenSummary {
  jti: string;
  clientId?: string;
  iat?: number;
  exp?: number;
  kid?: string;
  /**
   * Issued tokens: `expires_in` exactly as the token response sent it, after any fault tweak (a
   * number, or a string when a fault sent one); absent when the response carried none. With the
   * entry's `endTime` it is what the client was told about the token's life.
   */
  expiresIn?: number | string;
}

/**
 * One request the server answered: what it was, what the server decided and why. Assertions,
 * the dashboard and reports all read these, never the server's internals.
 */
export interface JournalEntry {
  /** Monotonic sequence number, a cursor for `since`. */
  seq: number;
  /** Virtual time of the request, epoch seconds with millisecond precision. */
  time: number;
  /** Real (wall-clock) time, ISO 8601. */
  realTime: string;
  endpoint: Endpoint;
  method: string;
  path: string;
  /** HTTP status sent; 0 when the connection ended before any status was sent (`transport` says how). */
  status: number;
  durationMs: number;
  /**
   * Virtual time the exchange ended (the answer was complete, or the connection dropped), epoch
   * seconds: `time` and `endTime` are on one clock, whatever speed it runs at.
   */
  endTime: number;
  /** Client id, from authentication, the token presented, or the request. */
  clientId?: string;
  /** The user the request acted for: who logged in, consented, got a code or a token, or signed out. */
  user?: string;
  /** The sign-in step this request was (browser flows and code redemption). */
  interaction?: InteractionStep;
  /**
   * The authorization grant the request belongs to: one sign-in (its authorization request, login,
   * consent, code and redemption) and every refresh that continues it share one id.
   */
  grant?: string;
  grantType?: string;
  /** Scope requested (token endpoint) or required (API route). */
  scope?: string;
  /** Scope granted in the issued token. */
  grantedScope?: string;
  /** OAuth / RFC 6750 error code of the response, if any. */
  error?: string;
  /** The token issued by this request. */
  issued?: TokenSummary;
  /** The token presented with this request (API calls, introspection, revocation). */
  presented?: TokenSummary;
  /**
   * The unit of work a contract harness tagged the request with: the `understudy_unit` query
   * parameter it adds to the API path it hands the client.
   */
  unit?: number;
  /** Seconds a 429's Retry-After told the client to wait. */
  retryAfter?: number;
  /** API route name, for API calls. */
  route?: string;
  /** Names (lower-case) of the request headers, so required-header rules can be judged. */
  requestHeaders: string[];
  /** Names of the form parameters of a token request (never their values). */
  params?: string[];
  /**
   * Authorization requests: what the client sent that a contract rule looks at, with the values
   * that must be fresh per request as fingerprints (see {@link fingerprint}), never as they were.
   */
  authorization?: AuthorizationFacts;
  /**
   * Token requests: fingerprints of the code, refresh token or assertion presented, and of the
   * refresh token issued, so a judge can tell a rotated refresh token or a spent code presented again.
   */
  credentials?: CredentialFacts;
  decision: Decision;
  /** Why: one human sentence. */
  reason: string;
  /** Remote address of the caller. */
  remoteAddress?: string;
  /** Fault rules that touched this request, in the order they acted. */
  faults?: FaultNote[];
  /** The request broke a rule the server had set, e.g. came before Retry-After had passed. */
  violation?: { kind: 'retry_after'; rule: string; earlyBySeconds: number };
  /**
   * How the exchange ended when no ordinary answer was sent: the connection was reset or
   * closed empty, the body was cut, or the client gave up waiting (status is then 0).
   */
  transport?: 'reset' | 'empty_reply' | 'truncated' | 'abandoned';
}

/** What an authorization request carried (RFC 6749 §4.1.1, RFC 7636 §4.3, OpenID Connect Core §3.1.2.1). */
export interface AuthorizationFacts {
  /** Fingerprint of `state`; absent when the request had none. */
  state?: string;
  /** Fingerprint of `code_challenge`. */
  codeChallenge?: string;
  /** `code_challenge_method` as sent (at most 20 characters); absent when none was sent (RFC 7636 §4.3: plain). */
  codeChallengeMethod?: string;
  /** Fingerprint of `nonce`. */
  nonce?: string;
  /** `prompt` as sent (at most 60 characters). */
  prompt?: string;
}

/** Fingerprints of what a token request presented and was issued. */
export interface CredentialFacts {
  /** The authorization code presented. */
  code?: string;
  /** The refresh token presented. */
  refreshToken?: string;
  /** The refresh token issued by this request, and its expiry (epoch seconds, virtual clock). */
  issuedRefreshToken?: { fingerprint: string; exp: number };
  /** The JWT user assertion presented (RFC 7523 §2.1), with its claims as sent (unverified). */
  assertion?: { fingerprint: string; jti?: string; iat?: number; exp?: number };
}

/** A fault rule that touched a request, and what it did. */
export interface FaultNote {
  rule: string;
  preset?: string;
  action: string;
  /** What it did to this request, in one phrase. */
  effect: string;
}

export type JournalEntryInput = Omit<JournalEntry, 'seq'>;

/** Narrows `journal.entries()` / `snapshot()` (and the control API's GET /journal); every field given must match. */
export interface JournalQuery {
  /** Only entries with `seq` greater than this. */
  since?: number;
  /** Only entries at or after this virtual time (epoch seconds). */
  after?: number;
  /** Only entries for one of these endpoints. */
  endpoint?: Endpoint[];
  /** Only entries whose `clientId` is this. */
  client?: string;
}
