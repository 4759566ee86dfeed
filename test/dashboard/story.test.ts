/**
 * The demo story on a fresh server, with the real example client modules: every chapter leaves
 * the journal it promises (token reuse vs a token per call, a 401 after expiry and after the
 * revocation, then recovery, a 429 with Retry-After that the client honours).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../server/index.ts';
import { DEMO_CHAPTERS, DEMO_CLIENTS, DEMO_TOKEN_TTL, createDemoCast, playStory, summarizeChapter, type ChapterResult } from '../../harness/demo/story.ts';
import { DemoError } from '../../harness/demo/demo-error.ts';
import { controlCall } from '../../harness/demo/control-call.ts';
import { startServer, type UnderstudyServer } from '../support/start-server.ts';

const GOOD = DEMO_CLIENTS.wellBehaved.id;
const BUGGY = DEMO_CLIENTS.tokenPerCall.id;

/** "token 200" / "api 401" steps of one client, in order. */
function steps(entries: JournalEntry[], clientId: string): string[] {
  return entries.filter((e) => e.clientId === clientId && (e.endpoint === 'token' || e.endpoint === 'api')).map((e) => `${e.endpoint} ${e.status}`);
}

describe('the demo story', () => {
  let server: UnderstudyServer;
  let results: ChapterResult[];
  const started: string[] = [];
  let faultsAtRateLimitEnd: string[] = [];

  beforeAll(async () => {
    server = await startServer();
    const cast = await createDemoCast(server.urls);
    results = await playStory({
      cast,
      listener: {
        onChapterStart: (chapter) => {
          started.push(chapter.id);
        },
        onChapterEnd: (result) => {
          if (result.chapter.id === 'rate-limit') faultsAtRateLimitEnd = server.faults.list().map((f) => f.id);
        },
      },
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  const chapter = (id: string) => {
    const result = results.find((r) => r.chapter.id === id);
    if (!result) throw new Error(`no chapter ${id}`);
    return result.entries;
  };

  it('plays the four chapters in order, telling the listener', () => {
    expect(started).toEqual(['normal', 'expiry', 'revocation', 'rate-limit']);
    expect(results.map((r) => r.chapter.id)).toEqual(DEMO_CHAPTERS.map((c) => c.id));
  });

  it('registers its two clients with a short token lifetime', () => {
    for (const id of [GOOD, BUGGY]) expect(server.clients.get(id)?.accessTokenTtl).toBe(DEMO_TOKEN_TTL);
  });

  it('normal traffic: the reference client reuses one token, the buggy one gets a token per call', () => {
    const entries = chapter('normal');
    expect(steps(entries, GOOD)).toEqual(['token 200', 'api 200', 'api 200', 'api 200']);
    expect(steps(entries, BUGGY)).toEqual(['token 200', 'api 200', 'token 200', 'api 200', 'token 200', 'api 200']);
    const issued = entries.find((e) => e.clientId === GOOD && e.issued)?.issued;
    expect((issued?.exp ?? 0) - (issued?.iat ?? 0)).toBe(DEMO_TOKEN_TTL);
  });

  it('expiry: after the clock jump the cached token gets 401 invalid_token "expired", then a new token and a replay', () => {
    const entries = chapter('expiry');
    expect(steps(entries, GOOD)).toEqual(['api 401', 'token 200', 'api 200']);
    const refused = entries.find((e) => e.clientId === GOOD && e.status === 401);
    expect(refused).toMatchObject({ error: 'invalid_token', reason: expect.stringMatching(/expired/) });
    expect(steps(entries, BUGGY)).toEqual(['token 200', 'api 200']);
  });

  it('revocation: the revoked token is refused with 401 "revoked", then the client recovers', () => {
    const before = chapter('expiry').findLast((e) => e.clientId === GOOD && e.issued)?.issued?.jti;
    const entries = chapter('revocation');
    expect(steps(entries, GOOD)).toEqual(['api 401', 'token 200', 'api 200']);
    const refused = entries.find((e) => e.clientId === GOOD && e.status === 401);
    expect(refused?.presented?.jti).toBe(before);
    expect(refused).toMatchObject({ error: 'invalid_token', reason: 'The access token has been revoked.' });
  });

  it('rate limit: one 429 with Retry-After: 1, honoured (the retry comes a second later, no violation)', () => {
    const entries = chapter('rate-limit');
    expect(steps(entries, BUGGY)).toEqual(['token 429', 'token 200', 'api 200']);
    expect(steps(entries, GOOD)).toEqual(['api 200']);
    const [limited, retried] = entries.filter((e) => e.clientId === BUGGY && e.endpoint === 'token') as [JournalEntry, JournalEntry];
    expect(limited.faults).toEqual([expect.objectContaining({ preset: 'token.rate_limited', effect: '429 with Retry-After: 1' })]);
    expect(retried.time - limited.time).toBeGreaterThanOrEqual(1);
    expect(entries.some((e) => e.violation)).toBe(false);
  });

  it('keeps the rate-limit fault while the listener looks, and removes it afterwards', () => {
    expect(faultsAtRateLimitEnd).toEqual(['demo-rate-limit']);
    expect(server.faults.list()).toEqual([]);
  });

  it('summarizes a chapter per client, in order', () => {
    expect(summarizeChapter(results[1] as ChapterResult)).toBe(`${GOOD}: API 401, token 200, API 200; ${BUGGY}: token 200, API 200`);
  });
});

describe('playStory', () => {
  it('stops between steps when its signal is aborted', async () => {
    const server = await startServer();
    try {
      const cast = await createDemoCast(server.urls);
      const abort = new AbortController();
      const story = playStory({ cast, signal: abort.signal, listener: { onChapterEnd: () => abort.abort(new Error('enough')) } });
      await expect(story).rejects.toThrow('enough');
      expect(server.journal.entries().filter((e) => e.endpoint === 'api')).toHaveLength(6);
    } finally {
      await server.close();
    }
  });

  it('an abort during a pause stops at once, with the signal\'s reason', async () => {
    const server = await startServer();
    try {
      const cast = await createDemoCast(server.urls);
      const abort = new AbortController();
      server.journal.subscribe((entry) => {
        if (entry.endpoint === 'api') abort.abort(new Error('stopped mid-pause'));
      });
      // A minute per pause: without the signal the test would time out.
      const started = Date.now();
      await expect(playStory({ cast, pauseMs: 60_000, signal: abort.signal })).rejects.toThrow('stopped mid-pause');
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(server.journal.entries().filter((e) => e.endpoint === 'api')).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('fails with a DemoError naming the client when it has no token to revoke', async () => {
    const server = await startServer({ config: { resources: [{ name: 'other', audience: 'https://other.test', scopes: ['read'] }] } });
    try {
      const cast = await createDemoCast(server.urls).catch((error: unknown) => error);
      // The demo clients ask for the demo resource's scope; a server without it still registers them...
      expect(cast).not.toBeInstanceOf(Error);
      const failing = await playStory({ cast: cast as Awaited<ReturnType<typeof createDemoCast>> }).catch((error: unknown) => error);
      // ...but no token is ever issued, so the revocation chapter has nothing to revoke.
      expect(failing).toBeInstanceOf(DemoError);
      expect(failing).toMatchObject({ code: 'NO_TOKEN', message: expect.stringContaining(GOOD) });
    } finally {
      await server.close();
    }
  });

  it('a control call the server refuses is a DemoError carrying the problem detail', async () => {
    const server = await startServer();
    try {
      const error = await controlCall(server.urls.controlUrl, 'POST', '/faults', { preset: 'token.no_such_preset' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DemoError);
      expect(error).toMatchObject({ code: 'CONTROL_REFUSED', message: expect.stringMatching(/^POST \/_understudy\/faults answered 400: .*no_such_preset/) });
    } finally {
      await server.close();
    }
  });
});
