import type { AuthorizationContext, AuthorizationHttpContext } from '../authorization-context.ts';
import { bearerChallenge, type BearerError } from '../../http/bearer-challenge.ts';
import { parseBearer } from '../../http/authorization-header.ts';
import { noStoreHeaders } from '../../profiles/shared.ts';
import { verifyAccessToken } from '../../tokens/index.ts';

/**
 * OpenID Connect Core §5.3 UserInfo: GET or POST with a Bearer access token that carries
 * `openid` and is a user's; refusals are RFC 6750 §3 challenges, as a resource server's.
 */
export function userinfoEndpoint(server: AuthorizationContext) {
  return async (ctx: AuthorizationHttpContext) => {
    const entry = ctx.state.entry;
    const refuse = (status: number, error: BearerError | undefined, description: string, reason: string, scope?: string) => {
      ctx.status = status;
      ctx.set({ ...noStoreHeaders(), ...server.profile.responseHeaders(ctx.state.requestId), 'www-authenticate': bearerChallenge(server.config.api.realm, error, error ? description : undefined, scope) });
      ctx.body = error ? { error, error_description: description } : '';
      entry.decision = 'rejected';
      entry.error = error;
      entry.reason = reason;
    };
    if (ctx.method !== 'GET' && ctx.method !== 'POST' && ctx.method !== 'HEAD') {
      ctx.set('allow', 'GET, POST');
      ctx.status = 405;
      ctx.body = { error: 'invalid_request', error_description: `userinfo accepts GET and POST, not ${ctx.method}` };
      entry.decision = 'rejected';
      entry.reason = `${ctx.method} is not allowed on userinfo`;
      return;
    }
    const authorization = ctx.get('authorization');
    const bearer = parseBearer(authorization);
    if (!authorization || !bearer.named) {
      refuse(401, undefined, 'An access token is required.', 'no access token was presented');
      return;
    }
    if (bearer.token === undefined) {
      refuse(400, 'invalid_request', 'The Authorization header is not a well-formed Bearer token.', 'malformed Bearer Authorization header');
      return;
    }
    const result = await verifyAccessToken(bearer.token, server, { skew: ctx.state.verifySkew });
    const claims = result.ok ? result.claims : result.unverified;
    if (claims && typeof claims.jti === 'string') {
      entry.presented = { jti: claims.jti, clientId: typeof claims.client_id === 'string' ? claims.client_id : undefined, exp: typeof claims.exp === 'number' ? claims.exp : undefined };
      entry.clientId = entry.presented.clientId;
    }
    if (!result.ok) {
      refuse(401, 'invalid_token', result.description, result.description);
      return;
    }
    const scopes = typeof result.claims.scope === 'string' ? result.claims.scope.split(' ') : [];
    if (!scopes.includes('openid')) {
      refuse(403, 'insufficient_scope', 'The access token does not carry the openid scope.', `userinfo needs openid; the token has ${scopes.join(' ') || 'no scope'}`, 'openid');
      return;
    }
    const user = server.config.users.find((u) => u.username === result.claims.sub);
    if (!user) {
      refuse(401, 'invalid_token', 'The access token is not a user\'s.', `the token's subject ${String(result.claims.sub)} is not a configured user`);
      return;
    }
    ctx.status = 200;
    ctx.set({ ...noStoreHeaders(), ...server.profile.responseHeaders(ctx.state.requestId) });
    ctx.body = server.profile.userinfo(user, scopes);
    entry.decision = 'served';
    entry.user = user.username;
    entry.reason = `served the claims of ${user.username} (${scopes.join(' ')})`;
  };
}
