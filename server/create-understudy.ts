import type { RequestListener } from 'node:http';
import { createApp } from './app.ts';
import { ClientRegistry } from './authorization/client-registry.ts';
import { ReplayCache } from './authorization/replay-cache.ts';
import { AuthorizationCodeStore } from './authorization/authorization-codes.ts';
import { ConsentStore } from './authorization/interaction/consents.ts';
import { InteractionStore } from './authorization/interaction/interactions.ts';
import { SessionStore } from './authorization/interaction/sessions.ts';
import { Revocations } from './tokens/revocations.ts';
import { RefreshTokenStore } from './authorization/refresh-tokens.ts';
import { revokeTokens, type RevokeTarget } from './authorization/revoke-tokens.ts';
import { createClock, type Clock } from './base/clock.ts';
import { ConfigError } from './config/errors.ts';
import { loadConfigFile } from './config/load.ts';
import { resolveConfig } from './config/resolve.ts';
import type { UnderstudyConfig } from './config/schema.ts';
import type { ProfileName, ResolvedConfig } from './config/types.ts';
import type { ServerContext } from './context.ts';
import { FaultRuleError, type FaultEngine } from './faults/fault-engine.ts';
import { createFaultLayer } from './faults/fault-layer.ts';
import { createJsonLinesSink } from './journal/jsonl-sink.ts';
import { Journal } from './journal/journal.ts';
import { KeyRing } from './keys/key-ring.ts';
import { buildUrls, createProfile, type ServerUrls } from './profiles/index.ts';

/** Where the URLs an understudy reports point before anyone says otherwise. */
const DEFAULT_BASE_URL = 'http://127.0.0.1';

/** What `createUnderstudy()` builds from: the configuration (object and/or file), and an optional shared clock and initial faults. */
export interface CreateUnderstudyOptions {
  /** Configuration object (the file's shape). Sections it omits come from the embedded default. */
  config?: UnderstudyConfig;
  /** YAML or JSON configuration file, read before `config` is applied on top. */
  configFile?: string;
  /** Overrides `config.profile`. */
  profile?: ProfileName;
  /** Share a clock (e.g. one driven with fake timers); default: a fresh real-time clock. */
  clock?: Clock;
  /** Fault rules active from the start, added after the config's own `faults`. */
  faults?: unknown[];
  /**
   * The URL clients reach this understudy at: discovery, the JWKS URL, the 404 hints and (rfc9068)
   * the issuer name it. Default: http://127.0.0.1 (createServer sets its own once it listens).
   */
  baseUrl?: string;
}

/**
 * The in-process handles of an understudy, whatever transport it sits behind (a port for
 * `createServer`, msw for `createIdcsHandlers`): what a test uses to steer and judge it.
 */
export interface UnderstudyHandles {
  /** Every URL a client needs (token, JWKS, discovery, API...), to put in its configuration. */
  urls: ServerUrls;
  /** The configuration in effect, with every default filled in. */
  config: ResolvedConfig;
  /** The virtual clock every token and validation reads; move it to make tokens expire. */
  clock: Clock;
  /** Every request answered, for assertions. */
  journal: Journal;
  /** The signing keys: the first signs, all of them verify and appear in the JWKS (rotate them here). */
  keys: KeyRing;
  /** The registered OAuth clients, e.g. to deactivate one (`setActive`) while a test runs. */
  clients: ClientRegistry;
  /** The fault rules: add, list, remove (the in-process twin of /_understudy/faults). */
  faults: FaultEngine;
  /** Revokes one token (by jti) or every token of a client, as POST /_understudy/tokens/revoke does. */
  revoke(target: RevokeTarget): void;
  /** Requests held by `hang` fault rules right now (an in-process client on fake time waits on these). */
  hungRequests(): number;
  /**
   * Waits until every request in flight has its journal entry (at most `timeoutMs`, default
   * 2000 real ms), so that what is judged is complete. Requests held by `hang` rules are not
   * waited for; with `endHeld` they are ended first, without an answer (journaled as reset), so
   * they are in the journal too. Resolves true when nothing was left in flight.
   */
  settle(options?: SettleOptions): Promise<boolean>;
}

