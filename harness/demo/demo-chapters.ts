import type { JournalEntry } from '../../server/journal/types.ts';
import { DEMO_CLIENTS, DEMO_TOKEN_TTL, type DemoCast, type DemoClient, type WorkOutcome } from './demo-cast.ts';
import { DemoError } from './demo-error.ts';

/** What a chapter can do. */
export interface ChapterContext {
  cast: DemoCast;
  /** Calls the control API; throws DemoError on a refusal. */
  control<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** One unit of work (one API call, with whatever token handling the client does). */
  call(client: DemoClient): Promise<WorkOutcome>;
}

/** One part of the story. */
export interface DemoChapter {
  /** Short stable name, e.g. "expiry". */
  id: string;
  title: string;
  /** One sentence: what happens and what to look for on the dashboard. */
  description: string;
  run(context: ChapterContext): Promise<void>;
  /** Undoes what the chapter set up (a fault rule), after the listener's `onChapterEnd`. */
  teardown?(context: ChapterContext): Promise<void>;
}

/** The chapters, in order: normal traffic, a token expiry, an early revocation, a rate limit. */
export const DEMO_CHAPTERS: readonly DemoChapter[] = [
  {
    id: 'normal',
    title: 'Normal traffic',
    description: `${DEMO_CLIENTS.wellBehaved.id} gets one token and reuses it for 3 calls; ${DEMO_CLIENTS.tokenPerCall.id} asks for a new token before every call.`,
    async run({ cast, call }) {
      for (let i = 0; i < 3; i += 1) {
        await call(cast.wellBehaved);
        await call(cast.tokenPerCall);
      }
    },
  },
  {
    id: 'expiry',
    title: 'The token expires',
    description: `the virtual clock jumps ${DEMO_TOKEN_TTL + 1} s, past the ${DEMO_TOKEN_TTL} s lifetime; ${DEMO_CLIENTS.wellBehaved.id} gets 401 invalid_token, fetches a new token and replays the call.`,
    async run({ cast, control, call }) {
      await control('POST', '/clock/advance', { seconds: DEMO_TOKEN_TTL + 1 });
      await call(cast.wellBehaved);
      await call(cast.tokenPerCall);
    },
  },
  {
    id: 'revocation',
    title: 'Early revocation',
    description: `an administrator revokes ${DEMO_CLIENTS.wellBehaved.id}'s token long before it expires; the next call gets 401, and the client recovers with a new token.`,
    async run({ cast, control, call }) {
      const jti = await latestIssuedJti(control, DEMO_CLIENTS.wellBehaved.id);
      await control('POST', '/tokens/revoke', { jti });
      await call(cast.wellBehaved);
      await call(cast.tokenPerCall);
    },
  },
  {
    id: 'rate-limit',
    title: 'Rate limit',
    description: `the token endpoint answers ${DEMO_CLIENTS.tokenPerCall.id}'s next token request with 429 and Retry-After: 1; the client waits a second and asks again, while ${DEMO_CLIENTS.wellBehaved.id} never notices: its cached token is still good.`,
    async run({ cast, control, call }) {
      await control('POST', '/faults', {
        id: 'demo-rate-limit',
        preset: 'token.rate_limited',
        params: { retryAfter: 1 },
        match: { client: DEMO_CLIENTS.tokenPerCall.id, times: 1 },
      });
      await call(cast.tokenPerCall);
      await call(cast.wellBehaved);
    },
    async teardown({ control }) {
      await control('DELETE', '/faults/demo-rate-limit').catch(() => undefined);
    },
  },
];

/** The jti of the client's latest token, from the journal. @throws DemoError NO_TOKEN when it has none. */
async function latestIssuedJti(control: ChapterContext['control'], clientId: string): Promise<string> {
  const { entries } = await control<{ entries: JournalEntry[] }>('GET', `/journal?endpoint=token&client=${encodeURIComponent(clientId)}`);
  const jti = entries.findLast((entry) => entry.issued)?.issued?.jti;
  if (!jti) throw new DemoError('NO_TOKEN', `${clientId} has no token to revoke yet; the story's first chapter should have given it one`);
  return jti;
}
