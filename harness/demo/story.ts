/**
 * The demo story `understudy demo` plays, and the dashboard screenshot and tests replay: two
 * example clients (the reference client and one that fetches a token for every call) live
 * through normal traffic, a token expiry, an early revocation and a rate limit.
 *
 * One entry point for its users; each part lives in its own module: the clients (demo-cast),
 * the chapters (demo-chapters), the player (play-story) and its one-line report
 * (summarize-chapter).
 */
export { DEMO_CLIENTS, DEMO_TOKEN_TTL, createDemoCast, type DemoCast, type DemoClient, type DemoClientSpec, type DemoUrls, type WorkOutcome } from './demo-cast.ts';
export { DEMO_CHAPTERS, type ChapterContext, type DemoChapter } from './demo-chapters.ts';
export { playStory, type ChapterResult, type PlayStoryOptions, type StoryListener } from './play-story.ts';
export { summarizeChapter } from './summarize-chapter.ts';
export { DemoError, type DemoErrorCode } from './demo-error.ts';
