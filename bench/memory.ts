/**
 * Memory after many tokens: an understudy server (child process, --expose-gc) is driven with wrk
 * until it has issued TOKENS tokens (default 1,000,000); at every tenth it collects garbage
 * twice and reports RSS and heap. The in-memory journal is full after JOURNAL_CAPACITY requests,
 * so from the second checkpoint on, memory must be flat: the journal's ring buffer is the only
 * state that grows with traffic, and it is bounded. Prints measured numbers; asserts nothing.
 *
 * Env: TOKENS (1000000), PROFILE (rfc9068; ES256 signs faster, so the run is shorter), ALG (ES256),
 *      JOURNAL_CAPACITY (10000, the default), CONNECTIONS (32), THREADS (2).
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { probeToken, startChildServer, stopChildServer } from './support/child-server.ts';
import { describeMachine } from './support/proc.ts';
import { failures, runWrk } from './support/wrk.ts';

interface Measurement {
  recorded: number;
  journalSize: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}

if (process.argv[2] === '--serve') {
  const { createServer } = await import('../server/create-server.ts');
  const [profile, algorithm, capacity] = process.argv.slice(3) as ['idcs' | 'rfc9068', 'RS256' | 'ES256', string];
  const server = await createServer({ port: 0, config: { profile, algorithm, journal: { capacity: Number(capacity) } } });
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run the server with --expose-gc');
  process.on('message', (message) => {
    if (message !== 'measure') return;
    gc();
    gc();
    const memory = process.memoryUsage();
    const measurement: Measurement = {
      recorded: server.journal.recorded,
      journalSize: server.journal.size,
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      heapTotal: memory.heapTotal,
      external: memory.external,
    };
    process.send?.(measurement);
  });
  process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
  console.log(`listening ${server.url}`);
} else {
  await main();
}

function measure(child: ChildProcess): Promise<Measurement> {
  return new Promise((resolve) => {
    child.once('message', (message) => resolve(message as Measurement));
    child.send('measure');
  });
}

async function main(): Promise<void> {
  const tokens = Number(process.env.TOKENS ?? 1_000_000);
  const profile = process.env.PROFILE ?? 'rfc9068';
  const alg = process.env.ALG ?? 'ES256';
  const capacity = Number(process.env.JOURNAL_CAPACITY ?? 10_000);
  const connections = Number(process.env.CONNECTIONS ?? 32);
  const threads = Number(process.env.THREADS ?? 2);
  const tokenPath = profile === 'idcs' ? '/oauth2/v1/token' : '/token';
  const MiB = 1024 * 1024;

  console.log(`memory after ${tokens.toLocaleString('en')} tokens: understudy ${profile} ${alg}, journal capacity ${capacity}, wrk -t${threads} -c${connections}; GC twice before each measurement`);
  console.log(`${describeMachine()}\n`);
  const { child, url } = await startChildServer('understudy', ['--expose-gc', fileURLToPath(import.meta.url), '--serve', profile, alg, String(capacity)], { ipc: true });
  const rows: (Measurement & { failed: number; seconds: number })[] = [];
  const started = performance.now();
  try {
    await probeToken(url + tokenPath);
    rows.push({ ...(await measure(child)), failed: 0, seconds: 0 });
    let rate = 2_000;
    let failed = 0;
    for (let checkpoint = 1; checkpoint <= 10; checkpoint += 1) {
      const target = Math.round((tokens * checkpoint) / 10);
      for (;;) {
        const { recorded } = await measure(child);
        const remaining = target - recorded;
        if (remaining <= 0) break;
        const seconds = Math.max(1, Math.min(30, Math.ceil(remaining / rate)));
        const result = await runWrk({ url, threads, connections, seconds, env: { TOKEN_PATH: tokenPath } });
        rate = Math.max(100, result.requests / (result.durationUs / 1e6));
        failed += failures(result);
      }
      const row = { ...(await measure(child)), failed, seconds: (performance.now() - started) / 1000 };
      rows.push(row);
      console.error(`  ${row.recorded.toLocaleString('en')} tokens, RSS ${(row.rss / MiB).toFixed(1)} MiB, heap ${(row.heapUsed / MiB).toFixed(1)} MiB`);
    }
  } finally {
    await stopChildServer(child);
  }

  const cells = (values: string[]) => values.map((v, i) => (i === 0 ? v.padStart(10) : v.padStart(12))).join(' ');
  console.log(cells(['tokens', 'RSS MiB', 'heap MiB', 'heapTot MiB', 'external MiB', 'journal', 'failed', 'elapsed s']));
  for (const row of rows) {
    console.log(
      cells([row.recorded.toLocaleString('en'), (row.rss / MiB).toFixed(1), (row.heapUsed / MiB).toFixed(1), (row.heapTotal / MiB).toFixed(1), (row.external / MiB).toFixed(1), String(row.journalSize), String(row.failed), row.seconds.toFixed(0)]),
    );
  }
  // From the first checkpoint after the journal filled to the last: what grew.
  const full = rows.find((row) => row.journalSize === capacity && row.recorded > capacity * 2) ?? rows[1];
  const last = rows.at(-1);
  if (full && last && full !== last) {
    console.log(
      `\nfrom ${full.recorded.toLocaleString('en')} to ${last.recorded.toLocaleString('en')} tokens (journal full): heap ${signed((last.heapUsed - full.heapUsed) / MiB)} MiB, RSS ${signed((last.rss - full.rss) / MiB)} MiB`,
    );
  }
  console.log('target: flat after GC once the journal is full (no growth beyond its bound)');
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(1)}`;
}
