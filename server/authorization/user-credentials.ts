import { timingSafeEqual } from 'node:crypto';
import type { ResolvedUser } from '../config/types.ts';
import { digest } from './client-registry.ts';

/**
 * The configured user these credentials name, if the password is theirs (the login page and the
 * password grant). Digests are compared, so a wrong password and an unknown user take the same time.
 */
export function checkUserPassword(users: readonly ResolvedUser[], username: string, password: string): ResolvedUser | undefined {
  const user = users.find((u) => u.username === username);
  const ok = timingSafeEqual(digest(user?.password ?? '\u0000'), digest(password));
  return ok ? user : undefined;
}
