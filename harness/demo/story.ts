/**
 * The demo story `understudy demo` plays, and the dashboard screenshot and tests replay: two
 * example clients (the reference client and one that fetches a token for every call) live
 * through normal traffic, a token expiry, an early revocation and a rate limit.
 *
 * It talks to the server only over HTTP (token endpoint, mock API, control API), as a user's
 * script would, so every step shows up in the journal and on the dashboard.
 */
import { createClient as createWellBehavedClient } from '../../examples/clients/well-behaved.ts';
import { createClient as createTokenPerCallClient } from '../../examples/clients/token-per-call.ts';
import type { JournalEntry } from '../../server/journal/types.ts';
import { controlCall } from './control-call.ts';
import { DemoError } from './demo-error.ts';

export { DemoError };

/** A client the story registers on the server and drives. */
export interface DemoClientSpec {
  id: string;
  secret: string;
  /** What the client is, in a few words. */
  role: string;
}

/** The two clients of the story. */
export const DEMO_CLIENTS = {
  wellBehaved: { id: 'well-behaved-app', secret: 'well-behaved-secret', role: 'the reference client (examples/clients/well-behaved.ts)' },
  tokenPerCall: { id: 'token-per-call-app', secret: 'token-per-call-secret', role: 'a buggy client that fetches a token for every call (examples/clients/token-per-call.ts)' },
} as const satisfies Record<string, DemoClientSpec>;

/** Lifetime of the demo clients' tokens: short, so a bar on the timeline has a visible end. */
export const DEMO_TOKEN_TTL = 300;

/** Scope the clients ask for: the embedded demo resource, written the IDCS way. */
const DEMO_SCOPE = 'https://api.understudy.test:443urn:opc:resource:consumer::all';
/** The API route the clients call (the embedded configuration's Fusion HCM route). */
const DEMO_API_PATH = '/hcmRestApi/resources/11.13.18.05/emps';

/** The server URLs the story needs (a subset of `UnderstudyServer.urls`). */
export interface DemoUrls {
  baseUrl: string;
  tokenUrl: string;
  controlUrl: string;
}

/** What a client's `work()` reports (examples/clients/token-client.ts). */
interface WorkOutcome {
  ok: boolean;
  status?: number;
  error?: string;
}

interface StoryClient {
  spec: DemoClientSpec;
  work(): Promise<WorkOutcome>;
}

/** The clients, registered on one server; kept across plays so their token caches carry over. */
export interface DemoCast {
  urls: DemoUrls;
  wellBehaved: StoryClient;
  tokenPerCall: StoryClient;
}

/** What a chapter can do. */
export interface ChapterContext {
  cast: DemoCast;
  /** Calls the control API; throws DemoError on a refusal. */
  control<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** One unit of work (one API call, with whatever token handling the client does). */
  call(client: StoryClient): Promise<WorkOutcome>;
}

/** One part of the story. */
export interface DemoChapter {
  /** Short stable name, e.g. "expiry". */
  id: string;
  title: string;
  /** One sentence: what happens and what to look for on the dashboard. */
  description: string;
  run(context: ChapterContext): Promise<void>;
  /** Undoes what the chapter set up (a fault rule), after `onChapterEnd`. */
  teardown?(context: ChapterContext): Promise<void>;
}

/** What one chapter produced. */
export interface ChapterResult {
  chapter: DemoChapter;
  /** The journal entries recorded while it ran. */
  entries: JournalEntry[];
}

/** Hooks to follow the story (the CLI prints, the screenshot script waits). */
export interface StoryListener {
  onChapterStart?(chapter: DemoChapter, index: number, total: number): void | Promise<void>;
  /** Called after the chapter ran and before its teardown (its fault is still active). */
  onChapterEnd?(result: ChapterResult, index: number, total: number): void | Promise<void>;
}

export interface PlayStoryOptions {
  cast: DemoCast;
  /** Pause between steps in ms, so someone watching the dashboard can follow. Default: 0. */
  pauseMs?: number;
  /** Stops the story between steps. */
  signal?: AbortSignal;
  listener?: StoryListener;
}

