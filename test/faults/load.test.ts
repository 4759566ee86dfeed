/**
 * A bounded load test: 20,000 token requests over keep-alive fetch connections (16 in flight),
 * a seeded rule failing about half of them. Every request is journaled exactly once, the 503s
 * are exactly the entries naming the rule, and the server's heap stays bounded.
 *
 * The client runs in a worker thread so that it does not compete with the server for the
 * event loop, and the server signs with ES256 (rfc9068 profile): what is under test is the
 * fault layer and the journal, not RSA signing speed. Traffic goes to 127.0.0.1 only.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { basic, DEMO_CLIENT, startFaultServer } from './support.ts';

const REQUESTS = 20_000;
const CONCURRENCY = 16;

/** The client: `concurrency` loops of keep-alive fetch until `total` requests were sent. */
const CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { url, total, concurrency, authorization } = workerData;
  const init = { method: 'POST', headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' };
  const counts = {};
  let sent = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (sent < total) {
      sent += 1;
      const response = await fetch(url, init);
      await response.arrayBuffer();
      counts[response.status] = (counts[response.status] || 0) + 1;
    }
  }));
  parentPort.postMessage({ sent, counts });
})().catch((error) => parentPort.postMessage({ error: String(error && error.stack || error) }));
`;

interface LoadResult {
  sent: number;
  counts: Record<string, number>;
  error?: string;
}

async function load(url: string, total: number): Promise<LoadResult> {
  if (!url.startsWith('http://127.0.0.1:')) throw new Error(`load only goes to loopback, not ${url}`);
  const worker = new Worker(CLIENT, { eval: true, workerData: { url, total, concurrency: CONCURRENCY, authorization: basic(DEMO_CLIENT.id, DEMO_CLIENT.secret) } });
  try {
    return await new Promise<LoadResult>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  } finally {
    await worker.terminate();
  }
}

/** A forced full GC: global.gc when node runs with --expose-gc, else the V8 flag set at run time. */
function findGc(): (() => void) | undefined {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

async function countOverHttp(url: string): Promise<number> {
  const response = await fetch(`${url}/_understudy/journal?endpoint=token`);
  return ((await response.json()) as { entries: unknown[] }).entries.length;
}

function heapAfterGc(gc: () => void): number {
  for (let i = 0; i < 3; i += 1) gc();
  return process.memoryUsage().heapUsed;
}

describe('load', () => {
  it(`${REQUESTS} token requests, half refused by a seeded rule: journal and counters agree, memory bounded`, { timeout: 60_000 }, async () => {
    const s = await startFaultServer({ config: { profile: 'rfc9068', algorithm: 'ES256', journal: { capacity: 50_000 } } });
    const gc = findGc();
    // Warm up (JIT, the signing key) before the baseline.
    const warm = await load(s.tokenUrl, 300);
    expect(warm.counts).toEqual({ 200: 300 });
    expect((await s.send('/_understudy/journal', { method: 'DELETE' })).status).toBe(204);
    const baseline = gc ? heapAfterGc(gc) : undefined;

    const id = await s.addFault({
      action: { type: 'oauth_error', error: 'temporarily_unavailable', status: 503 },
      match: { endpoint: 'token', probability: 0.5, seed: 7 },
    });

    const started = performance.now();
    const result = await load(s.tokenUrl, REQUESTS);
    const elapsed = performance.now() - started;
    expect(result.error).toBeUndefined();
    expect(result.sent).toBe(REQUESTS);
    const unavailable = result.counts[503] ?? 0;
    expect(Object.keys(result.counts).sort()).toEqual(['200', '503']);
    expect((result.counts[200] ?? 0) + unavailable).toBe(REQUESTS);

    // Checked in a function so that no reference to the entries outlives it (heap check below).
    (() => {
      const entries = s.server.journal.entries();
      expect(entries).toHaveLength(REQUESTS);
      expect(s.server.journal.dropped).toBe(0);
      expect(new Set(entries.map((e) => e.seq)).size).toBe(REQUESTS);
      const naming = entries.filter((e) => e.faults?.some((f) => f.rule === id));
      expect(naming).toHaveLength(unavailable);
      expect(naming.every((e) => e.status === 503 && e.error === 'temporarily_unavailable' && e.faults?.length === 1)).toBe(true);
      expect(entries.filter((e) => e.status === 503)).toHaveLength(unavailable);
      expect(entries.filter((e) => e.status === 200 && e.decision === 'issued' && e.faults === undefined)).toHaveLength(REQUESTS - unavailable);
    })();
    // About half, as seeded.
    expect(unavailable).toBeGreaterThan(REQUESTS * 0.45);
    expect(unavailable).toBeLessThan(REQUESTS * 0.55);
    expect((await s.listFaults())[0]).toMatchObject({ id, matched: REQUESTS, applied: unavailable });
    // The journal over HTTP agrees (the count only: the body is large). In a function of its
    // own so that the parsed body is garbage once it returns.
    expect(await countOverHttp(s.url)).toBe(REQUESTS);

    if (gc && baseline !== undefined) {
      const loaded = heapAfterGc(gc);
      // 20,000 journal entries are kept on purpose; a generous bound for them and all else.
      expect(loaded - baseline, `heap grew by ${Math.round((loaded - baseline) / 1e6)} MB`).toBeLessThan(250e6);
      // With the journal cleared, nothing of the 20,000 requests may stay behind (no
      // per-request state in the fault layer, the rate limiter or the hang registry).
      await s.send('/_understudy/journal', { method: 'DELETE' });
      const cleared = heapAfterGc(gc);
      expect(cleared - baseline, `heap kept ${Math.round((cleared - baseline) / 1e6)} MB`).toBeLessThan(30e6);
      console.info(`load test: heap +${Math.round((loaded - baseline) / 1e6)} MB with the journal full, +${Math.round((cleared - baseline) / 1e6)} MB after clearing it`);
    } else {
      console.warn('load test: no way to force a GC in this runtime; heap assertions skipped');
    }
    console.info(`load test: ${REQUESTS} requests in ${Math.round(elapsed)} ms (${Math.round(REQUESTS / (elapsed / 1000))}/s), ${unavailable} refused by the rule`);
  });
});
