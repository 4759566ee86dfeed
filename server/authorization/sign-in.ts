/** The login tokens speak of (OpenID Connect Core §2): who, when, which session. */
export interface SignInFacts {
  username: string;
  /** Virtual time of the login (`auth_time`). */
  authTime: number;
  sid: string;
  /** When that login session ends. */
  sessionExp: number;
}
