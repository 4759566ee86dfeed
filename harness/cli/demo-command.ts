import { setTimeout as delay } from 'node:timers/promises';
import { Command, InvalidArgumentError } from 'commander';
import { isLoopback } from '../../server/control/loopback.ts';
import type { UnderstudyServer } from '../../server/index.ts';
import type { StoryListener } from '../demo/story.ts';
import { CliError } from './exit-codes.ts';
import { parseHost, parsePort } from './parse-options.ts';
import { waitForSignal } from './wait-for-signal.ts';

/** Flags of `understudy demo`, as commander parses them. */
export interface DemoOptions {
  port?: number;
  host?: string;
  /** Play the story once instead of on a loop. */
  once?: boolean;
  /** With --once: stop when the story ends instead of serving on. */
  exit?: boolean;
  /** Story tempo; 2 = twice as fast. */
  speed: number;
}

/** Pause between two steps of the story at speed 1, so the dashboard can be followed by eye. */
const STEP_PAUSE_MS = 700;
/** Pause before the story starts again, at speed 1. */
const LOOP_PAUSE_MS = 4000;

/** `understudy demo`: a server, its dashboard, and two example clients playing a short story. */
export function demoCommand(): Command {
  return new Command('demo')
    .description('Start a server and its live dashboard, and play a short story with two example clients: normal calls, a token expiry, a revocation, a rate limit.')
    .option('-p, --port <n>', 'port to listen on, 0 = any free port (default: 9400)', parsePort)
    .option('--host <address>', 'loopback address to bind: 127.0.0.1, ::1 or localhost (default: 127.0.0.1)', parseHost)
    .option('--once', 'play the story once, then keep serving (the dashboard stays up) until Ctrl-C')
    .option('--exit', 'with --once: stop as soon as the story has been played')
    .option('--speed <factor>', 'story tempo: 2 = twice as fast, 0.5 = half as fast (default: 1)', parseSpeed, 1)
    .addHelpText(
      'after',
      `
Open the dashboard URL it prints in a browser and watch the story happen. Stops cleanly on Ctrl-C
(SIGINT) or SIGTERM. Exit codes: 0 stopped, 1 the story failed, 2 invalid flags or the port cannot be used.`,
    )
    .action((options: DemoOptions) => runDemo(options));
}

/** commander argParser for `--speed`: a positive number. */
export function parseSpeed(value: string): number {
  const speed = Number(value);
  if (value.trim() === '' || !Number.isFinite(speed) || speed <= 0) {
    throw new InvalidArgumentError('The speed must be a positive number, e.g. 2 for twice as fast or 0.5 for half as fast.');
  }
  return speed;
}

/**
 * Starts the server, plays the story (once or on a loop) and serves until a signal, then closes.
 * @throws CliError INVALID_ARGUMENT (exit 2) for --exit without --once or a non-loopback --host.
 */
export async function runDemo(options: DemoOptions): Promise<void> {
  if (options.exit && !options.once) throw new CliError('INVALID_ARGUMENT', '--exit only goes with --once (a looping demo runs until Ctrl-C)');
  if (options.host !== undefined && !isLoopbackHost(options.host)) {
    throw new CliError(
      'INVALID_ARGUMENT',
      `--host ${options.host}: the demo only listens on loopback (127.0.0.1, ::1 or localhost). Its control API answers other hosts only with an admin token, which neither the story's own control calls nor the dashboard's event stream (a browser EventSource cannot send an Authorization header) can present. To reach a server from other machines, run \`understudy serve --host ${options.host} --config <file>\` with control.adminToken set in the file.`,
    );
  }
  const stop = waitForSignal();
  const abort = new AbortController();
  let server: UnderstudyServer | undefined;
  try {
    // Loaded here, not at the top, so `--help` and the other commands do not pay for the server.
    const { createServer, ListenError } = await import('../../server/index.ts');
    const story = await import('../demo/story.ts');
    try {
      server = await createServer({ port: options.port, host: options.host });
    } catch (error) {
      if (error instanceof ListenError) throw new CliError('STARTUP_FAILED', error.message, { cause: error });
      throw error;
    }
    const cast = await story.createDemoCast(server.urls);
    const out = (line: string): void => {
      process.stdout.write(`${line}\n`);
    };
    out(`understudy demo is serving at ${server.url}`);
    out('');
    out(`  dashboard   ${server.urls.controlUrl}/   <- open this in a browser`);
    out(`  token URL   ${server.urls.tokenUrl}`);
    for (const spec of [story.DEMO_CLIENTS.wellBehaved, story.DEMO_CLIENTS.tokenPerCall]) out(`  ${spec.id.padEnd(19)} ${spec.role}`);
    out('');
    out(options.once ? 'Playing the story once:' : 'Playing the story on a loop (Ctrl-C to stop):');

    const listener: StoryListener = {
      onChapterStart: (chapter, index, total) => out(`[${index + 1}/${total}] ${chapter.title}: ${chapter.description}`),
      onChapterEnd: (result) => out(`      ${story.summarizeChapter(result)}`),
    };
    const play = async () => {
      for (let round = 1; ; round += 1) {
        if (round > 1) out(`--- round ${round}`);
        await story.playStory({ cast, pauseMs: STEP_PAUSE_MS / options.speed, signal: abort.signal, listener });
        if (options.once) return;
        await delay(LOOP_PAUSE_MS / options.speed, undefined, { signal: abort.signal });
      }
    };
    const played = play().then(
      () => 'done' as const,
      (error: unknown) => (abort.signal.aborted ? ('stopped' as const) : Promise.reject(error)),
    );

    const first = await Promise.race([played, stop.received]);
    if (first === 'done') {
      if (options.exit) return;
      out(`The story is over; the server and the dashboard stay up at ${server.urls.controlUrl}/ until Ctrl-C.`);
    }
    if (first === 'done' || first === 'stopped') {
      const signal = await stop.received;
      process.stderr.write(`understudy: ${signal} received, stopping\n`);
    } else {
      process.stderr.write(`understudy: ${first} received, stopping\n`);
      abort.abort(new Error(`${first} received`));
      await played;
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    const { DemoError } = await import('../demo/demo-error.ts');
    if (error instanceof DemoError) throw new CliError('REQUEST_FAILED', `the demo story stopped: ${error.message}`, { cause: error });
    throw error;
  } finally {
    abort.abort(new Error('stopping'));
    stop.dispose();
    if (server) await server.close();
  }
}

/** RFC 6761 §6.3: localhost and its subdomains are loopback names, as are 127.0.0.0/8 and ::1. */
function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost') || isLoopback(host);
}
