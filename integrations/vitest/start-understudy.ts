import {
  createServer,
  type Clock,
  type ClockState,
  type CreateServerOptions,
  type FaultEngine,
  type FaultRule,
  type FaultRuleInput,
  type Journal,
  type ServerUrls,
  type UnderstudyServer,
} from '../../server/index.ts';
import { clientCredentials, clientEnvironment, type UnderstudyCredentials } from './credentials.ts';

/** A fault rule as the fixture takes it: a preset name (`'api.revoke_early'`) or a rule object. */
export type FaultInput = string | FaultRuleInput;

/**
 * What `startUnderstudy` and `useUnderstudy` accept: createServer's options, except where the
 * server listens (always 127.0.0.1 on a free port, so test files never collide).
 */
export interface UnderstudyOptions extends Omit<CreateServerOptions, 'port' | 'host' | 'faults'> {
  /** Fault rules active from the start and restored by every `reset()`. Default: none (besides the config's own `faults`). */
  faults?: FaultInput[];
  /** The configured client whose `credentials` and `env` the fixture exposes. Default: the first (the embedded `demo-client`). */
  client?: string;
}

/** A running understudy server for a test file, with what its tests need at hand. */
export interface Understudy {
  /** Base URL, e.g. `http://127.0.0.1:41234`: the mock API lives here too. */
  readonly url: string;
  /** Token, JWKS, discovery, introspection, revocation and control URLs of the profile. */
  readonly urls: ServerUrls;
  /** The server itself (createServer's result), for what the fixture does not wrap. */
  readonly server: UnderstudyServer;
  /** Client id, secret and scope of the configured client (see {@link UnderstudyOptions.client}). */
  readonly credentials: UnderstudyCredentials;
  /** The UNDERSTUDY_* record a client module's `createClient(env)` reads, pointing here. */
  readonly env: Record<string, string>;
  /** Every request the server answered since the last `reset()`: what the matchers judge. */
  readonly journal: Journal;
  /** The server's virtual clock: `advance(3600)` expires every token without waiting. */
  readonly clock: Clock;
  /** The fault rules (add, list, remove, clear). */
  readonly faults: FaultEngine;
  /** Virtual time (epoch seconds) of the start or of the last reset; matchers quote journal lines as "+N s" from it. */
  readonly origin: number;
  /**
   * Adds a fault rule from now on: a preset name or a rule object.
   * @throws FaultRuleError naming the bad field (an unknown preset comes with the nearest names).
   */
  addFault(rule: FaultInput): FaultRule;
  /**
   * Back to the state just after start: empties the journal, removes added fault rules (restoring
   * the start-up ones with fresh counters) and puts the clock back. Issued tokens stay valid:
   * create a new client per test to start without a cached token.
   */
  reset(): void;
  /** Stops the server and releases its port; idempotent. */
  close(): Promise<void>;
}

/**
 * Starts an understudy server on 127.0.0.1 and a free port, for an explicit lifecycle
 * (`beforeAll(async () => { idcs = await startUnderstudy() })` and `afterAll(() => idcs.close())`).
 * `useUnderstudy()` registers those hooks for you.
 * @throws ConfigError / FaultRuleError naming the bad field of `options`.
 */
export async function startUnderstudy(options: UnderstudyOptions = {}): Promise<Understudy> {
  const { faults: startFaults = [], client, ...serverOptions } = options;
  const faults = startFaults.map(toRuleInput);
  const server = await createServer({ ...serverOptions, faults, port: 0, host: '127.0.0.1' });
  let credentials: UnderstudyCredentials;
  try {
    credentials = clientCredentials(server, client);
  } catch (error) {
    await server.close();
    throw error;
  }
  const env = clientEnvironment(server, credentials);
  const initialClock = server.clock.state();
  let origin = initialClock.now;

  return {
    url: server.url,
    urls: server.urls,
    server,
    credentials,
    env,
    journal: server.journal,
    clock: server.clock,
    faults: server.faults,
    get origin() {
      return origin;
    },
    addFault: (rule) => server.faults.add(toRuleInput(rule)),
    reset() {
      server.faults.clear();
      // The same rules as at start, re-added so their nth/times counters start from zero.
      server.faults.addAll([...server.config.faults, ...faults]);
      restoreClock(server.clock, initialClock);
      server.journal.clear();
      origin = server.clock.state().now;
    },
    close: () => server.close(),
  };
}

function toRuleInput(rule: FaultInput): FaultRuleInput {
  return typeof rule === 'string' ? { preset: rule } : rule;
}

/** Puts the clock back to its start-up offset (or frozen instant), whatever a test did to it. */
function restoreClock(clock: Clock, initial: ClockState): void {
  if (initial.frozen) {
    clock.freeze();
    clock.set(initial.now);
    return;
  }
  clock.resume();
  clock.advance(initial.offset - clock.state().offset);
}
