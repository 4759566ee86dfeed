import type { ChapterResult } from './play-story.ts';

/**
 * One part per client: what it asked and what it got, in order, e.g.
 * "well-behaved-app: API 401, token 200, API 200; token-per-call-app: token 200, API 200".
 */
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
