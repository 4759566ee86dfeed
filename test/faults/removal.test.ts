/**
 * Removing a rule restores normal behaviour at once: the very next request is normal, and
 * requests a hang rule is holding are released and answered normally.
 */
import { describe, expect, it } from 'vitest';
import { fetchFailure, read, startFaultServer, type FaultServer, type Reply } from './support.ts';

async function waitForHeld(s: FaultServer, id: string, count = 1): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (((await s.listFaults()).find((r) => r.id === id)?.matched ?? 0) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`rule ${id} never held ${count} request(s)`);
}

describe('removing a rule restores normal behaviour at once', () => {
  const tokenPresets: [preset: string, params?: Record<string, unknown>][] = [
    ['token.server_error'],
    ['token.html_error'],
    ['token.invalid_client'],
    ['token.expires_in_missing'],
    ['token.require_header'],
    ['token.firewall'],
    ['token.not_found'],
  ];

  for (const [preset, params] of tokenPresets) {
    it(`${preset}: faulted, DELETE, the next token request is a plain 200`, async () => {
      const s = await startFaultServer();
      const id = await s.addFault({ preset, ...(params ? { params } : {}) });
      const faulted = await s.token();
      expect((await s.lastEntry()).faults?.[0]?.rule).toBe(id);
      expect((await s.deleteFault(id)).status).toBe(204);
      const normal = await s.token();
      expect(normal.status).toBe(200);
      expect(Object.keys(normal.json)).toEqual(['access_token', 'token_type', 'expires_in']);
      expect((await s.lastEntry()).faults).toBeUndefined();
      expect(faulted.status !== 200 || faulted.json?.expires_in === undefined).toBe(true);
    });
  }

  it('transport faults (reset, empty reply): the next request on a new connection is answered', async () => {
    const s = await startFaultServer();
    const reset = await s.addFault({ preset: 'token.reset' });
    expect((await fetchFailure(s.token())).code).toBe('ECONNRESET');
    await s.deleteFault(reset);
    expect((await s.token()).status).toBe(200);
    const empty = await s.addFault({ preset: 'token.empty_reply' });
    await fetchFailure(s.token());
    await s.deleteFault(empty);
    expect((await s.token()).status).toBe(200);
  });

  it('a rate limit: the blocked client is not policed any more once the rule is gone', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.rate_limited' });
    expect((await s.token()).status).toBe(429);
    await s.deleteFault(id);
    expect((await s.token()).status).toBe(200);
    const entry = await s.lastEntry();
    expect(entry.violation).toBeUndefined();
    expect(entry.faults).toBeUndefined();
  });

  it('token mutations: the next token is a good one', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.unknown_key' });
    const bad = await s.accessToken();
    expect((await s.api(bad)).status).toBe(401);
    await s.deleteFault(id);
    expect((await s.api(await s.accessToken())).status).toBe(200);
  });

  it('API faults: insufficient_scope and clock_skew stop at once', async () => {
    const s = await startFaultServer();
    const token = await s.accessToken();
    const scope = await s.addFault({ preset: 'api.insufficient_scope' });
    const skew = await s.addFault({ preset: 'api.clock_skew', params: { seconds: 7200 } });
    expect((await s.api(token)).status).toBe(403);
    await s.deleteFault(scope);
    expect((await s.api(token)).status).toBe(401);
    await s.deleteFault(skew);
    expect((await s.api(token)).status).toBe(200);
  });

  it('DELETE /_understudy/faults releases every hung request, token and API alike, with normal answers', async () => {
    const s = await startFaultServer();
    const token = await s.accessToken();
    const tokenHang = await s.addFault({ preset: 'token.hang' });
    const apiHang = await s.addFault({ preset: 'api.hang' });
    const pending: Promise<Reply>[] = [
      fetch(s.tokenUrl, s.tokenInit()).then(read),
      fetch(s.tokenUrl, s.tokenInit()).then(read),
      s.api(token),
    ];
    await waitForHeld(s, tokenHang, 2);
    await waitForHeld(s, apiHang, 1);
    const cleared = await s.send('/_understudy/faults', { method: 'DELETE' });
    expect(cleared.json).toEqual({ removed: 2 });
    const replies = await Promise.all(pending);
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(replies[2]?.json).toMatchObject({ count: 2 });
    const entries = await s.waitForEntries(4);
    expect(entries.slice(1).every((e) => e.faults?.at(-1)?.effect === 'released when the rule was removed')).toBe(true);
  });

  it('removing one hang rule releases only the requests it holds', async () => {
    const s = await startFaultServer();
    const token = await s.accessToken();
    const tokenHang = await s.addFault({ preset: 'token.hang' });
    const apiHang = await s.addFault({ preset: 'api.hang' });
    let tokenDone = false;
    const tokenPending = fetch(s.tokenUrl, s.tokenInit())
      .then(read)
      .finally(() => (tokenDone = true));
    const apiPending = s.api(token);
    await waitForHeld(s, tokenHang);
    await waitForHeld(s, apiHang);

    await s.deleteFault(apiHang);
    expect((await apiPending).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(tokenDone).toBe(false);

    await s.deleteFault(tokenHang);
    expect((await tokenPending).status).toBe(200);
  });

  it('a request arriving after the hang rule was removed is not held at all', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.hang' });
    await s.deleteFault(id);
    const started = performance.now();
    expect((await s.token()).status).toBe(200);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
