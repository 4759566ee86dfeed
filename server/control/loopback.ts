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
 */
export function guardControl(ctx: HttpContext, adminToken: string | undefined): void {
  if (isLoopback(ctx.req.socket.remoteAddress)) return;
  if (!adminToken) {
    throw new Problem(403, 'Forbidden', 'the control API only answers loopback callers; configure control.adminToken to allow remote callers');
  }
  const presented = /^Bearer +(\S+)$/i.exec(ctx.get('authorization'))?.[1] ?? '';
  const same = timingSafeEqual(createHash('sha256').update(presented).digest(), createHash('sha256').update(adminToken).digest());
  if (!same) throw new Problem(401, 'Unauthorized', 'send Authorization: Bearer <control.adminToken> to use the control API from another host');
}
