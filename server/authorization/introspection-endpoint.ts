import type { AuthorizationContext } from './authorization-context.ts';
import type { HttpContext } from '../http/types.ts';
import { verifyAccessToken } from '../tokens/index.ts';
import { authenticateRequest } from './authenticate-request.ts';
import { readFormRequest } from './form-request.ts';
import { OAuthError } from '../profiles/oauth-error.ts';
import { sendJson, withOAuthErrors } from './respond.ts';

/** Client authentication for introspection and revocation: the same rules as the token endpoint. */
export async function authenticateCaller(ctx: HttpContext, server: AuthorizationContext, params: Map<string, string>) {
  return (await authenticateRequest(ctx, server, params)).client;
}

export function requireToken(params: Map<string, string>): string {
  const token = params.get('token');
  if (!token) throw new OAuthError('invalid_request', 'missing required parameter token');
  return token;
}

/**
 * RFC 7662 introspection of the tokens this server issued. Any authenticated client may ask; a
 * public client, which proves nothing but its id, only of its own tokens (oidc-provider's
 * introspectionAllowedPolicy; RFC 7662 §4). An expired, revoked, foreign or garbled token is
 * simply `{"active": false}` (§2.2).
 */
export function introspectionEndpoint(server: AuthorizationContext) {
  return (ctx: HttpContext) =>
    withOAuthErrors(ctx, server, async () => {
      const params = await readFormRequest(ctx, server.config.server.maxBodyBytes);
      const caller = await authenticateCaller(ctx, server, params);
      const token = requireToken(params);
      const verified = await verifyAccessToken(token, server);
      const result: typeof verified =
        verified.ok && caller.authMethod === 'none' && verified.claims.client_id !== caller.id
          ? { ok: false, description: `a public client may introspect only its own tokens; this one is ${String(verified.claims.client_id)}'s` }
          : verified;
      const entry = ctx.state.entry;
      entry.decision = 'served';
      const claims = result.ok ? result.claims : result.unverified;
      if (typeof claims?.jti === 'string') entry.presented = { jti: claims.jti, exp: typeof claims.exp === 'number' ? claims.exp : undefined };
      if (!result.ok) {
        entry.reason = `token inactive: ${result.description}`;
        sendJson(ctx, server, { active: false });
        return;
      }
      entry.reason = 'token active';
      sendJson(ctx, server, server.profile.introspection(result.claims));
    });
}
