import { randomBytes } from 'node:crypto';
import type { AuthorizationRequest } from './authorization-request.ts';
import type { LoginSession } from './sessions.ts';

/** An authorization request waiting for the person at the browser: to log in, then to consent. */
export interface Interaction {
  uid: string;
  request: AuthorizationRequest;
  /** The grant its code and tokens will belong to (the journal's `grant`). */
  grantId: string;
  exp: number;
  /** Set once the person logged in during this interaction (so prompt=login is not asked twice). */
  session?: LoginSession;
  /** Set once the person consented during this interaction (so prompt=consent is not asked twice). */
  consentGiven?: boolean;
  /** The page the flow sent the browser to last: only that page may move the interaction on. */
  step?: 'login' | 'consent';
}

/** Seconds a login or consent page stays usable: oidc-provider's Interaction TTL (1 hour). */
export const INTERACTION_TTL = 3600;

/** Interactions by id, on the virtual clock. The id also sits in a cookie, so another browser cannot finish it. */
export class InteractionStore {
  #interactions = new Map<string, Interaction>();
  readonly #max: number;

  constructor(max = 10_000) {
    this.#max = max;
  }

  start(request: AuthorizationRequest, grantId: string, now: number): Interaction {
    if (this.#interactions.size >= this.#max) this.#prune(now);
    const interaction: Interaction = { uid: randomBytes(18).toString('base64url'), request, grantId, exp: now + INTERACTION_TTL };
    this.#interactions.set(interaction.uid, interaction);
    return interaction;
  }

  get(uid: string | undefined, now: number): Interaction | undefined {
    if (uid === undefined) return undefined;
    const interaction = this.#interactions.get(uid);
    if (interaction && interaction.exp <= now) {
      this.#interactions.delete(uid);
      return undefined;
    }
    return interaction;
  }

  end(uid: string): void {
    this.#interactions.delete(uid);
  }

  #prune(now: number): void {
    for (const [uid, interaction] of this.#interactions) if (interaction.exp <= now) this.#interactions.delete(uid);
    for (const uid of this.#interactions.keys()) {
      if (this.#interactions.size < this.#max * 0.9) break;
      this.#interactions.delete(uid);
    }
  }
}
