// @badgateway/oauth2-client 3.3.1, used as its README shows: "Usage" (new OAuth2Client with server,
// clientId, clientSecret, tokenEndpoint) and "Fetch Wrapper" (new OAuth2Fetch({ client, getNewToken })
// whose getNewToken returns client.clientCredentials(), or client.password() from the "password grant"
// section when UNDERSTUDY_USERNAME is set). OAuth2Fetch owns the token: cache, refresh (with the
// refresh_token when it has one), single flight and the replay after a 401; fetchWrapper.fetch()
// makes the API call. Token-request headers go through the `fetch` client setting, which the typings
// document for this ("to implement middlewares or set custom headers"). No timeout option exists.
import { OAuth2Client, OAuth2Fetch } from '@badgateway/oauth2-client';
import { apiHeaders, apiUrl, config, requestBody, serve } from './protocol.mjs';

const client = new OAuth2Client({
  server: new URL(config.tokenUrl).origin,
  clientId: config.clientId,
  clientSecret: config.clientSecret,
  tokenEndpoint: config.tokenUrl,
  fetch: (url, init) => fetch(url, { ...init, headers: { ...init?.headers, ...config.tokenHeaders } }),
});
const scope = config.scope.split(' ').filter(Boolean);

const fetchWrapper = new OAuth2Fetch({
  client,
  getNewToken: () =>
    config.username !== undefined
      ? client.password({ username: config.username, password: config.password, scope: [...scope, 'offline_access'] })
      : client.clientCredentials({ scope }),
});

serve(async (unit) => {
  const response = await fetchWrapper.fetch(apiUrl(unit), { method: unit.method, headers: apiHeaders(unit), body: requestBody(unit) });
  return response.status;
});
