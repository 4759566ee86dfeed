import { defaultScopeOf } from '../../server/config/index.ts';
import type { UnderstudyServer } from '../../server/index.ts';
import { environmentVariables } from '../../harness/drivers/environment.ts';

/** How a client authenticates to the fixture's server: spread it into your client's settings. */
export interface UnderstudyCredentials {
  clientId: string;
  clientSecret: string;
  /** The client's first granted scope, written as the profile expects: `<audience><scope>` under idcs, bare under rfc9068. */
  scope: string;
}

/**
 * The credentials of one configured client: `clientId`, or the first client (the embedded
 * `demo-client` when the configuration brings none).
 * @throws Error naming the configured clients when `clientId` is not one of them.
 */
export function clientCredentials(server: UnderstudyServer, clientId?: string): UnderstudyCredentials {
  const clients = server.config.clients;
  const configured = clientId === undefined ? clients[0] : clients.find((client) => client.id === clientId);
  if (!configured) {
    const known = clients.map((client) => client.id).join(', ') || '(none)';
    throw new Error(
      clientId === undefined
        ? 'understudy: the configuration has no client; add one under config.clients'
        : `understudy: options.client is "${clientId}", but no configured client has that id; configured clients: ${known}`,
    );
  }
  return { clientId: configured.id, clientSecret: configured.secret ?? '', scope: defaultScopeOf(configured, server.config.profile) };
}

/**
 * The UNDERSTUDY_* record a client module's `createClient(env)` reads (the same variables the
 * harness's drivers set), pointing at `server` with `credentials`.
 */
export function clientEnvironment(server: UnderstudyServer, credentials: UnderstudyCredentials): Record<string, string> {
  return environmentVariables({
    tokenUrl: server.urls.tokenUrl,
    issuer: server.urls.issuer,
    jwksUrl: server.urls.jwksUrl,
    discoveryUrl: server.urls.discoveryUrl,
    apiUrl: server.url,
    ...credentials,
    tokenHeaders: {},
    apiHeaders: {},
    variables: {},
  });
}
