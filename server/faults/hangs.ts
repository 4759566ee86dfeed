/** How a hung request ended. */
/** `ended`: a harness settling its run ended the hold, the client still waiting. */
export type HangOutcome = 'released' | 'abandoned' | 'stopped' | 'ended';

/** The connection of a held request: whether its client is still there, and when it leaves. */
export interface HeldConnection {
  /** True once the socket is gone (the client gave up, or it was closed before the hold began). */
  closed(): boolean;
  onClose(listener: () => void): () => void;
}

interface Hung {
  ruleId: string;
  resolve: (outcome: HangOutcome) => void;
}

/**
 * Requests held by `hang` rules. They wait until the client gives up (abandoned), the rule is
 * removed (released: the request then proceeds normally), or the server stops. A request whose
 * client is already gone is abandoned, never released: it must not be journaled as answered.
 */
export class HangRegistry {
  #hung = new Set<Hung>();

  hold(ruleId: string, connection: HeldConnection): Promise<HangOutcome> {
    if (connection.closed()) return Promise.resolve('abandoned');
    return new Promise((resolve) => {
      const hung: Hung = {
        ruleId,
        resolve: (outcome) => {
          this.#hung.delete(hung);
          stop();
          // A client that is gone abandoned its request, whatever ended the hold.
          resolve(outcome !== 'stopped' && connection.closed() ? 'abandoned' : outcome);
        },
      };
      const stop = connection.onClose(() => hung.resolve('abandoned'));
      this.#hung.add(hung);
    });
  }

  release(ruleId: string): void {
    for (const hung of [...this.#hung]) if (hung.ruleId === ruleId) hung.resolve('released');
  }

  /** Ends every held request: the server stops (`stopped`), or a harness settles the journal at the end of a run (`ended`). */
  stopAll(outcome: 'stopped' | 'ended' = 'stopped'): void {
    for (const hung of [...this.#hung]) hung.resolve(outcome);
  }

  get size(): number {
    return this.#hung.size;
  }
}
