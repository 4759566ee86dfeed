import { describe, expect, it } from 'vitest';
import { RefreshTokenStore } from './refresh-tokens.ts';

const record = (grantId: string, exp: number) => ({ clientId: 'app', subject: 'ada', subjectType: 'user' as const, audience: 'aud', scopes: ['read'], accessTokenTtl: 60, exp, grantId });

describe('RefreshTokenStore: bounded memory', () => {
  it('forgets a grant with the last of its refresh tokens', () => {
    const store = new RefreshTokenStore(10);
    for (let i = 0; i < 20; i += 1) store.issue(record(`g${i}`, 1_000), 0);
    expect(store.grants).toBeLessThanOrEqual(10);
  });

  it('prunes expired tokens first, then the oldest, down to 90% of the limit at once', () => {
    const store = new RefreshTokenStore(10);
    const values = Array.from({ length: 10 }, (_, i) => store.issue(record(`g${i}`, i < 3 ? 5 : 1_000), 0));
    store.issue(record('new', 1_000), 10);
    expect(values.slice(0, 3).map((v) => store.lookup(v, 10).status)).toEqual(['unknown', 'unknown', 'unknown']);
    expect(store.lookup(values[3] as string, 10).status).toBe('valid');
    // 7 kept + 1 new: below the limit, so the next issues scan nothing.
    expect(store.grants).toBe(8);
  });

  it('a grant refreshed for days remembers only its live access tokens, each once', () => {
    const store = new RefreshTokenStore();
    store.issue(record('g', 10 ** 9), 0);
    for (let minute = 0; minute < 30 * 24 * 60; minute += 1) store.noteAccessToken('g', { jti: `at${minute}`, exp: minute * 60 + 3600 }, minute * 60);
    store.noteAccessToken('g', { jti: 'at43199', exp: 43_199 * 60 + 3600 }, 43_199 * 60);
    const live = store.revokeGrant('g', 43_199 * 60);
    expect(live).toHaveLength(60);
    expect(new Set(live.map((t) => t.jti)).size).toBe(60);
  });
});
