import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createUnderstudy, handlesOf, type CreateUnderstudyOptions, type UnderstudyHandles } from './create-understudy.ts';

/** What `createServer()` starts: the configuration (object and/or file), the address, and an optional shared clock and initial faults. */
export interface CreateServerOptions extends Omit<CreateUnderstudyOptions, 'baseUrl'> {
  /** Port; 0 = any free port. Default: config.server.port (9400). */
  port?: number;
  /** Address to bind. Default: 127.0.0.1. */
  host?: string;
}

/**
 * A running understudy server, as `createServer()` returns it: its URLs to hand to the client
 * under test, and the in-process handles (clock, journal, faults) a test uses to steer and judge it.
 */
export interface UnderstudyServer extends UnderstudyHandles {
  /** Base URL, e.g. http://127.0.0.1:9400 */
  url: string;
  /** Stops listening, releases open connections (hung requests included) and flushes the journal file. */
  close(): Promise<void>;
}

/**
 * Starts an understudy server: the authorization server of the configured profile, the mock API
 * and the control API on one port. The in-process twin of `understudy serve`.
 */
export async function createServer(options: CreateServerOptions = {}): Promise<UnderstudyServer> {
  const { port, host, ...rest } = options;
  const understudy = await createUnderstudy(rest);
  const { config } = understudy;
  if (port !== undefined) config.server.port = port;
  if (host !== undefined) config.server.host = host;

  const http = createHttpServer(understudy.handleRequest);
  // A client that stalls mid-request must not hold a socket forever.
  http.requestTimeout = 60_000;
  try {
    await listen(http, config.server.port, config.server.host);
  } catch (error) {
    await understudy.close().catch(() => undefined);
    throw error;
  }
  const address = http.address() as AddressInfo;
  const url = `http://${urlHost(config.server.host)}:${address.port}`;
  understudy.setBaseUrl(url);

  return {
    ...handlesOf(understudy),
    url,
    close: () =>
      understudy.close(
        () =>
          new Promise<void>((resolve) => {
            http.close(() => resolve());
            http.closeAllConnections();
          }),
      ),
  };
}

/** The server could not listen; `reason` is the system's error code (EADDRINUSE, EACCES...). */
export class ListenError extends Error {
  readonly code = 'LISTEN_FAILED';
  readonly reason: string | undefined;

  constructor(message: string, reason: string | undefined, cause: unknown) {
    super(message, { cause });
    this.name = 'ListenError';
    this.reason = reason;
  }
}

function listen(http: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      http.off('listening', onListening);
      if (error.code === 'EADDRINUSE') reject(new ListenError(`port ${port} on ${host} is already in use; pick another with --port, or --port 0 for any free port`, error.code, error));
      else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') reject(new ListenError(`cannot bind to host ${host}: it is not an address of this machine`, error.code, error));
      else if (error.code === 'EACCES') reject(new ListenError(`not allowed to listen on port ${port} of ${host} (ports below 1024 need privileges); pick another with --port`, error.code, error));
      else reject(new ListenError(`cannot listen on ${host}:${port}: ${error.message}`, error.code, error));
    };
    const onListening = () => {
      http.off('error', onError);
      resolve();
    };
    http.once('error', onError);
    http.once('listening', onListening);
    http.listen(port, host);
  });
}

/** The host part of the URL clients should use: a wildcard bind is reached through loopback. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
