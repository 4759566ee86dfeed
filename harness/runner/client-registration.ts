import { ASSERTION_KID, assertionKey, JWT_BEARER, type AssertionKey } from './assertion-key.ts';

type ClientConfig = { id?: unknown; grants?: unknown; jwks?: unknown; redirectUris?: unknown };

/**
 * The scenario's server configuration with what the client under test brings registered for the
 * scenario client: the harness's assertion key, when the client may use the JWT bearer grant and
 * the scenario gives it no keys; and the client's own callback listener (declared `redirectUri`),
 * first among its redirect URIs so that the client is told it.
 */
export async function registerClient(config: Record<string, unknown>, clientId: string | undefined, redirectUri: string | undefined): Promise<Record<string, unknown>> {
  const clients = config.clients;
  if (!Array.isArray(clients)) return config;
  const index = clientId === undefined ? 0 : clients.findIndex((c) => (c as ClientConfig | undefined)?.id === clientId);
  const client = clients[index] as ClientConfig | undefined;
  if (!client) return config;
  const grants = Array.isArray(client.grants) ? (client.grants as unknown[]) : [];
  let registered: ClientConfig = client;
  if (grants.includes(JWT_BEARER) && client.jwks === undefined) registered = { ...registered, jwks: { keys: [(await assertionKey()).publicJwk] } };
  if (redirectUri !== undefined && grants.includes('authorization_code')) {
    const existing = Array.isArray(client.redirectUris) ? (client.redirectUris as unknown[]).filter((uri) => uri !== redirectUri) : [];
    registered = { ...registered, redirectUris: [redirectUri, ...existing] };
  }
  if (registered === client) return config;
  const updated = clients.slice();
  updated[index] = registered;
  return { ...config, clients: updated };
}

/** The assertion key, when `registerClient` registered it for some client of `config`. */
export async function usedAssertionKey(config: Record<string, unknown>): Promise<AssertionKey | undefined> {
  const clients = Array.isArray(config.clients) ? (config.clients as ClientConfig[]) : [];
  const uses = clients.some((c) => Array.isArray((c?.jwks as { keys?: unknown } | undefined)?.keys) && ((c.jwks as { keys: { kid?: unknown }[] }).keys).some((k) => k?.kid === ASSERTION_KID));
  return uses ? assertionKey() : undefined;
}
