import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';

/**
 * Starts a benchmark server as a child process and waits for the "listening <url>" line it
 * prints on stdout.
 */
export function startChildServer(
  name: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; ipc?: boolean } = {},
): Promise<{ child: ChildProcess; url: string }> {
  const stdio: StdioOptions = options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'];
  const child = spawn(process.execPath, args, { stdio, env: { ...process.env, NODE_ENV: 'production', ...options.env } });
  let errText = '';
  child.stderr?.on('data', (chunk: Buffer) => (errText += chunk.toString()));
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start within 20 s: ${errText}`));
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
      reject(new Error(`${name} exited with ${code} before listening: ${errText}`));
    });
  });
}

/** Stops a child server with SIGTERM and waits for it to exit. */
export async function stopChildServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** One client-credentials request with the demo client: must answer 200 with a JWT. */
export async function probeToken(tokenUrl: string, scope = 'urn:opc:resource:consumer::all'): Promise<void> {
  const response = await fetch(tokenUrl, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from('demo-client:demo-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope }).toString(),
  });
  const text = await response.text();
  let token: string | undefined;
  try {
    token = (JSON.parse(text) as { access_token?: string }).access_token;
  } catch {
    token = undefined;
  }
  if (response.status !== 200 || !token || token.split('.').length !== 3) throw new Error(`probe of ${tokenUrl} answered ${response.status}: ${text}`);
}
