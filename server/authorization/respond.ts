import type { AuthorizationContext } from './authorization-context.ts';
import type { HttpContext } from '../http/types.ts';
import { noStoreHeaders } from '../profiles/shared.ts';
import { OAuthError } from '../profiles/oauth-error.ts';

/** Writes an OAuth error in the profile's shape and tells the journal why. */
export function sendOAuthError(ctx: HttpContext, server: Pick<AuthorizationContext, 'profile'>, error: OAuthError): void {
  const answer = server.profile.formatError(error, ctx.state.requestId);
  ctx.status = answer.status;
  ctx.set(answer.headers);
  ctx.body = answer.body;
  ctx.state.entry.error = error.error;
  ctx.state.entry.decision = 'rejected';
  ctx.state.entry.reason = error.reason;
}

/** Writes a successful authorization-server JSON answer (no-store, profile headers). */
export function sendJson(ctx: HttpContext, server: Pick<AuthorizationContext, 'profile'>, body: unknown, status = 200): void {
  ctx.status = status;
  ctx.set({ ...noStoreHeaders(), ...server.profile.responseHeaders(ctx.state.requestId) });
  if (typeof body === 'string') {
    // Sent as is: revocation answers an empty 200 (RFC 7009 §2.2).
    ctx.body = body;
    return;
  }
  // Serialized here with its type set, so Koa does not look the type up per token response.
  ctx.set('content-type', 'application/json; charset=utf-8');
  ctx.body = JSON.stringify(body);
}

/** Runs an endpoint, turning a thrown OAuthError into its wire answer. */
export async function withOAuthErrors(ctx: HttpContext, server: Pick<AuthorizationContext, 'profile'>, endpoint: () => Promise<void>): Promise<void> {
  try {
    await endpoint();
  } catch (error) {
    if (error instanceof OAuthError) sendOAuthError(ctx, server, error);
    else throw error;
  }
}
