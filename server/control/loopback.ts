import { timingSafeEqual, createHash } from 'node:crypto';
import type { HttpContext } from '../http/types.ts';
import { Problem } from './problem.ts';

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/**
 * The control API moves time and revokes tokens, so only this machine may use it, unless an
 * admin token is configured and presented.
 *
 * A loopback peer address is not enough once a browser is involved (the dashboard invites one):
 * a page from another site can make the browser send requests to 127.0.0.1. So a loopback caller
 * must also name the server by a loopback name or the address it connected to (a DNS rebinding
 * page sends its own host name), and a state-changing request that carries an Origin must come
 * from this server's own origin (a cross-site form or no-cors fetch carries the attacker's).
 */
export function guardControl(ctx: HttpContext, adminToken: string | undefined): void {
  if (isLoopback(ctx.req.socket.remoteAddress)) {
    guardBrowserRequest(ctx);
    return;
  }
  if (!adminToken) {
    throw new Problem(403, 'Forbidden', 'the control API only answers loopback callers; configure control.adminToken to allow remote callers');
  }
  const presented = /^Bearer +(\S+)$/i.exec(ctx.get('authorization'))?.[1] ?? '';
  const same = timingSafeEqual(createHash('sha256').update(presented).digest(), createHash('sha256').update(adminToken).digest());
  if (!same) throw new Problem(401, 'Unauthorized', 'send Authorization: Bearer <control.adminToken> to use the control API from another host');
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function guardBrowserRequest(ctx: HttpContext): void {
  const host = ctx.get('host');
  if (host && !isLocalHostName(hostnameOf(host), ctx.req.socket.localAddress)) {
    throw new Problem(403, 'Forbidden', `the control API answers requests for this machine only, not for Host "${host}" (protection against DNS rebinding); use http://127.0.0.1 or http://localhost`);
  }
  const origin = ctx.get('origin');
  if (origin && !SAFE_METHODS.has(ctx.method) && origin !== `http://${host}` && origin !== `https://${host}`) {
    throw new Problem(403, 'Forbidden', `cross-origin ${ctx.method} from ${origin} refused: control requests must come from the dashboard's own origin or a non-browser client`);
  }
}

/** The host name of a Host header value: "127.0.0.1:9400" -> "127.0.0.1", "[::1]:9400" -> "::1". */
function hostnameOf(host: string): string {
  const bracketed = /^\[([^\]]+)\]/.exec(host);
  if (bracketed) return bracketed[1] as string;
  return host.replace(/:\d+$/, '').toLowerCase();
}

function isLocalHostName(hostname: string, localAddress: string | undefined): boolean {
  // RFC 6761 §6.3: localhost and its subdomains are loopback names; browsers never ask DNS for them.
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true;
  if (isLoopback(hostname)) return true;
  const local = localAddress?.replace(/^::ffff:/, '');
  return local !== undefined && hostname === local;
}
