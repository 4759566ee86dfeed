import { fingerprint } from '../journal/fingerprint.ts';
import type { AuthorizationContext } from './authorization-context.ts';
import type { HttpContext } from '../http/types.ts';
import { readUnverified, verifyAccessToken } from '../tokens/index.ts';
import { readFormRequest } from './form-request.ts';
import { authenticateCaller, requireToken } from './introspection-endpoint.ts';
import { OAuthError } from '../profiles/oauth-error.ts';
import { sendJson, withOAuthErrors } from './respond.ts';

/**
 * RFC 7009 revocation of access and refresh tokens.
 *
 * - §2.1: `token_type_hint` only says where to look first; this server tells the two kinds apart
 *   by their shape, so any hint, known or not, finds the token.
 * - §2.1: revoking a refresh token revokes its grant: every refresh token of it and the access
 *   tokens issued with them. Revoking an access token revokes that token only (the §2.1 MAY).
 * - §2.1: another client's token is refused (400 invalid_request, as oidc-provider answers) and
 *   never revoked. Whose a token is comes from the token itself (its client_id claim) or from the
 *   record of a refresh token in any state, so the answer says whose it is, never whether it is
 *   still live (docs/research/idcs-wire.md §6a).
 * - §2.2: an unknown, malformed, expired or already revoked token of the caller is 200 all the same.
 */
export function revocationEndpoint(server: AuthorizationContext) {
  return (ctx: HttpContext) =>
    withOAuthErrors(ctx, server, async () => {
      const params = await readFormRequest(ctx, server.config.server.maxBodyBytes);
      const client = await authenticateCaller(ctx, server, params);
      const token = requireToken(params);
      const entry = ctx.state.entry;
      const now = server.clock.nowSeconds();
      entry.decision = 'served';

      const refresh = server.refreshTokens.lookup(token, now);
      if (refresh.status !== 'unknown') {
        refuseForeign(client.id, refresh.record.clientId, 'refresh token');
        const accessTokens = server.refreshTokens.revokeGrant(refresh.record.grantId, now);
        // The dashboard ends the grant's refresh-token bars here.
        entry.grant = refresh.record.grantId;
        entry.credentials = { refreshToken: fingerprint(token) };
        for (const { jti, exp } of accessTokens) server.revocations.revokeJti(jti, exp, now);
        entry.reason = `revoked the refresh token's grant: its refresh tokens and ${accessTokens.length} access token${accessTokens.length === 1 ? '' : 's'}`;
        sendJson(ctx, server, '');
        return;
      }

      const claims = readUnverified(token);
      if (typeof claims?.jti === 'string') entry.presented = { jti: claims.jti };
      if (typeof claims?.client_id === 'string') refuseForeign(client.id, claims.client_id, 'access token');
      const result = await verifyAccessToken(token, server);
      if (result.ok) {
        server.revocations.revokeJti(result.claims.jti as string, result.claims.exp as number, now);
        entry.reason = `revoked token ${String(result.claims.jti)}`;
      } else {
        entry.reason = `nothing to revoke: ${result.description}`;
      }
      sendJson(ctx, server, '');
    });
}

function refuseForeign(caller: string, owner: string, kind: string): void {
  if (owner === caller) return;
  throw new OAuthError('invalid_request', 'client is not authorized to revoke the presented token', {
    reason: `client ${caller} tried to revoke a ${kind} of ${owner}; nothing was revoked`,
  });
}
