import type { ResolvedRoute } from '../config/types.ts';
import type { HttpContext } from '../http/types.ts';
import { parseBearer } from '../http/authorization-header.ts';
import { bearerChallenge, type BearerError } from '../http/bearer-challenge.ts';
import { verifyAccessToken } from '../tokens/index.ts';
import type { ResourceContext } from './resource-context.ts';

/** Finds the configured route for a request: exact path, or prefix for routes written with "*". */
export function findRoute(routes: readonly ResolvedRoute[], method: string, path: string): { route?: ResolvedRoute; pathMatched: boolean } {
  let pathMatched = false;
  for (const route of routes) {
    const matches = route.prefix ? path.startsWith(route.path) : path === route.path;
    if (!matches) continue;
    pathMatched = true;
    if (route.method === method || (method === 'HEAD' && route.method === 'GET')) return { route, pathMatched };
  }
  return { pathMatched };
}

/**
 * The mock protected API: answers a configured route only for a request that carries the
 * route's required headers and a valid token with the route's audience and scopes, exactly as
 * RFC 6750 §3 describes the refusals.
 */
export async function answerApiRoute(ctx: HttpContext, server: ResourceContext, route: ResolvedRoute): Promise<void> {
  const { realm } = server.config.api;
  const entry = ctx.state.entry;
  entry.route = route.name;
  entry.scope = route.scopes.join(' ') || undefined;

  const refuse = (status: number, error: BearerError | undefined, description: string, reason: string, scope?: string) => {
    ctx.status = status;
    ctx.set('www-authenticate', bearerChallenge(realm, error, error ? description : undefined, scope));
    ctx.body = error ? { error, error_description: description } : { error_description: description };
    entry.decision = 'rejected';
    entry.error = error;
    entry.reason = reason;
  };

  const authorization = ctx.get('authorization');
  const bearer = parseBearer(authorization);
  if (!authorization || !bearer.named) {
    // RFC 6750 §3.1: a request without authentication gets a bare challenge, no error code,
    // whatever else is wrong with it.
    refuse(401, undefined, 'An access token is required.', authorization ? 'the request used another authentication scheme than Bearer' : 'no access token was presented');
    return;
  }
  if (bearer.token === undefined) {
    refuse(400, 'invalid_request', 'The Authorization header is not a well-formed Bearer token.', 'malformed Bearer Authorization header');
    return;
  }

  const missing = route.headers.filter((name) => !ctx.get(name));
  if (missing.length > 0) {
    const description = `Missing required header${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}.`;
    refuse(400, 'invalid_request', description, `route ${route.name} requires ${missing.join(', ')}, which the request lacked`);
    return;
  }

  const result = await verifyAccessToken(bearer.token, server, { audience: route.audience, skew: ctx.state.verifySkew });
  const claims = result.ok ? result.claims : result.unverified;
  if (claims && typeof claims.jti === 'string') {
    entry.presented = {
      jti: claims.jti,
      clientId: typeof claims.client_id === 'string' ? claims.client_id : undefined,
      iat: typeof claims.iat === 'number' ? claims.iat : undefined,
      exp: typeof claims.exp === 'number' ? claims.exp : undefined,
    };
    entry.clientId = entry.presented.clientId;
  }
  if (!result.ok) {
    refuse(401, 'invalid_token', result.description, result.description);
    return;
  }

  const granted = new Set(typeof result.claims.scope === 'string' ? result.claims.scope.split(' ') : []);
  const lacking = route.scopes.filter((scope) => !granted.has(scope));
  if (lacking.length > 0) {
    refuse(
      403,
      'insufficient_scope',
      `The access token lacks the scope required by this resource.`,
      `route ${route.name} requires ${route.scopes.join(' ')}; the token has ${[...granted].join(' ') || 'no scope'}`,
      route.scopes.join(' '),
    );
    return;
  }

  ctx.status = route.response.status;
  ctx.set(route.response.headers);
  ctx.body = route.response.body ?? '';
  entry.decision = 'allowed';
  entry.reason = `token ${entry.presented?.jti ?? ''} of ${entry.clientId ?? 'unknown client'} accepted for ${route.name}`;
}
