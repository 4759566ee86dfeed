import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.ts';
import { ClientRegistry } from './authorization/client-registry.ts';
import { ReplayCache } from './authorization/replay-cache.ts';
import { Revocations } from './authorization/revocations.ts';
import { RefreshTokenStore } from './authorization/refresh-tokens.ts';
import { createClock, type Clock } from './clock.ts';
import { loadConfigFile } from './config/load.ts';
import { resolveConfig } from './config/resolve.ts';
import type { UnderstudyConfig } from './config/schema.ts';
import type { ProfileName, ResolvedConfig } from './config/types.ts';
import { buildUrls, type ServerContext, type ServerUrls } from './context.ts';
import { createJsonLinesSink } from './journal/jsonl-sink.ts';
import { Journal } from './journal/journal.ts';
import { KeyRing } from './keys/key-ring.ts';
import { createProfile } from './profiles/index.ts';
import { createFaultLayer } from './faults/fault-layer.ts';
import { revokeTokens, type RevokeTarget } from './authorization/revoke-tokens.ts';
import { FaultRuleError, type FaultEngine } from './faults/fault-engine.ts';
import { ConfigError } from './config/errors.ts';

export interface CreateServerOptions {
  /** Configuration object (the file's shape). Sections it omits come from the embedded default. */
  config?: UnderstudyConfig;
  /** YAML or JSON configuration file, read before `config` is applied on top. */
  configFile?: string;
  /** Overrides `config.profile`. */
  profile?: ProfileName;
  /** Port; 0 = any free port. Default: config.server.port (9400). */
  port?: number;
  /** Address to bind. Default: 127.0.0.1. */
  host?: string;
  /** Share a clock (e.g. one driven with fake timers); default: a fresh real-time clock. */
  clock?: Clock;
  /** Fault rules active from the start, added after the config's own `faults`. */
  faults?: unknown[];
}

export interface UnderstudyServer {
  /** Base URL, e.g. http://127.0.0.1:9400 */
  url: string;
  urls: ServerUrls;
  config: ResolvedConfig;
  clock: Clock;
  journal: Journal;
  keys: KeyRing;
  clients: ClientRegistry;
  /** The fault rules: add, list, remove (the in-process twin of /_understudy/faults). */
  faults: FaultEngine;
  /** Revokes one token (by jti) or every token of a client, as POST /_understudy/tokens/revoke does. */
  revoke(target: RevokeTarget): void;
  /** Requests held by `hang` fault rules right now (an in-process client on fake time waits on these). */
  hungRequests(): number;
  /** Stops listening, releases open connections (hung requests included) and flushes the journal file. */
  close(): Promise<void>;
}

/**
 * Starts an understudy server: the authorization server of the configured profile, the mock API
 * and the control API on one port. The in-process twin of `understudy serve`.
 */
export async function createServer(options: CreateServerOptions = {}): Promise<UnderstudyServer> {
  const fromFile = options.configFile ? await loadConfigFile(options.configFile) : {};
  const userConfig: UnderstudyConfig = { ...fromFile, ...options.config };
  if (options.profile) userConfig.profile = options.profile;
  const config = resolveConfig(userConfig, { source: options.configFile ?? 'configuration' });
  if (options.port !== undefined) config.server.port = options.port;
  if (options.host !== undefined) config.server.host = options.host;

  const profile = createProfile(config.profile);
  const clock = options.clock ?? createClock();
  const source = options.configFile ?? 'configuration';
  const keys = atPath(source, 'keys', () => KeyRing.create(config.profile, config.algorithm, config.keys, () => clock.nowMs() / 1000));
  const sinks = config.journal.file ? [atPath(source, 'journal.file', () => createJsonLinesSink(config.journal.file as string))] : [];
  const journal = new Journal({ capacity: config.journal.capacity, sinks });
  const context: ServerContext = {
    config,
    profile,
    clock,
    journal,
    keys,
    clients: new ClientRegistry(config.clients),
    revocations: new Revocations(),
    refreshTokens: new RefreshTokenStore(),
    replay: new ReplayCache(),
    faults: createFaultLayer(clock, config.algorithm),
    urls: buildUrls('http://127.0.0.1', profile, config.issuer),
  };

  try {
    context.faults.engine.addAll([...config.faults, ...(options.faults ?? [])]);
  } catch (error) {
    if (error instanceof FaultRuleError) {
      throw new ConfigError(options.configFile ?? 'configuration', error.issues.map((issue) => ({ path: `faults${issue.path}`, message: issue.message })));
    }
    throw error;
  }

  const app = createApp(context);
  const http = createHttpServer(app.callback());
  // A client that stalls mid-request must not hold a socket forever.
  http.requestTimeout = 60_000;
  try {
    await listen(http, config.server.port, config.server.host);
  } catch (error) {
    await journal.close().catch(() => undefined);
    throw error;
  }
  const address = http.address() as AddressInfo;
  const url = `http://${urlHost(config.server.host)}:${address.port}`;
  Object.assign(context.urls, buildUrls(url, profile, config.issuer));

  let closing: Promise<void> | undefined;
  return {
    url,
    urls: context.urls,
    config,
    clock,
    journal,
    keys: context.keys,
    clients: context.clients,
    faults: context.faults.engine,
    revoke: (target) => revokeTokens(context, target),
    hungRequests: () => context.faults.hangs.size,
    close() {
      closing ??= (async () => {
        context.faults.stop();
        await new Promise<void>((resolve) => {
          http.close(() => resolve());
          http.closeAllConnections();
        });
        await journal.close();
      })();
      return closing;
    },
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

/** Runs a start-up step whose failure is a configuration problem at `path`. */
function atPath<T>(source: string, path: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(source, [{ path, message: (error as Error).message.replace(/^error:\w+:/, '') }]);
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
