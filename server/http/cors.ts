import type { HttpContext } from './types.ts';

/**
 * CORS (the Fetch standard) for what a browser app calls itself: a public client in a page
 * redeems its code, refreshes, reads userinfo, the JWKS and discovery. Any origin, no cookies
 * (credentials are never sent cross-origin to these), so `*` is what a browser needs.
 * IDCS allows listed origins only ("Allowed CORS Domains"); understudy, a local stand-in, all.
 */
export function allowCrossOrigin(ctx: HttpContext): void {
  if (!ctx.get('origin')) return;
  ctx.set('access-control-allow-origin', '*');
  ctx.set('access-control-expose-headers', 'www-authenticate, retry-after, dpop-nonce');
}

/** A CORS preflight: OPTIONS with Origin and Access-Control-Request-Method. */
export function isPreflight(ctx: HttpContext): boolean {
  return ctx.method === 'OPTIONS' && Boolean(ctx.get('origin')) && Boolean(ctx.get('access-control-request-method'));
}

export function answerPreflight(ctx: HttpContext): void {
  ctx.status = 204;
  ctx.set('access-control-allow-origin', '*');
  ctx.set('access-control-allow-methods', 'GET, POST');
  ctx.set('access-control-allow-headers', ctx.get('access-control-request-headers') || 'authorization, content-type');
  ctx.set('access-control-max-age', '600');
  ctx.state.entry.decision = 'served';
  ctx.state.entry.reason = `CORS preflight from ${ctx.get('origin').slice(0, 200)} for ${ctx.get('access-control-request-method').slice(0, 20)}`;
}
