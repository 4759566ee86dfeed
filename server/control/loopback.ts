import { timingSafeEqual, createHash } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { parseBearer } from '../http/authorization-header.ts';
import type { HttpContext } from '../http/types.ts';
import { Problem } from '../http/problem.ts';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/**
 * True for an IP address of this machine's loopback interface: 127.0.0.0/8, ::1, and those written
 * as IPv6 (::ffff:127.0.0.1, 0:0:0:0:0:0:0:1). Only addresses: a name such as 127.evil.example is a
 * DNS name anyone can point anywhere, so it is parsed as an address or refused, never matched as text.
 */
export function isLoopback(address: string | undefined): boolean {
  return listed(address, LOOPBACK);
}

/** Whether `address` is an IP address that `list` holds (BlockList also matches IPv4-mapped IPv6 to IPv4 rules). */
function listed(address: string | undefined, list: BlockList): boolean {
  const family = address ? isIP(address) : 0;
  return family !== 0 && list.check(address as string, family === 4 ? 'ipv4' : 'ipv6');
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
  const presented = parseBearer(ctx.get('authorization')).sole ?? '';
  const same = timingSafeEqual(createHash('sha256').update(presented).digest(), createHash('sha256').update(adminToken).digest());
  if (!same) throw new Problem(401, 'Unauthorized', 'send Authorization: Bearer <control.adminToken> to use the control API from another host');
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function guardBrowserRequest(ctx: HttpContext): void {
  const host = ctx.get('host');
  const hostname = host ? hostnameOf(host) : undefined;
  if (host && !(hostname !== undefined && isLocalHostName(hostname, ctx.req.socket.localAddress))) {
    throw new Problem(403, 'Forbidden', `the control API answers requests for this machine only, not for Host "${host}" (protection against DNS rebinding); use http://127.0.0.1 or http://localhost`);
  }
  const origin = ctx.get('origin');
  if (origin && !SAFE_METHODS.has(ctx.method) && !isSameOrigin(origin, host)) {
    throw new Problem(403, 'Forbidden', `cross-origin ${ctx.method} from ${origin} refused: control requests must come from the dashboard's own origin or a non-browser client`);
  }
}

/**
 * The host name of a Host header value (RFC 9110 §7.2: uri-host [":" port]): "127.0.0.1:9400" ->
 * "127.0.0.1", "[::1]:9400" -> "::1". Undefined when the value is not one ("[::1", "a:b:c",
 * "x@127.0.0.1"), so that a malformed Host is refused rather than guessed at.
 */
function hostnameOf(host: string): string | undefined {
  const match = /^(?:\[([0-9a-f:.]+)\]|([\w.~!$&'()*+,;=%-]*))(?::\d*)?$/i.exec(host);
  if (!match) return undefined;
  const [, bracketed, name] = match;
  if (bracketed !== undefined) return isIP(bracketed) === 6 ? bracketed.toLowerCase() : undefined;
  return (name ?? '').toLowerCase();
}

function isLocalHostName(hostname: string, localAddress: string | undefined): boolean {
  // RFC 6761 §6.3: localhost and its subdomains are loopback names; browsers never ask DNS for them.
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true;
  if (isLoopback(hostname)) return true;
  // A server bound to a LAN address, called from itself by that address.
  const local = localAddress && isIP(localAddress) ? localAddress : undefined;
  if (!local) return false;
  const list = new BlockList();
  list.addAddress(local, isIP(local) === 4 ? 'ipv4' : 'ipv6');
  return listed(hostname, list);
}

/**
 * Whether a browser's Origin is the server the request was sent to (its Host, already checked to
 * be this machine): http or https, same host and port. Both are parsed as URLs, so that letter case
 * and a default port compare equal, and "null" or a malformed Origin never matches.
 */
function isSameOrigin(origin: string, host: string): boolean {
  if (!host || !URL.canParse(origin)) return false;
  const from = new URL(origin);
  if (from.protocol !== 'http:' && from.protocol !== 'https:') return false;
  const to = `${from.protocol}//${host}`;
  return URL.canParse(to) && new URL(to).host === from.host;
}
