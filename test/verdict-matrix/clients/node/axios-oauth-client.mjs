// axios-oauth-client 2.2.0 (axios 1.21.1), used as its README shows: "Client Credentials grant"
// (clientCredentials(axios.create(), url, id, secret) then getClientCredentials(scopes)) and, when
// UNDERSTUDY_USERNAME is set, "Owner Credentials grant" (ownerCredentials(...) then
// getOwnerCredentials(user, password, scopes)). The library only performs grants: it keeps no token and
// has no expiry or refresh logic, so (adding none) every unit makes its own token request, and refresh
// tokens are not used (the app would own when to call refreshToken()). The axios instance handed to the
// library carries the token-request headers and timeout (axios `headers`, `timeout` in ms, 0 = none).
// The API call is plain fetch: axios-oauth-client has no API helper.
import axios from 'axios';
import { clientCredentials, ownerCredentials } from 'axios-oauth-client';
import { apiHeaders, apiUrl, config, requestBody, serve } from './protocol.mjs';

const http = axios.create({ headers: config.tokenHeaders, ...(config.timeoutMs !== undefined && { timeout: config.timeoutMs }) });
const getClientCredentials = clientCredentials(http, config.tokenUrl, config.clientId, config.clientSecret);
const getOwnerCredentials = ownerCredentials(http, config.tokenUrl, config.clientId, config.clientSecret);
const getToken = () =>
  config.username !== undefined ? getOwnerCredentials(config.username, config.password, config.scope) : getClientCredentials(config.scope);

serve(async (unit) => {
  const auth = await getToken();
  const authorization = `Bearer ${auth.access_token}`;
  const response = await fetch(apiUrl(unit), { method: unit.method, headers: { ...apiHeaders(unit), authorization }, body: requestBody(unit) });
  return response.status;
});
