/**
 * Token endpoint throughput, client credentials, with wrk as the load generator: understudy
 * (idcs/RS256, rfc9068/ES256, and both again with 20 inactive fault rules) against a minimal
 * node:http + jose server (the practical limit), oidc-provider and oauth2-mock-server.
 * Each server runs as a child process on 127.0.0.1; all are started and warmed up first, then
 * measured in interleaved rounds (one wrk -t2 -c32 run per server per round, RUNS rounds) so
 * that drifting load on the machine hits every server alike; each row is the median of its runs.
 * Server CPU per token comes from /proc/<pid>/stat (utime+stime) before/after each run; RSS
 * from /proc/<pid>/status after the runs. Prints measured numbers; asserts nothing.
 *
 * Env: RUNS (3), DURATION (10, seconds per run), WARMUP (3), CONNECTIONS (32), THREADS (2),
 *      ONLY (comma-separated substrings of server names to run).
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { probeToken, startChildServer, stopChildServer } from './support/child-server.ts';
import { cpuTicks, describeMachine, median, rssKiB, TICKS_PER_SECOND } from './support/proc.ts';
import { failures, runWrk } from './support/wrk.ts';

// ---- child mode: serve understudy -------------------------------------------------------
if (process.argv[2] === '--serve-understudy') {
  const { createServer } = await import('../server/create-server.ts');
  const [profile, algorithm, faultCount] = process.argv.slice(3) as ['idcs' | 'rfc9068', 'RS256' | 'ES256', string];
  const faults = Array.from({ length: Number(faultCount) }, (_, i) => ({ preset: 'api.delay', match: { route: `nope-${i + 1}` } }));
  const server = await createServer({ port: 0, config: { profile, algorithm }, faults });
  console.log(`listening ${server.url}`);
  process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
} else {
  await main();
}

interface Target {
  name: string;
  alg: 'RS256' | 'ES256';
  args: string[];
  tokenPath: string;
  /** the row of the limit this one is compared with */
  limit?: string;
}


