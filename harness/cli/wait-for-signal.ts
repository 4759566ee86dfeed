/** A pending wait for a termination signal; `dispose()` removes the listeners. */
export interface SignalWait {
  /** Resolves with the name of the first signal received. */
  received: Promise<NodeJS.Signals>;
  dispose(): void;
}

/**
 * Waits for the first of `signals`. Listeners are removed as soon as one arrives, so a second
 * Ctrl-C during shutdown gets Node's default behaviour and ends the process at once.
 */
export function waitForSignal(signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM']): SignalWait {
  let onSignal: (signal: NodeJS.Signals) => void = () => {};
  const dispose = () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
  const received = new Promise<NodeJS.Signals>((resolve) => {
    onSignal = (signal) => {
      dispose();
      resolve(signal);
    };
  });
  for (const signal of signals) process.on(signal, onSignal);
  return { received, dispose };
}
