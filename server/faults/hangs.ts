/** How a hung request ended. */
export type HangOutcome = 'released' | 'abandoned' | 'stopped';

interface Hung {
  ruleId: string;
  resolve: (outcome: HangOutcome) => void;
}

/**
 * Requests held by `hang` rules. They wait until the client gives up (abandoned), the rule is
 * removed (released: the request then proceeds normally), or the server stops.
 */
export class HangRegistry {
  #hung = new Set<Hung>();

  hold(ruleId: string, signal: { onClose(listener: () => void): () => void }): Promise<HangOutcome> {
    return new Promise((resolve) => {
      const hung: Hung = {
        ruleId,
        resolve: (outcome) => {
          this.#hung.delete(hung);
          stop();
          resolve(outcome);
        },
      };
      const stop = signal.onClose(() => hung.resolve('abandoned'));
      this.#hung.add(hung);
    });
  }

  release(ruleId: string): void {
    for (const hung of [...this.#hung]) if (hung.ruleId === ruleId) hung.resolve('released');
  }

  stopAll(): void {
    for (const hung of [...this.#hung]) hung.resolve('stopped');
  }

  get size(): number {
    return this.#hung.size;
  }
}
