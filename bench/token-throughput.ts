/**
 * Token endpoint throughput, client credentials, with wrk as the load generator: understudy
 * (idcs/RS256, rfc9068/ES256, and both again with 20 inactive fault rules) against a minimal
 * node:http + jose server (the practical limit), oidc-provider and oauth2-mock-server.
 * Each server runs as a child process on 127.0.0.1; wrk -t2 -c32 after a warm-up, median of
 * RUNS runs. Server CPU per token comes from /proc/<pid>/stat (utime+stime) before/after each
 * run; RSS from /proc/<pid>/status after the runs. Prints measured numbers; asserts nothing.
 *
 * Env: RUNS (3), DURATION (10, seconds per run), WARMUP (3), CONNECTIONS (32), THREADS (2),
 *      ONLY (comma-separated substrings of server names to run).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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

interface WrkResult {
  requests: number;
  durationUs: number;
  connectErrors: number;
  readErrors: number;
  writeErrors: number;
  timeouts: number;
  non2xx: number;
  p50Us: number;
  p99Us: number;
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
  const lua = fileURLToPath(new URL('./wrk/token-request.lua', import.meta.url));
  const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

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

  console.log(`token endpoint throughput, client credentials: wrk -t${threads} -c${connections} -d${duration}s after a ${warmup}s warm-up, median of ${runs}`);
  console.log(`node ${process.version}, ${execFileSync('nproc').toString().trim()} CPUs, ${cpuModel()}; wrk, server and the CPU they share are all on this machine\n`);

  const rows = new Map<string, { reqs: number; p50: number; p99: number; cpuMs: number; rssMiB: number; bad: number; perRun: number[] }>();
  for (const target of targets) {
    const { child, url } = await start(target);
    try {
      const pid = child.pid as number;
      const base = `${url}`;
      const env = { ...process.env, TOKEN_PATH: target.tokenPath };
      // Correctness probe: one request, must be a 200 with a JWT.
      await probe(base + target.tokenPath);
      await wrk(lua, base, env, threads, connections, warmup);
      const samples: { reqs: number; p50: number; p99: number; cpuMs: number; bad: number }[] = [];
      for (let i = 0; i < runs; i += 1) {
        const before = cpuTicks(pid);
        const result = await wrk(lua, base, env, threads, connections, duration);
        const cpu = ((cpuTicks(pid) - before) / ticksPerSecond) * 1000;
        const bad = result.non2xx + result.connectErrors + result.readErrors + result.writeErrors + result.timeouts;
        samples.push({ reqs: result.requests / (result.durationUs / 1e6), p50: result.p50Us / 1000, p99: result.p99Us / 1000, cpuMs: cpu / Math.max(1, result.requests), bad });
      }
      const row = {
        reqs: median(samples.map((s) => s.reqs)),
        p50: median(samples.map((s) => s.p50)),
        p99: median(samples.map((s) => s.p99)),
        cpuMs: median(samples.map((s) => s.cpuMs)),
        rssMiB: rssKiB(pid) / 1024,
        bad: samples.reduce((n, s) => n + s.bad, 0),
        perRun: samples.map((s) => s.reqs),
      };
      rows.set(target.name, row);
      console.error(`  done ${target.name}: ${row.reqs.toFixed(0)} req/s (runs ${row.perRun.map((r) => r.toFixed(0)).join(', ')})`);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)));
    }
  }

  const header = ['server', 'req/s', 'p50 ms', 'p99 ms', 'CPU ms/token', 'RSS MiB', 'x limit', 'errors'];
  const widths = [36, 8, 8, 8, 13, 8, 8, 7];
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join(' ');
  console.log(line(header));
  for (const target of targets) {
    const row = rows.get(target.name);
    if (!row) continue;
    const limit = target.limit ? rows.get(target.limit) : undefined;
    const ratio = limit ? `${(row.reqs / limit.reqs).toFixed(2)}x` : target.limit ? '-' : '1.00x';
    console.log(line([target.name, row.reqs.toFixed(0), row.p50.toFixed(2), row.p99.toFixed(2), row.cpuMs.toFixed(3), row.rssMiB.toFixed(0), ratio, String(row.bad)]));
  }
  console.log('');
  for (const [plain, faulty] of [
    ['understudy idcs RS256', 'understudy idcs RS256 +20 faults'],
    ['understudy rfc9068 ES256', 'understudy rfc9068 ES256 +20 faults'],
  ] as const) {
    const a = rows.get(plain);
    const b = rows.get(faulty);
    if (a && b) console.log(`20 inactive fault rules: ${faulty.replace(' +20 faults', '')} at ${((b.reqs / a.reqs) * 100).toFixed(1)}% of its no-fault throughput (target >= 95%)`);
  }
  console.log('targets: understudy >= 0.75x the plain-jose limit of its algorithm');
}

function start(target: Target): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, target.args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ALG: target.alg, NODE_ENV: 'production' } });
  let errText = '';
  child.stderr?.on('data', (c: Buffer) => (errText += c.toString()));
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${target.name} did not start within 20 s: ${errText}`));
    }, 20_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /listening (\S+)/.exec(text);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ child, url: match[1].replace(/\/$/, '') });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${target.name} exited with ${code} before listening: ${errText}`));
    });
  });
}

async function probe(url: string): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from('demo-client:demo-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&scope=urn%3Aopc%3Aresource%3Aconsumer%3A%3Aall',
  });
  const text = await response.text();
  const token = (JSON.parse(text) as { access_token?: string }).access_token;
  if (response.status !== 200 || !token || token.split('.').length !== 3) throw new Error(`probe of ${url} answered ${response.status}: ${text}`);
}

function wrk(lua: string, url: string, env: NodeJS.ProcessEnv, threads: number, connections: number, seconds: number): Promise<WrkResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, '--timeout', '5s', '-s', lua, url], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (c: Buffer) => (text += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const match = /WRK_RESULT (\{.*\})/.exec(text);
      if (code !== 0 || !match?.[1]) reject(new Error(`wrk exited with ${code}: ${text}`));
      else resolve(JSON.parse(match[1]) as WrkResult);
    });
  });
}

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the ")" closing comm: state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function rssKiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0);
}

function cpuModel(): string {
  const match = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
  return match?.[1]?.trim() ?? 'unknown CPU';
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}
