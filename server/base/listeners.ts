/**
 * The watchers of one kind of change (a journal entry, a revocation, a key rotation...): `add`
 * one and get its unsubscribe function, `notify` them all. A watcher that throws is skipped, so
 * whoever watches (an open dashboard, a closed SSE stream) can never fail or undo the change.
 */
export class Listeners<Args extends unknown[] = []> {
  #listeners = new Set<(...args: Args) => void>();

  /** Adds a listener; the returned function removes it. */
  add(listener: (...args: Args) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Calls every listener with `args`, in the order they were added. */
  notify(...args: Args): void {
    for (const listener of this.#listeners) {
      try {
        listener(...args);
      } catch {
        // See the class comment: the change stands whatever a watcher does.
      }
    }
  }

  /** Removes every listener. */
  clear(): void {
    this.#listeners.clear();
  }
}
