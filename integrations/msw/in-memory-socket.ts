import { duplexPair, type Duplex } from 'node:stream';

/** The address understudy sees for an in-memory caller: the test process is on this machine. */
const LOOPBACK = '127.0.0.1';

/**
 * Two connected in-memory streams: `client` for Node's HTTP client, `server` for Node's HTTP
 * server. Bytes written to one are read from the other, and destroying either side closes
 * both, so a reset, a cut body or a client that gives up behave as over TCP.
 */
export function createSocketPair(): { client: Duplex; server: Duplex } {
  const [client, server] = duplexPair();
  return { client, server: asServerSocket(server) };
}

/**
 * Gives a stream the net.Socket members understudy's fault layer and journal use, so the same
 * code answers over TCP and in memory.
 */
function asServerSocket(stream: Duplex): Duplex {
  Object.assign(stream, {
    remoteAddress: LOOPBACK,
    remoteFamily: 'IPv4',
    // A TCP RST: the client sees ECONNRESET (the `reset` fault).
    resetAndDestroy() {
      stream.destroy(Object.assign(new Error('connection reset by understudy'), { code: 'ECONNRESET' }));
      return stream;
    },
    // FIN after what was written: the client sees the connection end without a response (`empty_reply`).
    destroySoon() {
      stream.end(() => stream.destroy());
    },
    // Node's HTTP server tunes sockets with these when its options ask for it; in memory there is nothing to tune.
    setTimeout: () => stream,
    setNoDelay: () => stream,
    setKeepAlive: () => stream,
  });
  return stream;
}
