import type { HttpContext } from '../../http/types.ts';

/**
 * Cookie names. Browsers keep cookies per host, not per port, so the names carry the server's
 * port: two understudies on 127.0.0.1 do not end each other's sessions. The interaction cookie
 * is named after its interaction, so two sign-ins in one browser (two tabs, two apps) do not
 * overwrite each other (oidc-provider scopes its interaction cookie to the interaction the same way).
 */
export function sessionCookie(baseUrl: string): string {
  return `understudy_session_${portOf(baseUrl)}`;
}

export function interactionCookie(baseUrl: string, uid: string): string {
  return `understudy_interaction_${portOf(baseUrl)}_${uid}`;
}

function portOf(baseUrl: string): string {
  const url = new URL(baseUrl);
  return url.port || (url.protocol === 'https:' ? '443' : '80');
}

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
