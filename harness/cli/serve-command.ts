import { Command, Option } from 'commander';
import type { CreateServerOptions, ProfileName, ResolvedConfig, UnderstudyConfig } from '../../server/index.ts';
import { CliError } from './exit-codes.ts';
import { readPackageVersion } from './package-version.ts';
import { parseHost, parsePort, PROFILE_NAMES } from './parse-options.ts';
import { formatBanner } from './print-banner.ts';
import { isLoopback } from '../../server/control/loopback.ts';
import { waitForSignal } from './wait-for-signal.ts';
import { readFaultFile } from './fault-command.ts';

/** Flags of `understudy serve`, as commander parses them. */
export interface ServeOptions {
  config?: string;
  port?: number;
  host?: string;
  profile?: ProfileName;
  journal?: string;
  fault?: string[];
}

/** `understudy serve`: the command-line twin of `createServer()`. */
export function serveCommand(): Command {
  return new Command('serve')
    .description('Start an understudy server: authorization server, mock API and control API on one port.')
    .option('-c, --config <file>', 'YAML or JSON configuration file (see `understudy schema`); default: the embedded demo configuration')
    .option('-p, --port <n>', 'port to listen on, 0 = any free port (default: server.port of the config, else 9400)', parsePort)
    .option('--host <address>', 'address to bind (default: server.host of the config, else 127.0.0.1)', parseHost)
    .addOption(new Option('--profile <name>', 'wire shape, overrides the config\'s "profile" (default: idcs)').choices(PROFILE_NAMES))
    .option('--journal <file>', 'also append every journal entry to this JSON Lines file')
    .option('--fault <file...>', 'fault rules active from the start: a YAML or JSON file with a list of rules (see `understudy fault presets`)')
    .addHelpText(
      'after',
      `
Examples:
  understudy serve                          the demo configuration on http://127.0.0.1:9400
  understudy serve --config understudy.yaml --port 0
  understudy serve --profile rfc9068 --journal .understudy/journal.jsonl

Stops cleanly on Ctrl-C (SIGINT) or SIGTERM. Exit codes: 0 stopped, 1 the journal file could not
be written, 2 invalid flags or configuration, or the port cannot be used.`,
    )
    .action((options: ServeOptions) => runServe(options));
}

/** Starts the server, prints the banner and serves until SIGINT or SIGTERM, then closes it. */
export async function runServe(options: ServeOptions): Promise<void> {
  // Listen for signals first, so one that arrives during start-up still shuts down cleanly.
  const stop = waitForSignal();
  try {
    // Loaded here, not at the top, so `understudy token` and `--help` do not pay for the server.
    const { createServer, ConfigError, ListenError, loadConfigFile } = await import('../../server/index.ts');
    let server;
    try {
      server = await createServer(await toServerOptions(options, loadConfigFile));
    } catch (error) {
      if (error instanceof ConfigError || error instanceof ListenError) throw new CliError('STARTUP_FAILED', (error as Error).message, { cause: error });
      throw error;
    }
    process.stdout.write(formatBanner(server, readPackageVersion()));
    const warning = exposureWarning(server.config);
    if (warning) process.stderr.write(warning);

    const signal = await stop.received;
    process.stderr.write(`understudy: ${signal} received, stopping\n`);
    try {
      await server.close();
    } catch (error) {
      throw new CliError('SHUTDOWN_FAILED', `stopped, but not cleanly: ${(error as Error).message}`, { cause: error });
    }
  } finally {
    stop.dispose();
  }
}

/**
 * Flags -> createServer options. `--journal` must not drop the rest of the file's "journal"
 * section (createServer replaces top-level sections), so the file is read here to merge it.
 */
async function toServerOptions(options: ServeOptions, loadConfigFile: (file: string) => Promise<UnderstudyConfig>): Promise<CreateServerOptions> {
  const serverOptions: CreateServerOptions = { configFile: options.config, port: options.port, host: options.host, profile: options.profile };
  if (options.fault) serverOptions.faults = (await Promise.all(options.fault.map(readFaultFile))).flat();
  if (options.journal !== undefined) {
    const journal = options.config ? (await loadConfigFile(options.config)).journal : undefined;
    // A malformed section is left alone, so the configuration error names it.
    if (journal === undefined || (typeof journal === 'object' && journal !== null && !Array.isArray(journal))) {
      serverOptions.config = { journal: { ...journal, file: options.journal } };
    }
  }
  return serverOptions;
}

/** Binding beyond loopback exposes the token endpoint and the API to the network; say so. */
function exposureWarning(config: ResolvedConfig): string | undefined {
  const { host } = config.server;
  if (host === 'localhost' || isLoopback(host)) return undefined;
  const control = config.control.adminToken
    ? 'The control API (/_understudy) also answers remote callers that send "Authorization: Bearer <control.adminToken>".'
    : 'The control API (/_understudy) still answers loopback callers only; set control.adminToken in the config to let remote callers in.';
  return `warning: listening on ${host}, so other machines can reach the token endpoint and the mock API.\n${control}\n`;
}
