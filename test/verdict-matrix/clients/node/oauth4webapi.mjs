// oauth4webapi 3.8.8, used as its README's "Client Credentials Grant" example (examples/client_credentials.ts)
// shows: clientCredentialsGrantRequest + processClientCredentialsResponse, then protectedResourceRequest,
// with ClientSecretPost client authentication. oauth4webapi keeps no token: the app owns caching, and
// this wiring adds none, so every unit makes its own token request.
// The example discovers the metadata from the issuer; understudy's IDCS issuer is not its host, so the
// AuthorizationServer object is written from the environment instead ({issuer, token_endpoint}).
// allowInsecureRequests: understudy is http://127.0.0.1. The password grant is not in the README's
// examples (only genericTokenEndpointRequest could do it): client_credentials only.
import * as oauth from 'oauth4webapi';
import { apiHeaders, apiUrl, config, requestBody, serve } from './protocol.mjs';

const as = { issuer: config.issuer, token_endpoint: config.tokenUrl };
const client = { client_id: config.clientId };
const clientAuth = oauth.ClientSecretPost(config.clientSecret);
// HttpRequestOptions: `signal` (no timeout unless given) and `headers` (extra request headers).
const http = {
  [oauth.allowInsecureRequests]: true,
  ...(config.timeoutMs !== undefined && { signal: () => AbortSignal.timeout(config.timeoutMs) }),
};

serve(async (unit) => {
  const parameters = new URLSearchParams({ scope: config.scope });
  const response = await oauth.clientCredentialsGrantRequest(as, client, clientAuth, parameters, { ...http, headers: config.tokenHeaders });
  const { access_token } = await oauth.processClientCredentialsResponse(as, client, response);
  try {
    const api = await oauth.protectedResourceRequest(access_token, unit.method, apiUrl(unit), new Headers(apiHeaders(unit)), requestBody(unit), http);
    return api.status;
  } catch (error) {
    // A response carrying WWW-Authenticate (e.g. 401 invalid_token, 403 insufficient_scope) is thrown, not returned.
    if (error instanceof oauth.WWWAuthenticateChallengeError) error.apiStatus = error.status;
    throw error;
  }
});
