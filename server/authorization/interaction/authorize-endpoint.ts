import type { AuthorizationContext, AuthorizationHttpContext } from '../authorization-context.ts';
import { continueAuthorization, withInteractionErrors } from './interaction-flow.ts';
import { parseAuthorizationRequest } from './parse-authorization-request.ts';
import { readInteractionParams } from './read-interaction-params.ts';
import { authorizationFacts } from '../journal-facts.ts';

/**
 * GET|POST authorization endpoint (RFC 6749 §4.1.1, OpenID Connect Core §3.1.2): checks the
 * request, then logs in, asks consent or answers with a code, as the session allows.
 */
export function authorizeEndpoint(server: AuthorizationContext) {
  return (ctx: AuthorizationHttpContext) =>
    withInteractionErrors(ctx, server, async () => {
      const params = await readInteractionParams(ctx, server.config.server.maxBodyBytes);
      ctx.state.entry.params = [...params.keys()];
      const clientId = params.get('client_id')?.[0];
      if (clientId) ctx.state.entry.clientId = clientId.slice(0, 200);
      const scope = params.get('scope')?.[0];
      if (scope) ctx.state.entry.scope = scope.slice(0, 1000);
      ctx.state.entry.authorization ??= authorizationFacts((name) => params.get(name)?.[0]);
      const request = parseAuthorizationRequest(params, { clients: server.clients, resources: server.config.resources, profile: server.config.profile, baseUrl: server.urls.baseUrl });
      continueAuthorization(ctx, server, request);
    });
}
