import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** How a fault's wait ended. */
export type WaitOutcome = 'elapsed' | 'abandoned' | 'stopped';

/**
 * Waits `ms` for a `delay` fault, but not past the moment the client hangs up (its answer would
 * go nowhere, and the journal should say so) or the server stops (shutdown must not wait out a
 * long delay, and the request's journal entry must be written before the file is closed).
 */
export async function waitUnlessInterrupted(ms: number, socket: Socket, stopped: AbortSignal): Promise<WaitOutcome> {
  if (stopped.aborted) return 'stopped';
  if (socket.destroyed) return 'abandoned';
  const interrupted = new AbortController();
  let outcome: WaitOutcome = 'elapsed';
  // The first cause wins: stopping the server also closes its sockets, and that close is not
  // the client hanging up.
  const onClose = () => {
    if (outcome === 'elapsed') outcome = 'abandoned';
    interrupted.abort();
  };
  const onStop = () => {
    if (outcome === 'elapsed') outcome = 'stopped';
    interrupted.abort();
  };
  socket.once('close', onClose);
  stopped.addEventListener('abort', onStop, { once: true });
  try {
    await sleep(ms, undefined, { signal: interrupted.signal });
  } catch {
    // Aborted: the outcome says by what.
  } finally {
    socket.off('close', onClose);
    stopped.removeEventListener('abort', onStop);
  }
  return outcome;
}
