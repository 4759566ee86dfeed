import { duplexPair, type Duplex } from 'node:stream';

/** The address understudy sees for an in-memory caller: the test process is on this machine. */
export const LOOPBACK = '127.0.0.1';

/**
 * Two connected in-memory streams: `client` for Node's HTTP client, `server` for Node's HTTP
 * server. Bytes written to one are read from the other. Node's duplexPair does not pass a
 * destroy on to the other side, so the pair does it where the HTTP ends need it: when the
 * client side closes (an aborted request, a cancelled body, a closed transport) the server side
 * is destroyed too, and understudy sees a hang-up as over TCP (a held request ends "abandoned").
 * When the server side is destroyed (a reset, an empty reply, a cut body) the client reads the
 * end of the stream, which Node's HTTP client reports as a broken connection.
 */
export function createSocketPair(): { client: Duplex; server: Duplex } {
  const [client, server] = duplexPair();
  client.once('close', () => server.destroy());
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
