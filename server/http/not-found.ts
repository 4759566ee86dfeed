import type { ServerUrls } from '../profiles/urls.ts';
import type { HttpContext } from './types.ts';

/** 404 that tells a client with a wrong URL where the token endpoint and discovery are. */
export function sendNotFound(ctx: HttpContext, server: { urls: Pick<ServerUrls, 'tokenUrl' | 'discoveryUrl'> }): void {
  ctx.status = 404;
  ctx.body = {
    error: 'not_found',
    error_description: `Nothing is served at ${ctx.method} ${ctx.path}. The token endpoint is ${server.urls.tokenUrl} (POST); discovery is at ${server.urls.discoveryUrl}.`,
  };
  ctx.state.entry.decision = 'rejected';
  ctx.state.entry.reason = `no such path: ${ctx.path}`;
}
