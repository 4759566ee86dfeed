#!/usr/bin/env node
// Launcher of the `understudy` CLI: the compiled CLI (dist/, after `npm run build`) when it
// exists, else the TypeScript source, which Node >= 22.18 runs directly by stripping types.
// First, so that an unsupported Node gets one line saying which Node to use, not a bad option.
import './require-node.js';
import { existsSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

module.enableCompileCache?.();

const built = new URL('../dist/harness/cli/main.js', import.meta.url);
const source = new URL('../harness/cli/main.ts', import.meta.url);

if (existsSync(built)) {
  await import(built.href);
} else if (process.features.typescript) {
  await import(source.href);
} else {
  // Node 22.12 - 22.17 strip types only behind a flag: run the source in a child that has it.
  // The child gets its own process group, so a Ctrl-C reaches it once (forwarded from here),
  // and an IPC channel, so it stops when this process dies without forwarding anything.
  const { spawn } = await import('node:child_process');
  const child = spawn(
    process.execPath,
    ['--experimental-strip-types', '--disable-warning=ExperimentalWarning', fileURLToPath(source), ...process.argv.slice(2)],
    { stdio: ['inherit', 'inherit', 'inherit', 'ipc'], detached: true },
  );
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => {
    process.exitCode = code ?? 1;
    process.exit();
  });
}
