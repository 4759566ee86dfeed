import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** How a fault's wait ended. */
export type WaitOutcome = 'elapsed' | 'abandoned' | 'stopped';

/** Real milliseconds a wait sleeps at most before it looks at the clocks again. */
const SLICE_MS = 20;

/**
 * Waits `ms` for a `delay` fault, but not past the moment the client hangs up (its answer would
 * go nowhere, and the journal should say so) or the server stops (shutdown must not wait out a
 * long delay, and the request's journal entry must be written before the file is closed).
 *
 * The wait ends after `ms` on the server's virtual clock or in real time, whichever comes first:
 * a client on the virtual clock sped up (libfaketime) sees the delay it was configured with, and
 * a frozen virtual clock does not hold the request forever.
 */
export async function waitUnlessInterrupted(ms: number, socket: Socket, stopped: AbortSignal, virtualNowMs: () => number = () => performance.now()): Promise<WaitOutcome> {
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
  const realStart = performance.now();
  const virtualStart = virtualNowMs();
  try {
    for (;;) {
      const real = performance.now() - realStart;
      const virtual = virtualNowMs() - virtualStart;
      const left = Math.min(ms - real, ms - virtual);
      if (left <= 0) break;
      // How fast the virtual clock has run so far (1 when it follows real time): sleep about as
      // long as it needs to cover the rest, in slices so a change of pace is noticed.
      const rate = real > 0 && virtual > real ? virtual / real : 1;
      await sleep(Math.max(1, Math.min(SLICE_MS, ms - real, (ms - virtual) / rate)), undefined, { signal: interrupted.signal });
    }
  } catch {
    // Aborted: the outcome says by what.
  } finally {
    socket.off('close', onClose);
    stopped.removeEventListener('abort', onStop);
  }
  return outcome;
}
