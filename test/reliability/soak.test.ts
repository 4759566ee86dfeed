// Soak: a steady rate of token requests and API calls against `understudy serve` (a real child
// process) with a mix of fault rules active. Zero unexpected 5xx, no crash, one journal entry
// per request (in memory with its drop counter, and in the JSON Lines file), RSS flat once the
// in-memory journal is full. CI runs it for SOAK_SECONDS=20; `npm run test:soak` for 5 minutes.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServe, stopAll } from '../cli/cli-process.ts';
import { EMPS, INVOICES, LoadClient, parseJournalLines, readRss } from './load-client.ts';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 20);
const RATE = Number(process.env.SOAK_RATE ?? 150);
const TOKEN_PATH = '/oauth2/v1/token';
const JOURNAL_CAPACITY = 1_000;
const MB = 1024 * 1024;

const CONFIG = `
journal: { capacity: ${JOURNAL_CAPACITY} }
faults:
  - preset: token.server_error
    match: { endpoint: token, probability: 0.03, seed: 1 }
  - preset: token.temporarily_unavailable
    match: { endpoint: token, probability: 0.03, seed: 2 }
  - preset: token.reset
    match: { endpoint: token, probability: 0.01, seed: 3 }
  - preset: token.truncated
    match: { endpoint: token, probability: 0.01, seed: 4 }
  - preset: api.revoke_early
    match: { endpoint: api, probability: 0.02, seed: 5 }
  - preset: api.server_error
    match: { endpoint: api, probability: 0.02, seed: 6 }
  - preset: api.delay
    params: { ms: 5, jitterMs: 20 }
    match: { endpoint: api, probability: 0.2, seed: 7 }
  - preset: api.rate_limited
    match: { route: erp-create-invoice, probability: 0.1, seed: 8 }
`;

afterAll(() => stopAll());

describe(`soak: ${SECONDS} s at ${RATE} requests/s with faults`, () => {
  it('answers every request, only the faults make 5xx, journals every one, RSS flat', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'understudy-soak-'));
    try {
      const config = join(dir, 'understudy.yaml');
      const journalFile = join(dir, 'journal.jsonl');
      await writeFile(config, CONFIG);
      const { cli, banner } = await startServe(['--config', config, '--journal', journalFile]);
      const pid = cli.child.pid as number;
      const client = new LoadClient(banner.baseUrl);

      const rss: { at: number; bytes: number }[] = [];
      const started = performance.now();
      const pending = new Set<Promise<unknown>>();
      let ticks = 0;
      // A steady schedule: ticks at RATE/s, each firing one request without waiting for the last.
      while (performance.now() - started < SECONDS * 1000) {
        const due = Math.floor(((performance.now() - started) / 1000) * RATE);
        for (; ticks < due; ticks += 1) {
          const work = ticks % 5 === 0 ? client.token(TOKEN_PATH) : ticks % 5 === 4 ? client.request(INVOICES, { method: 'POST' }) : client.callApi(TOKEN_PATH, EMPS);
          pending.add(work);
          void work.finally(() => pending.delete(work));
        }
        if (rss.length === 0 || performance.now() - started - (rss.at(-1)?.at ?? 0) >= 1000) {
          rss.push({ at: performance.now() - started, bytes: await readRss(pid) });
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await Promise.all(pending);
      expect(cli.child.exitCode).toBeNull();

      const snapshot = (await (await fetch(`${banner.baseUrl}/_understudy/journal?endpoint=token`)).json()) as { dropped: number };
      const all = (await (await fetch(`${banner.baseUrl}/_understudy/journal`)).json()) as { entries: unknown[]; dropped: number };
      expect(snapshot.dropped).toBe(all.dropped);
      // Memory holds the last JOURNAL_CAPACITY entries; the drop counter accounts for the rest.
      expect(all.entries.length + all.dropped).toBe(client.tally.sent);

      cli.child.kill('SIGTERM');
      expect((await cli.exited).code).toBe(0);
      const { entries, badLines } = parseJournalLines(await readFile(journalFile, 'utf8'));
      expect(badLines).toEqual([]);
      expect(entries).toHaveLength(client.tally.sent);

      const fiveHundreds = entries.filter((entry) => (entry.status as number) >= 500);
      const unexpected = fiveHundreds.filter((entry) => !(entry.faults as unknown[] | undefined)?.length);
      expect(unexpected.slice(0, 3)).toEqual([]);
      let observed5xx = 0;
      for (const [status, count] of client.tally.byStatus) if (status >= 500) observed5xx += count;
      expect(observed5xx).toBe(fiveHundreds.filter((entry) => !entry.transport).length);
      // The faults did act (the run is not trivially clean).
      expect(fiveHundreds.length).toBeGreaterThan(0);
      expect(entries.some((entry) => entry.transport === 'reset')).toBe(true);

      // Flat: after the journal has filled and the heap warmed up (the first third), RSS may
      // wobble with GC but must not climb with the request count.
      const settled = rss.filter((sample) => sample.at >= (SECONDS * 1000) / 3);
      const first = Math.max(...settled.slice(0, Math.max(1, Math.floor(settled.length / 4))).map((s) => s.bytes));
      const last = Math.min(...settled.slice(-Math.max(1, Math.floor(settled.length / 4))).map((s) => s.bytes));
      const summary = {
        seconds: SECONDS,
        requests: client.tally.sent,
        statuses: Object.fromEntries([...client.tally.byStatus].sort(([a], [b]) => a - b)),
        transportFailures: client.tally.failed,
        faulted5xx: fiveHundreds.length,
        rssMb: { start: +(rss[0]!.bytes / MB).toFixed(1), settled: +(first / MB).toFixed(1), end: +(last / MB).toFixed(1), peak: +(Math.max(...rss.map((s) => s.bytes)) / MB).toFixed(1) },
      };
      console.log(`soak: ${JSON.stringify(summary)}`);
      expect(last - first).toBeLessThan(32 * MB);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, (SECONDS + 60) * 1000);
});
