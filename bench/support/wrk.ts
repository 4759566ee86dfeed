import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** What bench/wrk/token-request.lua prints when wrk finishes. */
export interface WrkResult {
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

/** The wrk script that POSTs client-credentials token requests (env TOKEN_PATH, CLIENT_ID...). */
export const TOKEN_REQUEST_LUA = fileURLToPath(new URL('../wrk/token-request.lua', import.meta.url));

export interface WrkOptions {
  url: string;
  threads: number;
  connections: number;
  seconds: number;
  env?: NodeJS.ProcessEnv;
  lua?: string;
}

/** Runs wrk (the Debian package) against `url` and returns its parsed result line. */
export function runWrk(options: WrkOptions): Promise<WrkResult> {
  const { url, threads, connections, seconds } = options;
  const args = [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, '--timeout', '5s', '-s', options.lua ?? TOKEN_REQUEST_LUA, url];
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.once('error', (error) => reject(new Error(`cannot run wrk (apt-get install wrk): ${error.message}`)));
    child.once('exit', (code) => {
      const match = /WRK_RESULT (\{.*\})/.exec(text);
      if (code !== 0 || !match?.[1]) reject(new Error(`wrk exited with ${code}: ${text}`));
      else resolve(JSON.parse(match[1]) as WrkResult);
    });
  });
}

/** Requests that did not end in a 2xx. */
export function failures(result: WrkResult): number {
  return result.non2xx + result.connectErrors + result.readErrors + result.writeErrors + result.timeouts;
}
