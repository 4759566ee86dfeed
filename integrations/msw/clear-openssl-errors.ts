import { createPrivateKey, generateKeyPairSync } from 'node:crypto';

/**
 * A small key to parse: parsing succeeds unless an error is already queued. Made at load time, so
 * no private key sits in the source; made before any mocked connection, so on a clean queue.
 */
const PROBE = {
  key: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'der' }),
  format: 'der',
  type: 'pkcs8',
} as const;

/** More stale errors than one connection leaves; a bound, so a broken OpenSSL cannot loop forever. */
const MAX_STALE = 16;

/**
 * Empties OpenSSL's error queue on the main thread. Why: msw 3.0.5 mocks the TLS handshake and
 * hands the client a session ticket that is not one ("mocked session"); when undici opens a new
 * connection to the same host it resumes with that ticket, Node's TLSSocket.setSession fails to
 * parse it without reporting it, and the error stays queued. The next main-thread crypto call
 * that checks the queue then fails for no reason of its own: crypto.createPrivateKey throws
 * "asn1 encoding routines::too long", WebCrypto importKey "Invalid keyData". A failed private-key
 * parse reports (and so removes) the oldest queued error, so parsing a valid key until it
 * succeeds leaves the queue empty; with nothing queued this is one parse.
 */
export function clearOpenSslErrors(): void {
  for (let i = 0; i < MAX_STALE; i++) {
    try {
      createPrivateKey(PROBE);
      return;
    } catch {
      // A stale error was reported and removed: try again.
    }
  }
}
