import type { AuthorizationContext } from './authorization-context.ts';
import type { HttpContext } from '../http/types.ts';
import { GRANTS } from './grants/registry.ts';

/** Discovery documents (OpenID / RFC 8414 / IDCS) with absolute URLs of this server. */
export function discoveryEndpoint(server: AuthorizationContext) {
  return (ctx: HttpContext) => {
    const { config, profile, urls, keys } = server;
    ctx.set(profile.responseHeaders(ctx.state.requestId));
    ctx.body = profile.discovery(ctx.path, {
      ...urls,
      grantTypes: [...GRANTS.keys()],
      scopes: config.resources.flatMap((r) => r.scopes.map((s) => (config.profile === 'idcs' ? `${r.audience}${s}` : s))),
      signingAlgorithm: keys.algorithm,
    });
    ctx.state.entry.decision = 'served';
    ctx.state.entry.reason = `served ${ctx.path}`;
  };
}
