// openid-client 6.8.9, used as its README shows: "Quick start" (client.discovery), "Client Credentials
// Grant" (client.clientCredentialsGrant) and "You can then fetch a protected resource"
// (client.fetchProtectedResource). openid-client keeps no token: the app owns caching, and this
// wiring adds none, so every unit makes its own client_credentials grant (a token request per unit).
// Discovery reads UNDERSTUDY_DISCOVERY_URL directly (a /.well-known/ URL is fetched as is, without
// the issuer comparison, build/index.js:264,285-287). allowInsecureRequests: understudy is http://127.0.0.1.
// Token-request headers: openid-client has no option for them (it sends only its user-agent), so
// UNDERSTUDY_TOKEN_HEADERS cannot be sent. The password grant is not shown in the README: client_credentials only.
import * as client from 'openid-client';
import { apiHeaders, apiUrl, config, requestBody, serve } from './protocol.mjs';

const options = { execute: [client.allowInsecureRequests] };
// DiscoveryRequestOptions.timeout, in seconds, applies to every later request of the Configuration (default 30).
if (config.timeoutMs !== undefined) options.timeout = config.timeoutMs / 1000;

const oidc = await client.discovery(new URL(config.discoveryUrl), config.clientId, config.clientSecret, undefined, options);

serve(async (unit) => {
  const tokens = await client.clientCredentialsGrant(oidc, { scope: config.scope });
  try {
    const response = await client.fetchProtectedResource(oidc, tokens.access_token, apiUrl(unit), unit.method, requestBody(unit), new Headers(apiHeaders(unit)));
    return response.status;
  } catch (error) {
    // A response carrying WWW-Authenticate (e.g. 401 invalid_token, 403 insufficient_scope) is thrown, not returned.
    if (error instanceof client.WWWAuthenticateChallengeError) error.apiStatus = error.status;
    throw error;
  }
});
