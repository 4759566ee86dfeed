import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Helpers to run the real `understudy` CLI (bin/understudy.js) in a child process. */

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'understudy.js');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface CliProcess {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout; rejects on exit or after `timeoutMs`. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<Exit>;
}

const running = new Set<ChildProcessWithoutNullStreams>();

/** Starts `understudy <args>`; `stopAll()` kills whatever is still running. */
export function startCli(args: string[], env: Record<string, string | undefined> = {}): CliProcess {
  const childEnv = { ...process.env, UNDERSTUDY_URL: undefined, ...env };
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: childEnv as NodeJS.ProcessEnv });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<Exit>((resolve) => {
    child.on('close', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });

  const waitForOutput = (pattern: RegExp, timeoutMs = 15_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = stdout.match(pattern);
        if (!match) return;
        done();
        resolve(match);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${pattern} on stdout within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
      }, timeoutMs);
      const onExit = () => {
        done();
        reject(new Error(`the CLI exited before printing ${pattern}\nstdout: ${stdout}\nstderr: ${stderr}`));
      };
      const done = () => {
        clearTimeout(timer);
        child.stdout.off('data', check);
        child.off('close', onExit);
      };
      child.stdout.on('data', check);
      child.once('close', onExit);
      check();
    });

  return { child, stdout: () => stdout, stderr: () => stderr, waitForOutput, exited };
}

/** Runs `understudy <args>` to completion. */
export async function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<Exit & { stdout: string; stderr: string }> {
  const cli = startCli(args, env);
  const exit = await cli.exited;
  return { ...exit, stdout: cli.stdout(), stderr: cli.stderr() };
}

/** Kills every CLI process a test left running (use in afterEach / afterAll). */
export async function stopAll(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('close', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}

/** What `understudy serve` printed: the base URL and the token URL of its banner. */
export interface Banner {
  baseUrl: string;
  tokenUrl: string;
  text: string;
}

/** Starts `understudy serve --port 0 ...` and waits for its banner. */
export async function startServe(extraArgs: string[] = []): Promise<{ cli: CliProcess; banner: Banner }> {
  const cli = startCli(['serve', '--port', '0', ...extraArgs]);
  await cli.waitForOutput(/Press Ctrl-C to stop\./);
  const text = cli.stdout();
  const baseUrl = /^ {2}base URL +(\S+)$/m.exec(text)?.[1];
  const tokenUrl = /^ {2}token URL +(\S+)$/m.exec(text)?.[1];
  if (!baseUrl || !tokenUrl) throw new Error(`unexpected banner:\n${text}`);
  return { cli, banner: { baseUrl, tokenUrl, text } };
}

/**
 * bin/understudy.js prefers dist/ when it exists; fail loudly rather than test a stale build.
 */
export function assertNoStaleBuild(): void {
  const built = join(ROOT, 'dist', 'harness', 'cli', 'main.js');
  let builtAt: number;
  try {
    builtAt = statSync(built).mtimeMs;
  } catch {
    return;
  }
  const newest = Math.max(...['server', 'harness'].flatMap((dir) => sourceTimes(join(ROOT, dir))));
  if (newest > builtAt) {
    throw new Error('dist/ is older than the sources and bin/understudy.js would run it: run `npm run build` or delete dist/');
  }
}

function sourceTimes(dir: string): number[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => statSync(join(entry.parentPath, entry.name)).mtimeMs);
}
