import { defaultScopeOf } from '../../server/config/index.ts';
import type { UnderstudyServer } from '../../server/index.ts';
import { basicCredentials, formEncode } from './form-encode.ts';
import { shellQuote } from './shell-quote.ts';
import { absoluteUri } from '../../server/authorization/interaction/registered-uri.ts';

/** The first configured client's credentials and a scope to ask for, as the banner shows them. */
export interface DemoCredentials {
  clientId: string;
  secret: string | undefined;
  /** The client's first granted scope, in the form the profile's clients write it; undefined = none granted. */
  scope: string | undefined;
}

/**
 * Picks the credentials to advertise: the first configured client. Its scope is written
 * fully-qualified "<audience><scope>" for idcs (how IDCS clients ask for it) and bare for rfc9068.
 */
export function demoCredentials(server: UnderstudyServer): DemoCredentials | undefined {
  const client = server.config.clients[0];
  if (!client) return undefined;
  const scope = defaultScopeOf(client, server.config.profile) || undefined;
  return { clientId: client.id, secret: client.secret, scope };
}

/**
 * The text `understudy serve` prints once it listens: where everything is, the demo credentials
 * and two curl lines (get a token into $TOKEN, call the first API route with it) to paste.
 */
export function formatBanner(server: UnderstudyServer, version: string): string {
  const { urls, config } = server;
  const lines = [
    `understudy ${version} is serving the ${config.profile} profile at ${server.url}`,
    '',
    ...table([
      ['issuer', urls.issuer],
      ['base URL', urls.baseUrl],
      ['token URL', urls.tokenUrl],
      ['authorize URL', urls.authorizeUrl],
      ['JWKS URL', urls.jwksUrl],
      ['discovery URL', urls.discoveryUrl],
      ['control URL', urls.controlUrl],
      ['journal', config.journal.file ? `${urls.controlUrl}/journal and ${config.journal.file}` : `${urls.controlUrl}/journal`],
    ]),
    '',
  ];

  const demo = demoCredentials(server);
  if (!demo) {
    lines.push('No clients are configured; add one under "clients" in the config file or with POST /_understudy/clients.', '');
  } else {
    lines.push(...table([['client id', demo.clientId], ['client secret', demo.secret ?? `(none: ${demo.clientId} authenticates with private_key_jwt)`], ['scope', demo.scope ?? '(none granted)']]), '');
    if (demo.secret !== undefined) {
      lines.push('Get a token into $TOKEN:', `  ${tokenCurl(urls.tokenUrl, demo.clientId, demo.secret, demo.scope)}`);
      const route = server.config.api.routes[0];
      if (route) lines.push('Call the API with it:', `  ${apiCurl(urls.baseUrl, route)}`);
      lines.push('');
    }
  }
  const signIn = authorizeUrl(server);
  if (signIn) lines.push(`Sign in as a user (${signIn.user}) through the web app ${signIn.clientId}, in a browser:`, `  ${signIn.url}`, '');
  lines.push('Press Ctrl-C to stop.', '');
  return lines.join('\n');
}

/**
 * A ready-to-open authorization request of the first authorization_code client that needs no
 * PKCE (a browser address bar cannot compute a challenge), for the first configured user.
 */
export function authorizeUrl(server: UnderstudyServer): { url: string; clientId: string; user: string } | undefined {
  const client = server.config.clients.find((c) => c.grants.includes('authorization_code') && !c.pkce.required && c.redirectUris.length > 0);
  const user = server.config.users[0];
  if (!client || !user) return undefined;
  const redirect = client.redirectUris[0] as string;
  const resourceScope = defaultScopeOf(client, server.config.profile);
  const params = new URLSearchParams({
    client_id: client.id,
    response_type: 'code',
    redirect_uri: absoluteUri(redirect, server.urls.baseUrl),
    scope: ['openid', 'profile', 'email', resourceScope, client.grants.includes('refresh_token') ? 'offline_access' : ''].filter(Boolean).join(' '),
    state: 'understudy-demo',
    nonce: 'understudy-demo',
  });
  return { url: `${server.urls.authorizeUrl}?${params}`, clientId: client.id, user: `${user.username} / ${user.password}` };
}

function table(rows: [string, string][]): string[] {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`);
}

/**
 * `TOKEN=$(curl ... | sed ...)`: a client_credentials request with HTTP Basic authentication
 * (RFC 6749 §2.3.1). curl's -u does not form-encode, so credentials that need it go in the
 * header. sed instead of jq keeps the line dependency-free.
 */
function tokenCurl(tokenUrl: string, clientId: string, secret: string, scope: string | undefined): string {
  const auth =
    formEncode(clientId) === clientId && formEncode(secret) === secret
      ? `-u ${shellQuote(`${clientId}:${secret}`)}`
      : `-H ${shellQuote(`Authorization: ${basicCredentials(clientId, secret)}`)}`;
  const scopeArg = scope === undefined ? '' : ` --data-urlencode ${shellQuote(`scope=${scope}`)}`;
  return `TOKEN=$(curl -s ${auth} -d grant_type=client_credentials${scopeArg} ${shellQuote(tokenUrl)} | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')`;
}

function apiCurl(baseUrl: string, route: UnderstudyServer['config']['api']['routes'][number]): string {
  const parts = ['curl -s'];
  if (route.method !== 'GET') parts.push(`-X ${route.method}`);
  parts.push('-H "Authorization: Bearer $TOKEN"');
  for (const header of route.headers) parts.push(`-H ${shellQuote(`${header}: understudy-demo`)}`);
  parts.push(shellQuote(`${baseUrl}${route.path}`));
  return parts.join(' ');
}
