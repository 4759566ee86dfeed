import type { ResolvedRoute } from '../../server/config/types.ts';
import { CONTROL_PREFIX } from '../../server/control/control-api.ts';
import type { Journal } from '../../server/journal/journal.ts';
import type { ProfilePaths } from '../../server/profiles/profile.ts';
import { findRoute } from '../../server/resource/api-endpoint.ts';
import { LOOPBACK } from './in-memory-socket.ts';

/** What one production origin serves. */
export interface HostRoles {
  /** The identity domain: token, JWKS, discovery, introspection, revocation. */
  identity: boolean;
  /** The protected API: the configured API routes. */
  api: boolean;
}

/** What a misdirection check needs to know about the understudy behind the handlers. */
export interface HostLayout {
  paths: ProfilePaths;
  routes: readonly ResolvedRoute[];
  identityOrigin: string;
  apiOrigins: readonly string[];
}

/**
 * Why a request must not reach understudy on this origin, or undefined when it may. One
 * understudy serves every face on one origin, but in production the token endpoint and the API
 * live on different hosts: a client that builds its token URL from its API base URL must fail
 * here as it would against the real hosts.
 */
export function misdirection(roles: HostRoles, layout: HostLayout, method: string, path: string): string | undefined {
  if (path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`)) {
    return `Nothing is served at ${method} ${path}: the control API is not exposed through msw; use the faults, clock, journal and revoke of the object createIdcsHandlers returned.`;
  }
  const { paths } = layout;
  const identityPath = [paths.token, paths.introspect, paths.revoke, paths.jwks, ...paths.discovery].includes(path);
  if (identityPath && !roles.identity) {
    return `Nothing is served at ${method} ${path} on this host: it is an identity-domain endpoint, served on ${layout.identityOrigin}.`;
  }
  if (!identityPath && !roles.api && findRoute(layout.routes, method, path).pathMatched) {
    const where = layout.apiOrigins.length > 0 ? `served on ${layout.apiOrigins.join(' and ')}` : 'served on no host: pass apiHost to createIdcsHandlers';
    return `Nothing is served at ${method} ${path} on this host: it is a route of the mock API, ${where}.`;
  }
  return undefined;
}

/**
 * Answers a misdirected request with understudy's 404 shape and journals it with the fields
 * server/http/journal-requests.ts records for any request (a test compares the two), so the
 * journal reads the same whichever layer refused the request. Answered here rather than by the
 * app because the app cannot know which host a request was sent to.
 */
export function answerMisdirected(journal: Journal, nowSeconds: number, request: Request, description: string): Response {
  const started = performance.now();
  const url = new URL(request.url);
  const status = 404;
  const response = Response.json({ error: 'not_found', error_description: description }, { status });
  journal.record({
    time: nowSeconds,
    realTime: new Date().toISOString(),
    endpoint: 'other',
    method: request.method,
    path: url.pathname,
    status,
    durationMs: Math.round((performance.now() - started) * 1000) / 1000,
    // Answered at once: no virtual time passes.
    endTime: nowSeconds,
    // Node's server always sees a Host header; a Fetch Request does not list it.
    requestHeaders: ['host', ...[...request.headers.keys()].filter((name) => name !== 'host')],
    decision: 'rejected',
    reason: `misdirected: ${description}`,
    remoteAddress: LOOPBACK,
  });
  return response;
}
