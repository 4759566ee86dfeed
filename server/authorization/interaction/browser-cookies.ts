import type { HttpContext } from '../../http/types.ts';

export const SESSION_COOKIE = 'understudy_session';
export const INTERACTION_COOKIE = 'understudy_interaction';

/**
 * Cookies without Expires or Max-Age: the browser keeps them for its session, and understudy
 * decides on the virtual clock when what they name has expired. HttpOnly, SameSite=Lax (the
 * redirect back from a client is a top-level navigation), not Secure (the server speaks http).
 */
export function setBrowserCookie(ctx: HttpContext, name: string, value: string): void {
  ctx.cookies.set(name, value, { httpOnly: true, sameSite: 'lax', path: '/', overwrite: true, signed: false });
}

export function clearBrowserCookie(ctx: HttpContext, name: string): void {
  ctx.cookies.set(name, '', { httpOnly: true, sameSite: 'lax', path: '/', overwrite: true, signed: false, maxAge: 0, expires: new Date(0) });
}

export function readBrowserCookie(ctx: HttpContext, name: string): string | undefined {
  try {
    return ctx.cookies.get(name, { signed: false }) || undefined;
  } catch {
    // A malformed Cookie header names no session.
    return undefined;
  }
}
