import { readFile } from 'node:fs/promises';
import type { HttpContext } from '../http/types.ts';
import { Problem } from '../http/problem.ts';
import { openEventStream, type EventStreamOptions, type EventStreamSource } from './event-stream.ts';

/**
 * A route of the dashboard, in the control API's route shape (control/control-api.ts mounts
 * these among its own): method, path pattern below /_understudy, handler.
 */
export interface DashboardRoute {
  method: string;
  pattern: RegExp;
  handler: (ctx: HttpContext, params: string[]) => Promise<unknown> | unknown;
}

/**
 * The page's script modules: dashboard.js, the entry, imports the others. A browser runs a
 * module only when it is served as JavaScript.
 */
export const DASHBOARD_MODULES = ['dashboard.js', 'shared.js', 'stream.js', 'table.js', 'timeline.js', 'controls.js', 'sequence.js', 'signins.js', 'tabs.js', 'refresh-spans.js'] as const;

const JAVASCRIPT = 'text/javascript; charset=utf-8';

/**
 * The page, its style and its modules, and nothing else: a fixed list, so a path can never name
 * another file. Read at run time next to this module (the build copies assets/ into dist/).
 */
const ASSETS: Record<string, { file: string; type: string }> = {
  'index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  'dashboard.css': { file: 'dashboard.css', type: 'text/css; charset=utf-8' },
  ...Object.fromEntries(DASHBOARD_MODULES.map((name) => [name, { file: name, type: JAVASCRIPT }])),
};

/**
 * Only this origin's script and style, no inline script, no framing (clickjacking the control
 * buttons), nothing the page does not need.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The live dashboard under the control API (and so behind its loopback / admin-token guard):
 * `GET /_understudy/` serves the page, `GET /_understudy/assets/{name}` its script modules and style,
 * `GET /_understudy/events` the server-sent events it draws from.
 */
export function dashboardRoutes(source: EventStreamSource, options: EventStreamOptions = {}): DashboardRoute[] {
  return [
    { method: 'GET', pattern: /^\/$/, handler: (ctx) => serveAsset(ctx, 'index.html') },
    { method: 'GET', pattern: /^\/assets\/([^/]+)$/, handler: (ctx, [name]) => serveAsset(ctx, name as string) },
    { method: 'GET', pattern: /^\/events$/, handler: (ctx) => streamEvents(ctx, source, options) },
  ];
}

async function serveAsset(ctx: HttpContext, name: string): Promise<void> {
  const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (!asset) throw new Problem(404, 'Not found', `no dashboard asset ${name}; the page is at /_understudy/`);
  ctx.body = await readFile(new URL(`./assets/${asset.file}`, import.meta.url));
  ctx.type = asset.type;
  ctx.set('content-security-policy', DASHBOARD_CSP);
  ctx.set('x-content-type-options', 'nosniff');
  ctx.set('referrer-policy', 'no-referrer');
}

function streamEvents(ctx: HttpContext, source: EventStreamSource, options: EventStreamOptions): void {
  const stream = openEventStream(source, options);
  // The response closes when the client goes away or the server closes its connections.
  // (Koa also destroys a stream body then; this covers a client gone before Koa pipes it.)
  ctx.res.once('close', stream.close);
  ctx.req.socket.setNoDelay(true);
  ctx.body = stream.body;
  ctx.type = 'text/event-stream; charset=utf-8';
  // Tells nginx-style proxies not to buffer the stream.
  ctx.set('x-accel-buffering', 'no');
}
