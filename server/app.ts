import Koa, { type Next } from 'koa';
import { discoveryEndpoint } from './authorization/discovery-endpoint.ts';
import { authorizeEndpoint } from './authorization/interaction/authorize-endpoint.ts';
import { consentEndpoint, loginEndpoint } from './authorization/interaction/interaction-endpoints.ts';
import { logoutEndpoint } from './authorization/oidc/logout-endpoint.ts';
import { userinfoEndpoint } from './authorization/oidc/userinfo-endpoint.ts';
import { introspectionEndpoint } from './authorization/introspection-endpoint.ts';
import { jwksEndpoint } from './authorization/jwks-endpoint.ts';
import { revocationEndpoint } from './authorization/revocation-endpoint.ts';
import { tokenEndpoint } from './authorization/token-endpoint.ts';
import type { ServerContext, ServerState } from './context.ts';
import { CONTROL_PREFIX, controlApi } from './control/control-api.ts';
import { applyFaults } from './faults/apply-faults.ts';
import { createRotationSchedule } from './keys/rotation-schedule.ts';
import { journalRequests } from './http/journal-requests.ts';
import { allowCrossOrigin, answerPreflight, isPreflight } from './http/cors.ts';
import { sendNotFound } from './http/not-found.ts';
import type { Face as HttpFace, HttpContext } from './http/types.ts';
import { answerApiRoute, findRoute } from './resource/api-endpoint.ts';

/**
 * One Koa app, four faces: the authorization server (profile paths), the mock protected API
 * (configured routes), the control API under /_understudy, and a 404 that says where things
 * are. Every request but the control API's goes: journal -> find its face -> faults -> face.
 */
/** What a public client running in a browser page calls itself (RFC 8252 and browser apps): CORS allowed. */
const CROSS_ORIGIN: ReadonlySet<string> = new Set(['token', 'userinfo', 'jwks', 'discovery', 'revoke']);

/** A face of this server: its handlers read the authorization server's request state. */
type Face = HttpFace<ServerState>;

export function createApp(server: ServerContext): Koa<ServerState> {
  const { paths } = server.profile;
  const authorization = new Map<string, Face>([
    [paths.token, { endpoint: 'token', handle: tokenEndpoint(server) }],
    [paths.introspect, { endpoint: 'introspect', handle: introspectionEndpoint(server) }],
    [paths.revoke, { endpoint: 'revoke', handle: revocationEndpoint(server) }],
    [paths.jwks, { endpoint: 'jwks', handle: jwksEndpoint(server) }],
    [paths.authorize, { endpoint: 'authorize', handle: authorizeEndpoint(server) }],
    [paths.login, { endpoint: 'login', handle: loginEndpoint(server) }],
    [paths.consent, { endpoint: 'consent', handle: consentEndpoint(server) }],
    [paths.userinfo, { endpoint: 'userinfo', handle: userinfoEndpoint(server) }],
    [paths.logout, { endpoint: 'logout', handle: logoutEndpoint(server) }],
  ]);
  const discovery = discoveryEndpoint(server);
  for (const path of paths.discovery) authorization.set(path, { endpoint: 'discovery', handle: discovery });
  const control = controlApi(server);
  const notFound: Face = { endpoint: 'other', handle: (ctx) => sendNotFound(ctx, server) };

  function findFace(ctx: HttpContext<ServerState>): Face {
    const face = authorization.get(ctx.path);
    if (face) return face;
    const { route, pathMatched } = findRoute(server.config.api.routes, ctx.method, ctx.path);
    if (route) return { endpoint: 'api', route, handle: (c) => answerApiRoute(c, server, route) };
    if (pathMatched) return { endpoint: 'api', handle: (c) => methodNotAllowed(c, server) };
    return notFound;
  }

  const app = new Koa<ServerState>();
  app.silent = true;
  app.use(journalRequests(server));
  app.use(async (ctx: HttpContext<ServerState>, next: Next) => {
    if (ctx.path === '/favicon.ico') {
      // A browser's own guess on any page it shows (IDCS's JSON error body too): no icon, and no journal entry.
      ctx.state.skipJournal = true;
      ctx.status = 204;
      return;
    }
    if (ctx.path === CONTROL_PREFIX || ctx.path.startsWith(`${CONTROL_PREFIX}/`)) {
      await control(ctx);
      return;
    }
    const face = findFace(ctx);
    ctx.state.face = face;
    ctx.state.entry.endpoint = face.endpoint;
    if (CROSS_ORIGIN.has(face.endpoint)) {
      allowCrossOrigin(ctx);
      if (isPreflight(ctx)) {
        answerPreflight(ctx);
        return;
      }
    }
    await next();
  });
  if (server.config.keyRotation) {
    const rotateIfDue = createRotationSchedule(server.keys, server.clock, server.config.keyRotation);
    app.use(async (_ctx, next) => {
      await rotateIfDue();
      await next();
    });
  }
  app.use(applyFaults(server));
  app.use((ctx: HttpContext<ServerState>) => (ctx.state.face as Face).handle(ctx));
  return app;
}

function methodNotAllowed(ctx: HttpContext, server: ServerContext): void {
  const allowed = server.config.api.routes.filter((r) => findRoute([r], r.method, ctx.path).route).map((r) => r.method);
  ctx.status = 405;
  ctx.set('allow', allowed.join(', '));
  ctx.body = { error: 'method_not_allowed', error_description: `${ctx.method} is not allowed on ${ctx.path}; use ${allowed.join(' or ')}` };
  ctx.state.entry.decision = 'rejected';
  ctx.state.entry.reason = `no ${ctx.method} route for ${ctx.path}`;
}
