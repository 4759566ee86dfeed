import { hash } from 'node:crypto';
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import type { ResolvedClient } from '../config/types.ts';

/** A registered client with what authentication needs precomputed. */
export interface RegisteredClient extends ResolvedClient {
  /** SHA-256 of the secret, compared in constant time. */
  secretDigest?: Buffer;
  /** Key lookup for its assertions (private_key_jwt client assertions, JWT user assertions). */
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
      assertionKeys: client.jwks ? assertionKeyLookup(client.jwks as JSONWebKeySet) : undefined,
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

/**
 * The client's keys by the assertion's `kid` (IDCS: the certificate alias) or, without one, by
 * `x5t`, the certificate's SHA-1 thumbprint (IDCS accepts either): when the client registered
 * certificates, only the key whose own `x5t`, or whose `x5c` certificate, has that thumbprint.
 */
function assertionKeyLookup(jwks: JSONWebKeySet): JWTVerifyGetKey {
  const byKid = createLocalJWKSet(jwks);
  // Keys without certificates cannot be told apart by thumbprint: then x5t is no lookup at all
  // (libraries such as Nimbus add it to every header).
  const certified = jwks.keys.some((jwk) => jwk.x5t !== undefined || jwk.x5c !== undefined);
  return (header, token) => {
    if (header.kid !== undefined || typeof header.x5t !== 'string' || !certified) return byKid(header, token);
    const key = jwks.keys.find((jwk) => jwk.x5t === header.x5t || (jwk.x5c?.[0] !== undefined && sha1Thumbprint(jwk.x5c[0]) === header.x5t));
    // A thumbprint no registered certificate has names no key: the assertion cannot be trusted.
    if (!key) throw new errors.JWKSNoMatchingKey();
    return createLocalJWKSet({ keys: [key] })(header, token);
  };
}

function sha1Thumbprint(certificateBase64: string): string {
  return hash('sha1', Buffer.from(certificateBase64, 'base64'), 'base64url');
}
