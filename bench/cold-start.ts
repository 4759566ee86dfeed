/**
 * Cold start: from spawning `understudy serve --port 0` to the first successful token, median
 * of N runs (default 5). Prints measured numbers; it asserts nothing.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const runs = Number(process.env.RUNS ?? 5);
const bin = fileURLToPath(new URL('../bin/understudy.js', import.meta.url));

async function once(): Promise<{ banner: number; token: number; login?: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    let text = '';
    const tokenUrl = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const match = /token URL +(\S+)/.exec(text);
        if (match?.[1] && /Press Ctrl-C/.test(text)) resolve(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code} before its banner`)));
    });
    const banner = performance.now() - started;
    const response = await fetch(tokenUrl, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('demo-client:demo-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    if (response.status !== 200) throw new Error(`first token request answered ${response.status}`);
    await response.arrayBuffer();
    const token = performance.now() - started;
    // Then the banner's sign-in URL, to the login page (a tree without the authorization endpoint has none).
    const signIn = /^\s+(http\S+\/authorize\?\S+)$/m.exec(text)?.[1];
    if (!signIn) return { banner, token };
    const redirect = await fetch(signIn, { redirect: 'manual' });
    const page = await fetch(new URL(redirect.headers.get('location') as string, signIn), { headers: { cookie: (redirect.headers.get('set-cookie') ?? '').split(';')[0] as string } });
    if (page.status !== 200) throw new Error(`the login page answered ${page.status}`);
    await page.arrayBuffer();
    return { banner, token, login: performance.now() - started };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

await once(); // warm the disk cache and the compile cache
const samples = [];
for (let i = 0; i < runs; i += 1) samples.push(await once());
const tokens = samples.map((s) => s.token);
console.log(`cold start, spawn -> first token (${runs} runs): median ${median(tokens).toFixed(0)} ms; runs ${tokens.map((t) => t.toFixed(0)).join(', ')} ms`);
console.log(`            spawn -> banner: median ${median(samples.map((s) => s.banner)).toFixed(0)} ms`);
const logins = samples.flatMap((s) => (s.login === undefined ? [] : [s.login]));
if (logins.length > 0) console.log(`            spawn -> first token, then the login page: median ${median(logins).toFixed(0)} ms`);
