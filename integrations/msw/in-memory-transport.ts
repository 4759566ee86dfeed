import { createServer, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type RequestListener } from 'node:http';
import type { Duplex } from 'node:stream';
import { createSocketPair } from './in-memory-socket.ts';

/** Statuses whose Fetch Response cannot have a body (Fetch standard, "null body status"). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** Connection-level headers (RFC 9110 §7.6.1): about the in-memory hop, not the message. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding']);

/** Request headers Node's client writes itself, from the URL and the buffered body. */
const COMPUTED = new Set([...HOP_BY_HOP, 'content-length', 'host']);

/** Fetch in, Fetch out, through Node's own HTTP client and server, with no port. */
export interface InMemoryTransport {
  /**
   * Sends `request` to the listener and resolves with its answer. A connection the listener
   * resets or closes without an answer resolves with `Response.error()` (a network error); a
   * body it cuts short errors the Response's body stream, as undici does; a request whose
   * signal aborts closes the connection, which is what the listener sees.
   * @throws Error once the transport is closed.
   */
  send(request: Request): Promise<Response>;
  /** Connections still open (answers not read to the end included). */
  readonly openConnections: number;
  /** Closes every open connection; later `send` calls throw. */
  close(): void;
}

/**
 * Puts a Node request listener (understudy's Koa app) behind an in-memory HTTP/1.1 connection
 * per request. Real Node HTTP on both ends, rather than synthetic request and response objects,
 * so the fault layer's socket-level faults (reset, empty reply, truncation, hang) and Koa's
 * streaming work exactly as they do over TCP.
 */
export function createInMemoryTransport(listener: RequestListener): InMemoryTransport {
  // Never listens: connections are handed to it with emit('connection').
  const server = createServer(listener);
  const open = new Set<Duplex>();
  let closed = false;

  async function send(request: Request): Promise<Response> {
    if (closed) throw new Error(`understudy: ${request.method} ${request.url} arrived after close(); remove these handlers from msw (server.resetHandlers()) before closing them, or create new ones`);
    const url = new URL(request.url);
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    if (request.signal.aborted) return Response.error();

    const sockets = createSocketPair();
    open.add(sockets.server);
    sockets.server.once('close', () => open.delete(sockets.server));
    server.emit('connection', sockets.server);

    return new Promise<Response>((resolve) => {
      const outgoing = httpRequest({
        method: request.method,
        path: `${url.pathname}${url.search}`,
        headers: toNodeHeaders(request.headers, url.host),
        createConnection: () => sockets.client as never,
      });
      // The client went away: closing its side closes the server's (see createSocketPair), as over TCP.
      const abort = () => {
        outgoing.destroy();
        sockets.client.destroy();
      };
      request.signal.addEventListener('abort', abort, { once: true });
      outgoing.once('response', (incoming) => {
        incoming.once('close', () => request.signal.removeEventListener('abort', abort));
        resolve(toFetchResponse(incoming, request.method));
      });
      // Reset, closed without an answer, or aborted before the status line: no HTTP answer at all.
      // `on`, not `once`: a request destroyed after its answer began may report again, and an
      // unheard 'error' would crash the test process.
      outgoing.on('error', () => {
        request.signal.removeEventListener('abort', abort);
        resolve(Response.error());
      });
      outgoing.end(body);
    });
  }

  return {
    send,
    get openConnections() {
      return open.size;
    },
    close() {
      closed = true;
      for (const socket of open) socket.destroy();
      open.clear();
    },
  };
}

function toNodeHeaders(headers: Headers, host: string): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = { host };
  for (const [name, value] of headers) if (!COMPUTED.has(name)) out[name] = value;
  // Headers joins Set-Cookie-like repeats with ", ", which is also how HTTP/1.1 folds them.
  return out;
}

function toFetchResponse(incoming: IncomingMessage, method: string): Response {
  const status = incoming.statusCode ?? 500;
  const headers = new Headers();
  const raw = incoming.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    // Connection and framing belong to the in-memory hop; msw frames the body again for the client.
    if (!HOP_BY_HOP.has(name.toLowerCase())) headers.append(name, raw[i + 1] as string);
  }
  if (method === 'HEAD' || NULL_BODY_STATUSES.has(status)) {
    incoming.on('error', () => undefined).resume();
    return new Response(null, { status, statusText: incoming.statusMessage, headers });
  }
  return new Response(bodyStream(incoming), { status, statusText: incoming.statusMessage, headers });
}

/**
 * The answer's body as a web stream that hands out every byte received before it reports the
 * connection breaking. Streamed, not buffered, so a body cut short by a `truncate` fault reads
 * as undici's does: the response resolves, reading its body fails. (Readable.toWeb would drop
 * the received part: erroring a web stream discards its queue.)
 */
function bodyStream(incoming: IncomingMessage): ReadableStream<Uint8Array> {
  const received: Uint8Array[] = [];
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  incoming.on('data', (chunk: Buffer) => {
    received.push(new Uint8Array(chunk));
    notify();
  });
  incoming.once('end', () => {
    ended = true;
    notify();
  });
  incoming.on('error', (error) => {
    failure ??= error;
    notify();
  });
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        while (received.length === 0 && !ended && failure === undefined) await new Promise<void>((resolve) => (wake = resolve));
        const chunk = received.shift();
        if (chunk) controller.enqueue(chunk);
        else if (ended) controller.close();
        else controller.error(failure);
      },
      cancel() {
        incoming.destroy();
      },
    },
    // Pull one chunk per read, so nothing sits in the stream's own queue when the error comes.
    { highWaterMark: 0 },
  );
}
