import { generateKeyPairSync } from 'node:crypto';
import type { Clock } from '../base/clock.ts';
import type { AnsweredToken } from '../authorization/token-hooks.ts';
import type { SigningAlgorithm } from '../config/types.ts';
import { FaultEngine } from './fault-engine.ts';
import { HangRegistry } from './hangs.ts';
import { RateLimiter } from './rate-limiter.ts';
import type { FaultAction } from './rule-schema.ts';
import type { SigningKey } from '../keys/key-ring.ts';
import { createSigningKey } from '../keys/key-ring.ts';

/** Everything the fault rules need across requests: the rules, rate-limit and hang state. */
export interface FaultLayer {
  engine: FaultEngine;
  limiter: RateLimiter;
  hangs: HangRegistry;
  /** Per rule, client, subject, audience and scope: the cached token of `token_response.reissue`. */
  reissued: Map<string, AnsweredToken>;
  /** A key the JWKS never publishes, for `token_mutation.unknownKey` (made on first use). */
  unknownKey(): SigningKey;
  /** Aborted when the server stops: delayed requests end at once. */
  stopped: AbortSignal;
  /** Releases hung and delayed requests; called when the server stops. */
  stop(): void;
}

export function createFaultLayer(clock: Clock, algorithm: SigningAlgorithm): FaultLayer {
  const engine = new FaultEngine(clock);
  const limiter = new RateLimiter();
  const hangs = new HangRegistry();
  const reissued = new Map<string, AnsweredToken>();
  engine.onRemove((id) => {
    hangs.release(id);
    limiter.forget(id);
    for (const key of reissued.keys()) if (key.startsWith(`${id}\u0000`)) reissued.delete(key);
  });
  let unknown: SigningKey | undefined;
  const stopping = new AbortController();
  return {
    engine,
    limiter,
    hangs,
    reissued,
    unknownKey() {
      unknown ??= createSigningKey(
        'UNKNOWN_SIGNING_KEY',
        algorithm,
        algorithm === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey : generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
      );
      return unknown;
    },
    stopped: stopping.signal,
    stop() {
      stopping.abort();
      hangs.stopAll();
    },
  };
}

export type { FaultAction };