/**
 * Registers the story's clients on the server (POST /_understudy/clients, an upsert, so a
 * second cast on the same server is fine) and creates them from the example client modules.
 */
export async function createDemoCast(urls: DemoUrls): Promise<DemoCast> {
  const register = async (spec: DemoClientSpec, createClient: (env: Record<string, string | undefined>) => { work(unit: { method?: string; path: string }): Promise<WorkOutcome> }): Promise<StoryClient> => {
    await controlCall(urls.controlUrl, 'POST', '/clients', { id: spec.id, secret: spec.secret, name: spec.role, accessTokenTtl: DEMO_TOKEN_TTL });
    const client = createClient({
      UNDERSTUDY_TOKEN_URL: urls.tokenUrl,
      UNDERSTUDY_CLIENT_ID: spec.id,
      UNDERSTUDY_CLIENT_SECRET: spec.secret,
      UNDERSTUDY_SCOPE: DEMO_SCOPE,
      UNDERSTUDY_API_URL: urls.baseUrl,
    });
    return { spec, work: () => client.work({ method: 'GET', path: DEMO_API_PATH }) };
  };
  return {
    urls,
    wellBehaved: await register(DEMO_CLIENTS.wellBehaved, createWellBehavedClient),
    tokenPerCall: await register(DEMO_CLIENTS.tokenPerCall, createTokenPerCallClient),
  };
}

/** The chapters, in order. */
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

/**
 * Plays every chapter once, in order, and returns what each produced. The caller loops it for a
 * demo that never ends; the clients of `cast` keep their token caches from one play to the next.
 */
export async function playStory(options: PlayStoryOptions): Promise<ChapterResult[]> {
  const { cast, signal, listener } = options;
  const pauseMs = options.pauseMs ?? 0;
  const control = <T>(method: string, path: string, body?: unknown) => controlCall<T>(cast.urls.controlUrl, method, path, body);
  const pause = () => sleep(pauseMs, signal);
  const context: ChapterContext = {
    cast,
    control,
    async call(client) {
      signal?.throwIfAborted();
      const outcome = await client.work();
      await pause();
      return outcome;
    },
  };
  const results: ChapterResult[] = [];
  const total = DEMO_CHAPTERS.length;
  for (const [index, chapter] of DEMO_CHAPTERS.entries()) {
    signal?.throwIfAborted();
    const { now: startedAt } = await control<{ now: number }>('GET', '/clock');
    await listener?.onChapterStart?.(chapter, index, total);
    try {
      await chapter.run(context);
      // Virtual time only moves forward in the story, so "after the start" is "during the chapter".
      const { entries } = await control<{ entries: JournalEntry[] }>('GET', `/journal?after=${startedAt.toFixed(3)}`);
      const result = { chapter, entries };
      results.push(result);
      await listener?.onChapterEnd?.(result, index, total);
    } finally {
      await chapter.teardown?.(context);
    }
    await pause();
  }
  return results;
}

/** One line per client: what it asked and what it got, e.g. "token 200 · API 401 → token 200 · API 200". */
export function summarizeChapter(result: ChapterResult): string {
  const byClient = new Map<string, string[]>();
  for (const entry of result.entries) {
    if (entry.endpoint !== 'token' && entry.endpoint !== 'api') continue;
    const client = entry.clientId ?? 'unknown client';
    const steps = byClient.get(client) ?? [];
    steps.push(`${entry.endpoint === 'token' ? 'token' : 'API'} ${entry.status}`);
    byClient.set(client, steps);
  }
  return [...byClient].map(([client, steps]) => `${client}: ${steps.join(', ')}`).join('; ');
}

async function latestIssuedJti(control: ChapterContext['control'], clientId: string): Promise<string> {
  const { entries } = await control<{ entries: JournalEntry[] }>('GET', `/journal?endpoint=token&client=${encodeURIComponent(clientId)}`);
  const jti = entries.findLast((entry) => entry.issued)?.issued?.jti;
  if (!jti) throw new DemoError('NO_TOKEN', `${clientId} has no token to revoke yet; the story's first chapter should have given it one`);
  return jti;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
