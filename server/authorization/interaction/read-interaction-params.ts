import { BodyError, parseForm, readBody } from '../../http/read-body.ts';
import type { HttpContext } from '../../http/types.ts';
import { AuthorizationPageError } from './authorization-errors.ts';

/**
 * The parameters of a browser request: the query of a GET, the form of a POST (OpenID Connect
 * Core §3.1.2.1 allows both for the authorization endpoint), every value kept so repeats can be
 * refused. Anything else is a page error: the browser has nowhere else to go.
 * @throws AuthorizationPageError (the same one to every caller).
 */
export function readInteractionParams(ctx: HttpContext, limit: number): Promise<Map<string, string[]>> {
  // Read once: the fault layer matches on the same parameters before the endpoint runs.
  ctx.state.browserParams ??= parseInteractionParams(ctx, limit);
  return ctx.state.browserParams;
}

async function parseInteractionParams(ctx: HttpContext, limit: number): Promise<Map<string, string[]>> {
  if (ctx.method === 'GET' || ctx.method === 'HEAD') return parseForm(Buffer.from(ctx.querystring));
  if (ctx.method !== 'POST') {
    ctx.set('allow', 'GET, POST');
    throw new AuthorizationPageError('invalid_request', `this page only accepts GET and POST, not ${ctx.method}`, { status: 405 });
  }
  if (!ctx.is('application/x-www-form-urlencoded')) {
    throw new AuthorizationPageError('invalid_request', `the body must be application/x-www-form-urlencoded (Content-Type was ${ctx.get('content-type') || 'none'})`);
  }
  try {
    return parseForm(await readBody(ctx.req, limit));
  } catch (error) {
    if (error instanceof BodyError) throw new AuthorizationPageError('invalid_request', error.message, { status: error.status });
    throw new AuthorizationPageError('invalid_request', 'the request body could not be read');
  }
}
