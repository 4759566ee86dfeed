import { randomBytes } from 'node:crypto';

/** A person signed in to the login page: what the browser's session cookie names. */
export interface LoginSession {
  /** What the browser's cookie holds: a secret, never put in a token. */
  cookie: string;
  /** The session's public id, as ID tokens name it (IDCS: 32 hex, a colon, 6 hex). */
  sid: string;
  username: string;
  /** Virtual time of the login (OIDC `auth_time`). */
  authTime: number;
  exp: number;
}

/**
 * Browser sessions, on the virtual clock: the cookie carries only the id and no Expires (a
 * browser would judge it by real time), so a session ends when the virtual clock says so.
 */
export class SessionStore {
  #sessions = new Map<string, LoginSession>();
  readonly #max: number;

  constructor(max = 10_000) {
    this.#max = max;
  }

  create(username: string, now: number, ttl: number): LoginSession {
    if (this.#sessions.size >= this.#max) this.#prune(now);
    const id = randomBytes(19).toString('hex');
    const session: LoginSession = { cookie: randomBytes(24).toString('base64url'), sid: `${id.slice(0, 32)}:${id.slice(32)}`, username, authTime: now, exp: now + ttl };
    this.#sessions.set(session.cookie, session);
    return session;
  }

  /** The live session a cookie names, if any (an expired one is forgotten). */
  get(cookie: string | undefined, now: number): LoginSession | undefined {
    if (cookie === undefined) return undefined;
    const session = this.#sessions.get(cookie);
    if (session && session.exp <= now) {
      this.#sessions.delete(cookie);
      return undefined;
    }
    return session;
  }

  /** Is this session still live (not ended, not expired)? */
  isLive(session: LoginSession, now: number): boolean {
    return session.exp > now && this.#sessions.get(session.cookie) === session;
  }

  end(cookie: string): LoginSession | undefined {
    const session = this.#sessions.get(cookie);
    this.#sessions.delete(cookie);
    return session;
  }

  /** Ends every session of a user (control API, tests). */
  endUser(username: string): number {
    let ended = 0;
    for (const [cookie, session] of this.#sessions) if (session.username === username && this.#sessions.delete(cookie)) ended += 1;
    return ended;
  }

  #prune(now: number): void {
    for (const [cookie, session] of this.#sessions) if (session.exp <= now) this.#sessions.delete(cookie);
    for (const cookie of this.#sessions.keys()) {
      if (this.#sessions.size < this.#max * 0.9) break;
      this.#sessions.delete(cookie);
    }
  }
}
