import Koa from 'koa';
import { discoveryEndpoint } from './authorization/discovery-endpoint.ts';
import { introspectionEndpoint } from './authorization/introspection-endpoint.ts';
import { jwksEndpoint } from './authorization/jwks-endpoint.ts';
import { revocationEndpoint } from './authorization/revocation-endpoint.ts';
import { tokenEndpoint } from './authorization/token-endpoint.ts';
import type { RequestState, ServerContext } from './context.ts';
import { CONTROL_PREFIX, controlApi } from './control/control-api.ts';
import { journalRequests } from './http/journal-requests.ts';
import type { HttpContext } from './http/types.ts';
import type { Endpoint } from './journal/types.ts';
import { answerApiRoute, findRoute } from './resource/api-endpoint.ts';

type EndpointHandler = (ctx: HttpContext) => Promise<void> | void;

/**
 * One Koa app, four faces: the authorization server (profile paths), the mock protected API
 * (configured routes), the control API under /_understudy, and a 404 that says where things are.
 */
export function createApp(server: ServerContext): Koa<RequestState> {
  const { paths } = server.profile;
  const authorization = new Map<string, { endpoint: Endpoint; handle: EndpointHandler }>([
    [paths.token, { endpoint: 'token', handle: tokenEndpoint(server) }],
    [paths.introspect, { endpoint: 'introspect', handle: introspectionEndpoint(server) }],
    [paths.revoke, { endpoint: 'revoke', handle: revocationEndpoint(server) }],
    [paths.jwks, { endpoint: 'jwks', handle: jwksEndpoint(server) }],
  ]);
  const discovery = discoveryEndpoint(server);
  for (const path of paths.discovery) authorization.set(path, { endpoint: 'discovery', handle: discovery });
  const control = controlApi(server);

  const classify = (path: string): Endpoint => authorization.get(path)?.endpoint ?? (findRoute(server.config.api.routes, 'GET', path).pathMatched ? 'api' : 'other');

  const app = new Koa<RequestState>();
  app.silent = true;
  app.use(journalRequests(server, classify));
  app.use(async (ctx) => {
    if (ctx.path === CONTROL_PREFIX || ctx.path.startsWith(`${CONTROL_PREFIX}/`)) {
      await control(ctx);
      return;
    }
    const face = authorization.get(ctx.path);
    if (face) {
      ctx.state.entry.endpoint = face.endpoint;
      await face.handle(ctx);
      return;
    }
    const { route, pathMatched } = findRoute(server.config.api.routes, ctx.method, ctx.path);
    if (route) {
      ctx.state.entry.endpoint = 'api';
      await answerApiRoute(ctx, server, route);
      return;
    }
    if (pathMatched) {
      ctx.state.entry.endpoint = 'api';
      const allowed = server.config.api.routes.filter((r) => findRoute([r], r.method, ctx.path).route).map((r) => r.method);
      ctx.status = 405;
      ctx.set('allow', allowed.join(', '));
      ctx.body = { error: 'method_not_allowed', error_description: `${ctx.method} is not allowed on ${ctx.path}; use ${allowed.join(' or ')}` };
      ctx.state.entry.reason = `no ${ctx.method} route for ${ctx.path}`;
      return;
    }
    notFound(ctx, server);
  });
  return app;
}

function notFound(ctx: HttpContext, server: ServerContext): void {
  ctx.status = 404;
  ctx.body = {
    error: 'not_found',
    error_description: `Nothing is served at ${ctx.method} ${ctx.path}. The token endpoint is ${server.urls.tokenUrl} (POST); discovery is at ${server.urls.discoveryUrl}.`,
  };
  ctx.state.entry.decision = 'rejected';
  ctx.state.entry.reason = `no such path: ${ctx.path}`;
}
