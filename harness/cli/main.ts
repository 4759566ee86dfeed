/**
 * Entry point of the `understudy` command (bin/understudy.js imports this file).
 */
import { runCli } from './run-cli.ts';

// Output piped into `head` and the like: a closed pipe ends the command quietly, as Unix tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

// Run as a child by bin/understudy.js on Node < 22.18: if the launcher dies (even by SIGKILL)
// the IPC channel closes; stop as if told to, rather than live on as an orphan.
if (process.channel) {
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}

const code = await runCli(process.argv);
process.exitCode = code;
// Everything is closed by now; if a stray handle still keeps the event loop alive, do not hang.
setTimeout(() => process.exit(code), 1000).unref();
