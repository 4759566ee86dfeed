// simple-oauth2 5.1.0, used as its README shows: "Client Credentials Grant" (new ClientCredentials(config),
// client.getToken({ scope })), "Resource Owner Password Credentials Grant" (new ResourceOwnerPassword,
// getToken({ username, password, scope })) when UNDERSTUDY_USERNAME is set, and "Refresh an access token":
// keep the AccessToken, check accessToken.expired(EXPIRATION_WINDOW_IN_SECONDS) with the README's
// constant 300, then accessToken.refresh() (password grant) or, as the README's warning says for
// client credentials, "Fetch a new token when it's expired". No single flight (the library has none).
// The API call is plain fetch: simple-oauth2 has no API helper. Token-request headers and the timeout
// go in the documented `http` option (wreck defaults: headers, timeout in ms; no timeout by default).
import { ClientCredentials, ResourceOwnerPassword } from 'simple-oauth2';
import { apiHeaders, apiUrl, config, requestBody, serve } from './protocol.mjs';

const tokenUrl = new URL(config.tokenUrl);
const options = {
  client: { id: config.clientId, secret: config.clientSecret },
  auth: { tokenHost: tokenUrl.origin, tokenPath: tokenUrl.pathname },
  http: { headers: config.tokenHeaders, ...(config.timeoutMs !== undefined && { timeout: config.timeoutMs }) },
};
const EXPIRATION_WINDOW_IN_SECONDS = 300; // the README's value
const user = config.username !== undefined;
const client = user ? new ResourceOwnerPassword(options) : new ClientCredentials(options);
const fetchToken = () =>
  user ? client.getToken({ username: config.username, password: config.password, scope: `${config.scope} offline_access` }) : client.getToken({ scope: config.scope });

let accessToken;
async function getAccessToken() {
  if (!accessToken) accessToken = await fetchToken();
  else if (accessToken.expired(EXPIRATION_WINDOW_IN_SECONDS)) accessToken = user ? await accessToken.refresh() : await fetchToken();
  return accessToken.token.access_token;
}

serve(async (unit) => {
  const authorization = `Bearer ${await getAccessToken()}`;
  const response = await fetch(apiUrl(unit), { method: unit.method, headers: { ...apiHeaders(unit), authorization }, body: requestBody(unit) });
  return response.status;
});
