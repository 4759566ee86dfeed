/**
 * Consents users gave to clients: the scopes each user allowed each client. A later request for
 * scopes within them needs no consent page; one for more (or prompt=consent) asks again.
 */
export class ConsentStore {
  #given = new Map<string, Set<string>>();

  covers(username: string, clientId: string, scopes: readonly string[]): boolean {
    const given = this.#given.get(key(username, clientId));
    return given !== undefined && scopes.every((s) => given.has(s));
  }

  give(username: string, clientId: string, scopes: readonly string[]): void {
    const k = key(username, clientId);
    const given = this.#given.get(k) ?? new Set<string>();
    for (const scope of scopes) given.add(scope);
    this.#given.set(k, given);
  }

  /** Withdraws a user's consent to a client (or to every client): the next authorization asks again. */
  withdraw(username: string, clientId?: string): void {
    if (clientId !== undefined) this.#given.delete(key(username, clientId));
    else for (const k of [...this.#given.keys()]) if (k.startsWith(`${JSON.stringify(username)}\u0000`)) this.#given.delete(k);
  }
}

function key(username: string, clientId: string): string {
  return `${JSON.stringify(username)}\u0000${clientId}`;
}
