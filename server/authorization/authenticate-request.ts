import type { AuthorizationContext } from './authorization-context.ts';
import type { HttpContext } from '../http/types.ts';
import { assertActive, authenticateClient, type AuthenticatedClient } from './client-authentication.ts';

/**
 * Client authentication of an OAuth POST (token, introspection, revocation): the same rules for
 * all three, the claimed client journaled even when it fails, and an inactive app refused.
 * A client assertion's aud may be the endpoint's URL, the token URL, the issuer or the base URL.
 */
export async function authenticateRequest(ctx: HttpContext, server: AuthorizationContext, params: Map<string, string>): Promise<AuthenticatedClient> {
  const { urls } = server;
  const authenticated = await authenticateClient(
    { authorization: ctx.get('authorization') || undefined, params, claimedClientId: (id) => (ctx.state.entry.clientId = id) },
    {
      registry: server.clients,
      clock: server.clock,
      replay: server.replay,
      audiences: assertionAudiences(urls, ctx.path),
      skew: ctx.state.verifySkew,
    },
  );
  ctx.state.entry.clientId = authenticated.client.id;
  assertActive(authenticated);
  return authenticated;
}

/**
 * What an assertion's `aud` may hold (RFC 7523 §3 item 3): the endpoint's URL, the token URL, the
 * issuer (IDCS documents "https://identity.oraclecloud.com", with or without the trailing slash)
 * or the base URL.
 */
export function assertionAudiences(urls: AuthorizationContext['urls'], path: string): string[] {
  const issuer = urls.issuer.endsWith('/') ? [urls.issuer, urls.issuer.slice(0, -1)] : [urls.issuer, `${urls.issuer}/`];
  return [...new Set([urls.tokenUrl, ...issuer, urls.baseUrl, `${urls.baseUrl}${path}`])];
}
