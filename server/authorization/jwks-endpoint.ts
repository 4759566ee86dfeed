import type { AuthorizationContext } from './authorization-context.ts';
import type { HttpContext } from '../http/types.ts';
import { parseBearer } from '../http/authorization-header.ts';
import { bearerChallenge } from '../http/bearer-challenge.ts';
import { verifyAccessToken } from '../tokens/index.ts';

const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const IDCS_SCIM_ERROR = 'urn:ietf:params:scim:api:oracle:idcs:extension:messages:Error';

/**
 * The signing keys (IDCS: GET /admin/v1/SigningCert/jwk). Public by default; with
 * `jwks.public: false` it needs a bearer token, as IDCS does when "Access signing certificate"
 * is off, and refuses with IDCS's SCIM error shape.
 */
export function jwksEndpoint(server: AuthorizationContext) {
  return async (ctx: HttpContext) => {
    const entry = ctx.state.entry;
    if (!server.config.jwksPublic) {
      const token = parseBearer(ctx.get('authorization')).sole;
      const result = token ? await verifyAccessToken(token, server) : undefined;
      if (!result?.ok) {
        ctx.status = 401;
        // RFC 9110 §15.5.2: a 401 carries a challenge; the scheme the endpoint accepts is Bearer.
        ctx.set({
          'cache-control': 'no-store',
          'www-authenticate': bearerChallenge(server.config.api.realm, token ? 'invalid_token' : undefined),
          ...server.profile.responseHeaders(ctx.state.requestId),
        });
        // The SCIM shape is IDCS's; the detail text is understudy's (IDCS's exact wording is unverified).
        ctx.type = 'application/scim+json';
        ctx.body = {
          schemas: [SCIM_ERROR, IDCS_SCIM_ERROR],
          detail: token
            ? `The bearer token is not valid: ${result?.ok === false ? result.description : ''}`
            : 'This identity domain does not publish its signing certificate ("Access signing certificate" is off); send a bearer token.',
          status: '401',
          [IDCS_SCIM_ERROR]: { messageId: 'error.common.common.unauthorized' },
        };
        entry.decision = 'rejected';
        entry.error = 'unauthorized';
        entry.reason = token ? 'JWKS request with an invalid bearer token' : 'JWKS is not public and no bearer token was sent';
        return;
      }
    }
    ctx.set({ 'cache-control': 'max-age=3600', ...server.profile.responseHeaders(ctx.state.requestId) });
    ctx.body = server.keys.jwks();
    entry.decision = 'served';
    entry.reason = `served ${server.keys.all().length} key(s)`;
  };
}
