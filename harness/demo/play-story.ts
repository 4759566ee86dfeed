import { setTimeout as delay } from 'node:timers/promises';
import type { JournalEntry } from '../../server/journal/types.ts';
import type { DemoCast } from './demo-cast.ts';
import { DEMO_CHAPTERS, type ChapterContext, type DemoChapter } from './demo-chapters.ts';
import { controlCall } from './control-call.ts';

/** What one chapter produced. */
export interface ChapterResult {
  chapter: DemoChapter;
  /** The journal entries recorded while it ran. */
  entries: JournalEntry[];
}

/** Hooks to follow the story (the CLI prints, the screenshot script waits). */
export interface StoryListener {
  /** Called before the chapter runs; `index` counts from 0. */
  onChapterStart?(chapter: DemoChapter, index: number, total: number): void | Promise<void>;
  /** Called after the chapter ran and before its teardown (its fault is still active). */
  onChapterEnd?(result: ChapterResult, index: number, total: number): void | Promise<void>;
}

/** How to play the story. */
export interface PlayStoryOptions {
  /** The registered clients (createDemoCast); their token caches carry over from play to play. */
  cast: DemoCast;
  /** Pause after every call and chapter in ms, so someone watching the dashboard can follow. Default: 0. */
  pauseMs?: number;
  /** Stops the story between steps; the returned promise then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Told when each chapter starts and ends. */
  listener?: StoryListener;
}

/**
 * Plays every chapter once, in order, and returns what each produced. The caller loops it for a
 * demo that never ends. It talks to the server only over HTTP (token endpoint, mock API, control
 * API), as a user's script would, so every step shows up in the journal and on the dashboard.
 * @throws DemoError when the control API refuses a call or a chapter finds nothing to act on.
 */
export async function playStory(options: PlayStoryOptions): Promise<ChapterResult[]> {
  const { cast, signal, listener } = options;
  const pauseMs = options.pauseMs ?? 0;
  const control = <T>(method: string, path: string, body?: unknown) => controlCall<T>(cast.urls.controlUrl, method, path, body);
  const pause = async () => {
    if (pauseMs <= 0) return;
    // An abort rejects the timer with a generic AbortError; the caller's reason says more.
    await delay(pauseMs, undefined, { signal }).catch((error: unknown) => {
      signal?.throwIfAborted();
      throw error;
    });
  };
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
