import { hash } from 'node:crypto';
import { createLocalJWKSet, type JWTVerifyGetKey } from 'jose';
import type { ResolvedClient } from '../config/types.ts';

/** A registered client with what authentication needs precomputed. */
export interface RegisteredClient extends ResolvedClient {
  /** SHA-256 of the secret, compared in constant time. */
  secretDigest?: Buffer;
  /** Key lookup for private_key_jwt assertions. */
  assertionKeys?: JWTVerifyGetKey;
}

/** What the control API shows of a client: never the secret. */
export type ClientView = Omit<ResolvedClient, 'secret'> & { hasSecret: boolean };

/**
 * The OAuth clients the server knows, from the configuration and the control API. Lookups are
 * by client id; activation is a switch, as an IDCS administrator's "Deactivate" is.
 */
export class ClientRegistry {
  #clients = new Map<string, RegisteredClient>();

  constructor(clients: readonly ResolvedClient[] = []) {
    for (const client of clients) this.upsert(client);
  }

  /** Adds a client, or replaces the one with the same id. */
  upsert(client: ResolvedClient): RegisteredClient {
    const registered: RegisteredClient = {
      ...client,
      secretDigest: client.secret === undefined ? undefined : digest(client.secret),
      assertionKeys: client.jwks ? createLocalJWKSet(client.jwks as Parameters<typeof createLocalJWKSet>[0]) : undefined,
    };
    this.#clients.set(client.id, registered);
    return registered;
  }

  get(id: string): RegisteredClient | undefined {
    return this.#clients.get(id);
  }

  setActive(id: string, active: boolean): RegisteredClient | undefined {
    const client = this.#clients.get(id);
    if (client) client.active = active;
    return client;
  }

  list(): ClientView[] {
    return [...this.#clients.values()].map(view);
  }
}

export function view(client: RegisteredClient): ClientView {
  const { secret, secretDigest: _digest, assertionKeys: _keys, ...rest } = client;
  return { ...rest, hasSecret: secret !== undefined };
}

export function digest(value: string): Buffer {
  // The one-shot form: a Hash object per token request showed in the token endpoint's profile.
  return hash('sha256', value, 'buffer');
}
