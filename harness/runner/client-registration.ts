import { JWT_BEARER_GRANT } from '../../server/authorization/grants/jwt-bearer-grant.ts';
import { assertionKey, type AssertionKey } from './assertion-key.ts';

type ClientConfig = { id?: unknown; grants?: unknown; jwks?: unknown; redirectUris?: unknown };

/** The scenario server's configuration with the client under test registered, and the assertion key it was given. */
export interface RegisteredClient {
  config: Record<string, unknown>;
  /** Present when the scenario client was registered with the harness's assertion key. */
  assertionKey?: AssertionKey;
}

/**
 * The scenario's server configuration with what the client under test brings registered for the
 * scenario client (`client.id`, else the first client, as the client's environment picks it): the
 * harness's assertion key, when the client may use the JWT bearer grant and the scenario gives it
 * no keys; and the client's own callback listener (declared `redirectUri`), first among its
 * redirect URIs so that the client is told it.
 */
export async function registerClient(config: Record<string, unknown>, clientId: string | undefined, redirectUri: string | undefined): Promise<RegisteredClient> {
  const clients = config.clients;
  if (!Array.isArray(clients)) return { config };
  const found = clientId === undefined ? -1 : clients.findIndex((c) => (c as ClientConfig | undefined)?.id === clientId);
  const index = found === -1 ? 0 : found;
  const client = clients[index] as ClientConfig | undefined;
  if (!client) return { config };
  const grants = Array.isArray(client.grants) ? (client.grants as unknown[]) : [];
  let registered: ClientConfig = client;
  let key: AssertionKey | undefined;
  if (grants.includes(JWT_BEARER_GRANT) && client.jwks === undefined) {
    key = await assertionKey();
    registered = { ...registered, jwks: { keys: [key.publicJwk] } };
  }
  if (redirectUri !== undefined && grants.includes('authorization_code')) {
    const existing = Array.isArray(client.redirectUris) ? (client.redirectUris as unknown[]).filter((uri) => uri !== redirectUri) : [];
    registered = { ...registered, redirectUris: [redirectUri, ...existing] };
  }
  if (registered === client) return { config };
  const updated = clients.slice();
  updated[index] = registered;
  return { config: { ...config, clients: updated }, ...(key ? { assertionKey: key } : {}) };
}
