import { defaultScopeOf } from '../../server/config/index.ts';
import type { UnderstudyServer } from '../../server/index.ts';
import { UNIT_PARAMETER } from '../../server/journal/types.ts';
import type { ClientEnvironment } from '../drivers/driver.ts';
import { template } from '../drivers/environment.ts';
import type { ClientDeclaration } from '../scenario/declaration.ts';
import type { Scenario } from '../scenario/schema.ts';
import { HarnessError } from '../errors.ts';
import type { AssertionKey } from './assertion-key.ts';

type ConfiguredClient = UnderstudyServer['config']['clients'][number];

/** What an authorization code client is told: the endpoints a browser visits and its registered URIs. */
function signInEndpoints(client: ConfiguredClient, server: UnderstudyServer): Partial<ClientEnvironment> {
  if (!client.grants.includes('authorization_code')) return {};
  const absolute = (uri: string) => (uri.startsWith('/') ? `${server.url}${uri}` : uri);
  const redirectUri = client.redirectUris[0];
  const postLogout = client.postLogoutRedirectUris[0];
  return {
    authorizationUrl: server.urls.authorizeUrl,
    userinfoUrl: server.urls.userinfoUrl,
    endSessionUrl: server.urls.logoutUrl,
    ...(redirectUri ? { redirectUri: absolute(redirectUri) } : {}),
    ...(postLogout ? { postLogoutRedirectUri: absolute(postLogout) } : {}),
  };
}

/** A unit's API path with its tag, so the judge can follow the unit's calls (replays included) through the journal. */
export function tagUnitPath(path: string, unitId: number): string {
  return `${path}${path.includes('?') ? '&' : '?'}${UNIT_PARAMETER}=${unitId}`;
}

/** What the client under test is told about the scenario's server, its credentials and what it declared. */
export function clientEnvironment(scenario: Scenario, server: UnderstudyServer, declaration: ClientDeclaration, assertion?: AssertionKey): ClientEnvironment {
  const client = scenario.client ?? {};
  const configured = server.config.clients.find((c) => c.id === client.id) ?? server.config.clients[0];
  if (!configured) throw new Error('the scenario server has no client configured');
  const user = client.user === undefined ? undefined : server.config.users.find((u) => u.username === client.user);
  if (client.user !== undefined && !user) {
    throw new HarnessError('SCENARIO_INVALID', `client.user ${client.user} is not one of the server's users (${server.config.users.map((u) => u.username).join(', ') || 'none configured: add server.users'})`);
  }
  const base = {
    tokenUrl: server.urls.tokenUrl,
    issuer: server.urls.issuer,
    jwksUrl: server.urls.jwksUrl,
    discoveryUrl: server.urls.discoveryUrl,
    clientId: client.id ?? configured.id,
    clientSecret: client.secret ?? configured.secret ?? '',
    scope: client.scope ?? defaultScopeOf(configured, server.config.profile),
    apiUrl: server.url,
    tokenHeaders: client.tokenHeaders ?? {},
    apiHeaders: client.apiHeaders ?? {},
    ...(declaration.requestTimeout === undefined ? {} : { requestTimeoutMs: Math.round(declaration.requestTimeout * 1000) }),
    // The password only for the password grant: a user-assertion client asserts the user, it does not log in.
    ...(user ? { username: user.username, ...(configured.grants.includes('password') ? { password: user.password } : {}) } : {}),
    ...signInEndpoints(configured, server),
    ...(assertion ? { assertionKey: assertion.privateKeyPem, assertionKid: assertion.kid } : {}),
  };
  const variables = Object.fromEntries(Object.entries(client.env ?? {}).map(([name, value]) => [name, template(value, base)]));
  return { ...base, variables };
}