/** How `settle()` waits for the journal. */
export interface SettleOptions {
  /** Real milliseconds to wait at most. Default: 2000. */
  timeoutMs?: number;
  /** End the requests hang rules hold, so they are journaled too (at the end of a run). Default: false. */
  endHeld?: boolean;
}

const DEFAULT_SETTLE_MS = 2000;
/** Real ms a held request's client has to be heard hanging up before `endHeld` ends the hold. */
const HELD_GRACE_MS = 250;

/** The handles of `understudy`, without what belongs to its transport. */
export function handlesOf(understudy: UnderstudyHandles): UnderstudyHandles {
  const { urls, config, clock, journal, keys, clients, faults, revoke, hungRequests, settle } = understudy;
  return { urls, config, clock, journal, keys, clients, faults, revoke, hungRequests, settle };
}

/**
 * An understudy that does not listen: the context and the request listener of every face,
 * for a transport the caller owns (a TCP server, or an in-memory one as the msw integration uses).
 */
export interface Understudy extends UnderstudyHandles {
  /** Node request listener that answers the authorization server, the mock API and the control API. */
  handleRequest: RequestListener;
  /** Points every URL understudy reports (discovery, 404 hints, rfc9068 issuer) at `baseUrl`. */
  setBaseUrl(baseUrl: string): void;
  /**
   * Releases hung and delayed requests, then runs `closeTransport` (so a hung request ends as
   * "stopped", not as abandoned by its client), then flushes the journal file. Idempotent.
   */
  close(closeTransport?: () => Promise<void>): Promise<void>;
}

/**
 * Builds an understudy (configuration, keys, clients, faults, journal and the Koa app) without
 * listening anywhere. `createServer` puts it behind a port; the msw integration behind msw.
 * @throws ConfigError naming each bad field, including bad fault rules.
 */
export async function createUnderstudy(options: CreateUnderstudyOptions = {}): Promise<Understudy> {
  const source = options.configFile ?? 'configuration';
  const fromFile = options.configFile ? await loadConfigFile(options.configFile) : {};
  const userConfig: UnderstudyConfig = { ...fromFile, ...options.config };
  if (options.profile) userConfig.profile = options.profile;
  const config = resolveConfig(userConfig, { source });

  const profile = createProfile(config.profile);
  const clock = options.clock ?? createClock();
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
    sessions: new SessionStore(),
    interactions: new InteractionStore(),
    consents: new ConsentStore(),
    codes: new AuthorizationCodeStore(),
    faults: createFaultLayer(clock, config.algorithm),
    urls: buildUrls(options.baseUrl ?? DEFAULT_BASE_URL, profile, config.issuer),
  };

  try {
    context.faults.engine.addAll([...config.faults, ...(options.faults ?? [])]);
  } catch (error) {
    await journal.close().catch(() => undefined);
    if (error instanceof FaultRuleError) {
      throw new ConfigError(source, error.issues.map((issue) => ({ path: `faults${issue.path}`, message: issue.message })));
    }
    throw error;
  }

  const app = createApp(context);
  let closing: Promise<void> | undefined;
  return {
    urls: context.urls,
    config,
    clock,
    journal,
    keys,
    clients: context.clients,
    faults: context.faults.engine,
    revoke: (target) => revokeTokens(context, target),
    hungRequests: () => context.faults.hangs.size,
    async settle(settleOptions = {}) {
      if (settleOptions.endHeld && context.faults.hangs.size > 0) {
        // A client that just gave up has closed its socket; the server may not have heard yet.
        await journal.drained(HELD_GRACE_MS, () => 0, () => context.faults.hangs.size === 0);
        context.faults.hangs.stopAll('ended');
      }
      return journal.drained(settleOptions.timeoutMs ?? DEFAULT_SETTLE_MS, () => context.faults.hangs.size);
    },
    handleRequest: app.callback(),
    // Mutated in place: handlers hold `context.urls`, not a copy.
    setBaseUrl: (baseUrl) => void Object.assign(context.urls, buildUrls(baseUrl, profile, config.issuer)),
    close(closeTransport) {
      closing ??= (async () => {
        context.faults.stop();
        await closeTransport?.();
        await journal.close();
      })();
      return closing;
    },
  };
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
