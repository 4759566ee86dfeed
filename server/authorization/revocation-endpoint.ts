import type { ServerContext } from '../context.ts';
import type { HttpContext } from '../http/types.ts';
import { readUnverified, verifyAccessToken } from '../resource/verify-access-token.ts';
import { readFormRequest } from './form-request.ts';
import { authenticateCaller, requireToken } from './introspection-endpoint.ts';
import { OAuthError } from './oauth-error.ts';
import { sendJson, withOAuthErrors } from './respond.ts';

/**
 * RFC 7009 revocation. §2.2: the answer is 200 whether or not the token was valid, so a
 * client cannot probe tokens; a token of another client is refused (§2.1).
 */
export function revocationEndpoint(server: ServerContext) {
  return (ctx: HttpContext) =>
    withOAuthErrors(ctx, server, async () => {
      const params = await readFormRequest(ctx, server.config.server.maxBodyBytes);
      const client = await authenticateCaller(ctx, server, params);
      const token = requireToken(params);
      const hint = params.get('token_type_hint');
      if (hint !== undefined && hint !== 'access_token' && hint !== 'refresh_token') {
        throw new OAuthError('unsupported_token_type', `token_type_hint ${hint} is not supported; use access_token or refresh_token`);
      }
      const entry = ctx.state.entry;
      const result = await verifyAccessToken(token, server);
      const claims = result.ok ? result.claims : readUnverified(token);
      if (result.ok) {
        if (result.claims.client_id !== client.id) {
          throw new OAuthError('unauthorized_client', 'the token was not issued to this client', {
            reason: `client ${client.id} tried to revoke a token of ${String(result.claims.client_id)}`,
          });
        }
        server.revocations.revokeJti(result.claims.jti as string, result.claims.exp as number, server.clock.nowSeconds());
        entry.reason = `revoked token ${String(result.claims.jti)}`;
      } else {
        entry.reason = `nothing to revoke: ${result.description}`;
      }
      if (typeof claims?.jti === 'string') entry.presented = { jti: claims.jti };
      entry.decision = 'served';
      sendJson(ctx, server, '');
    });
}
