import type { AuthorizationContext } from './authorization-context.ts';

/** What to revoke: one token by jti, or every token (access and refresh) of a client. */
export type RevokeTarget = { jti: string } | { clientId: string };

/** Server-side revocation, as an administrator would do it (control API and in-process API). */
export function revokeTokens(server: Pick<AuthorizationContext, 'clock' | 'revocations' | 'refreshTokens'>, target: RevokeTarget): void {
  const now = server.clock.nowSeconds();
  if ('jti' in target) {
    server.revocations.revokeJti(target.jti, Number.POSITIVE_INFINITY, now);
  } else {
    server.revocations.revokeClient(target.clientId, now);
    server.refreshTokens.revokeClient(target.clientId, now);
  }
}