async function main(): Promise<void> {
  const runs = Number(process.env.RUNS ?? 3);
  const duration = Number(process.env.DURATION ?? 10);
  const warmup = Number(process.env.WARMUP ?? 3);
  const connections = Number(process.env.CONNECTIONS ?? 32);
  const threads = Number(process.env.THREADS ?? 2);
  const only = process.env.ONLY?.split(',').filter(Boolean);
  const self = fileURLToPath(import.meta.url);
  const baseline = (file: string) => fileURLToPath(new URL(`./baselines/${file}`, import.meta.url));

  const all: Target[] = [
    { name: 'plain-jose RS256 (limit)', alg: 'RS256', args: [baseline('plain-jose.ts')], tokenPath: '/oauth2/v1/token' },
    { name: 'understudy idcs RS256', alg: 'RS256', args: [self, '--serve-understudy', 'idcs', 'RS256', '0'], tokenPath: '/oauth2/v1/token', limit: 'plain-jose RS256 (limit)' },
    { name: 'understudy idcs RS256 +20 faults', alg: 'RS256', args: [self, '--serve-understudy', 'idcs', 'RS256', '20'], tokenPath: '/oauth2/v1/token', limit: 'plain-jose RS256 (limit)' },
    { name: 'oidc-provider RS256', alg: 'RS256', args: [baseline('oidc-provider.ts')], tokenPath: '/token', limit: 'plain-jose RS256 (limit)' },
    { name: 'oauth2-mock-server RS256', alg: 'RS256', args: [baseline('oauth2-mock-server.ts')], tokenPath: '/token', limit: 'plain-jose RS256 (limit)' },
    { name: 'plain-jose ES256 (limit)', alg: 'ES256', args: [baseline('plain-jose.ts')], tokenPath: '/token' },
    { name: 'understudy rfc9068 ES256', alg: 'ES256', args: [self, '--serve-understudy', 'rfc9068', 'ES256', '0'], tokenPath: '/token', limit: 'plain-jose ES256 (limit)' },
    { name: 'understudy rfc9068 ES256 +20 faults', alg: 'ES256', args: [self, '--serve-understudy', 'rfc9068', 'ES256', '20'], tokenPath: '/token', limit: 'plain-jose ES256 (limit)' },
    { name: 'oidc-provider ES256', alg: 'ES256', args: [baseline('oidc-provider.ts')], tokenPath: '/token', limit: 'plain-jose ES256 (limit)' },
    { name: 'oauth2-mock-server ES256', alg: 'ES256', args: [baseline('oauth2-mock-server.ts')], tokenPath: '/token', limit: 'plain-jose ES256 (limit)' },
  ];
  const targets = all.filter((t) => !only || only.some((o) => t.name.includes(o)));

  console.log(`token endpoint throughput, client credentials: wrk -t${threads} -c${connections} -d${duration}s after a ${warmup}s warm-up, ${runs} interleaved rounds, median`);
  console.log(`${describeMachine()}; wrk, the servers and the CPUs they share are all on this machine\n`);

  const running = new Map<string, { child: ChildProcess; url: string }>();
  const samples = new Map<string, { reqs: number; p50: number; p99: number; cpuMs: number; bad: number }[]>();
  const rssAfter = new Map<string, number>();
  try {
    for (const target of targets) {
      const server = await startChildServer(target.name, target.args, { env: { ALG: target.alg } });
      running.set(target.name, server);
      // Correctness probe: one request, must be a 200 with a JWT.
      await probeToken(server.url + target.tokenPath);
      await runWrk({ url: server.url, threads, connections, seconds: warmup, env: { TOKEN_PATH: target.tokenPath } });
      samples.set(target.name, []);
    }
    for (let round = 1; round <= runs; round += 1) {
      for (const target of targets) {
        const { child, url } = running.get(target.name) as { child: ChildProcess; url: string };
        const pid = child.pid as number;
        const before = cpuTicks(pid);
        const result = await runWrk({ url, threads, connections, seconds: duration, env: { TOKEN_PATH: target.tokenPath } });
        const cpu = ((cpuTicks(pid) - before) / TICKS_PER_SECOND) * 1000;
        const reqs = result.requests / (result.durationUs / 1e6);
        samples.get(target.name)?.push({ reqs, p50: result.p50Us / 1000, p99: result.p99Us / 1000, cpuMs: cpu / Math.max(1, result.requests), bad: failures(result) });
        console.error(`  round ${round}/${runs} ${target.name}: ${reqs.toFixed(0)} req/s`);
      }
    }
    for (const [name, { child }] of running) rssAfter.set(name, rssKiB(child.pid as number) / 1024);
  } finally {
    for (const { child } of running.values()) await stopChildServer(child);
  }

  const rows = new Map<string, { reqs: number; p50: number; p99: number; cpuMs: number; rssMiB: number; bad: number }>();
  for (const target of targets) {
    const runsOf = samples.get(target.name) ?? [];
    rows.set(target.name, {
      reqs: median(runsOf.map((s) => s.reqs)),
      p50: median(runsOf.map((s) => s.p50)),
      p99: median(runsOf.map((s) => s.p99)),
      cpuMs: median(runsOf.map((s) => s.cpuMs)),
      rssMiB: rssAfter.get(target.name) ?? 0,
      bad: runsOf.reduce((n, s) => n + s.bad, 0),
    });
  }
  // Ratios are the median of per-round ratios: the two servers of a round ran minutes apart at
  // most, so a slow patch of the machine hits both.
  function roundRatio(name: string, reference: string): number | undefined {
    const a = samples.get(name);
    const b = samples.get(reference);
    if (!a?.length || !b?.length || a.length !== b.length) return undefined;
    return median(a.map((sample, i) => sample.reqs / (b[i] as { reqs: number }).reqs));
  }
  console.log('');
  const header = ['server', 'req/s', 'p50 ms', 'p99 ms', 'CPU ms/token', 'RSS MiB', 'x limit', 'errors'];
  const widths = [36, 8, 8, 8, 13, 8, 8, 7];
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join(' ');
  console.log(line(header));
  for (const target of targets) {
    const row = rows.get(target.name);
    if (!row) continue;
    const ratio = target.limit ? roundRatio(target.name, target.limit) : 1;
    const ratioText = ratio === undefined ? '-' : `${ratio.toFixed(2)}x`;
    console.log(line([target.name, row.reqs.toFixed(0), row.p50.toFixed(2), row.p99.toFixed(2), row.cpuMs.toFixed(3), row.rssMiB.toFixed(0), ratioText, String(row.bad)]));
  }
  console.log('');
  for (const [plain, faulty] of [
    ['understudy idcs RS256', 'understudy idcs RS256 +20 faults'],
    ['understudy rfc9068 ES256', 'understudy rfc9068 ES256 +20 faults'],
  ] as const) {
    const ratio = roundRatio(faulty, plain);
    if (ratio !== undefined) console.log(`20 inactive fault rules: ${plain} at ${(ratio * 100).toFixed(1)}% of its no-fault throughput (target >= 95%)`);
  }
  console.log('targets: understudy >= 0.75x the plain-jose limit of its algorithm (stretch 0.9x); x limit = median of per-round ratios');
}
