import { open, mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import type { Driver } from '../drivers/driver.ts';
import { HarnessError } from '../errors.ts';
import { createReporter, isReporterName, REPORTER_NAMES, type ReporterName } from '../reporters/create-reporter.ts';
import type { Reporter, RunSummary } from '../reporters/reporter.ts';
import { plural } from '../reporters/report-stream.ts';
import { BOUND_NAMES, type BoundsInput } from '../scenario/bounds.ts';
import { loadDeclarationFile, parseDeclarationOption, type ClientDeclarationInput } from '../scenario/declaration.ts';
import { CliError, EXIT } from './exit-codes.ts';
import { parseServerUrl } from './parse-options.ts';
import type { BrowserKind } from '../person/person.ts';

/** Flags of `understudy run`, as commander parses them. */
export interface RunOptions {
  client?: string;
  clientUrl?: string;
  clientModule?: string;
  /** Repeatable; default: pretty. */
  reporter?: ReporterName[];
  out?: string;
  /** Repeatable, or comma-separated. */
  tag?: string[];
  parallel?: number;
  scenariosDir?: string;
  configure?: string;
  faketime?: number;
  /** Repeatable: declaration files, or key=value settings. */
  declare?: string[];
  /** Repeatable: name=value. */
  bound?: string[];
  browser?: BrowserKind;
}

/** `understudy run`: the command-line twin of `runScenarios()`. */
export function runCommand(): Command {
  return new Command('run')
    .description('Run contract scenarios against your client integration and judge how it handles tokens.')
    .argument('[scenarios...]', 'scenario names, paths or globs (default: every scenario)')
    .option('--client <command>', 'start the client with this shell command; it speaks the line protocol on stdin/stdout')
    .option('--client-url <url>', 'drive a client that is already running, through its HTTP endpoint', parseClientUrl)
    .option('--faketime <rate>', 'with --client: run the client under libfaketime, on the server\'s virtual time sped up RATE times (e.g. 60: a one-hour token lives one minute); see docs/faketime.md', parseRate)
    .option('--configure <command>', 'with --client-url: a shell command run before each scenario, with the UNDERSTUDY_* variables set, that points the integration at that scenario\'s server')
    .option('--client-module <file>', 'load a JavaScript/TypeScript module exporting createClient(env) and run it in-process')
    .option('--reporter <name>', `how to report: ${REPORTER_NAMES.join(', ')}; repeatable (default: pretty)`, collectReporter)
    .option('--out <file>', 'write the json or junit report to this file instead of stdout')
    .option('--tag <tag>', 'only scenarios with this tag (or level: must, should); repeatable or comma-separated, all must match', collectTags)
    .option('--parallel <n>', 'scenarios run at once, each on its own server (default: 4)', parseParallel)
    .option('--scenarios-dir <dir>', 'folder of scenario files (default: the built-in contract suite)')
    .option('--declare <file|key=value>', 'what the client does: a declaration file (YAML/JSON) or grants=..., requestTimeout=N, headers=...; repeatable (see the README)', collectRepeatable)
    .option('--browser <kind>', 'how the harness plays the person in sign-in scenarios: http (default) or chromium (headless, through playwright-core; UNDERSTUDY_CHROMIUM names the binary)', parseBrowser)
    .option('--bound <name=value>', `a bound of the verdicts, e.g. giveUpWithin=20 (${BOUND_NAMES.join(', ')}); repeatable`, collectRepeatable)
    .addHelpText(
      'after',
      `
Give exactly one of --client, --client-url, --client-module.

Examples:
  understudy run --client "node examples/clients/well-behaved.ts"
  understudy run --client "python my_client.py" reuse-valid-token 'resource-server/*'
  understudy run --client "java -jar client.jar" --tag caching --parallel 2
  understudy run --client-module ./src/token-client.ts
  understudy run --client-url http://127.0.0.1:8080/understudy
  understudy run --client "./client" --reporter pretty --reporter junit --out reports/understudy.xml
  understudy run --client "./client" --reporter json > result.json
  understudy run --client "python3 client.py" --declare client.understudy.yaml
  understudy run --client "./client" --declare requestTimeout=3 --bound giveUpWithin=15
  understudy run --client "node web-app.js" --declare grants=authorization_code,refresh_token --declare openid=true 'sign-in/*'
  understudy run --client "node web-app.js" --declare grants=authorization_code,refresh_token --browser chromium

A command client is told where understudy is through UNDERSTUDY_TOKEN_URL, UNDERSTUDY_CLIENT_ID,
UNDERSTUDY_CLIENT_SECRET, UNDERSTUDY_SCOPE, UNDERSTUDY_API_URL (and more, see the README), reads
one JSON unit of work per stdin line and answers each with {"id": 1, "ok": true} on stdout. A client
that signs a person in also answers the sign-in operations (sign-in, callback, sign-out): the
harness plays the person, so the client needs no browser.

Scenarios are picked by name (reuse-valid-token), by path in the scenarios folder
(caching/reuse-valid-token) or by glob ('caching/*'); quote globs so the shell leaves them alone.

A scenario about something the client does not declare (refresh tokens, a request timeout) is
"not applicable"; one that gave the client no chance to break its rule is "not exercised".
Neither fails the run.

Exit codes: 0 no "must" expectation failed ("should" failures are warnings), 1 a scenario failed
or could not be judged, 2 invalid flags, an invalid or unknown scenario or declaration, or a
client that cannot be loaded.`,
    )
    .action((patterns: string[], options: RunOptions) => runRun(patterns, options));
}

/**
 * Resolves the flags into a driver and reporters, runs the scenarios, and turns the outcome into
 * the exit code: a CliError with exit 1 when a scenario failed or errored, exit 2 when the run
 * could not start.
 */
export async function runRun(patterns: string[], options: RunOptions): Promise<void> {
  // Every flag is checked before anything heavy loads, so a usage error answers at once.
  const client = pickClient(options);
  const reporters = resolveReporters(options);
  const folder = options.scenariosDir === undefined ? undefined : await resolveScenariosDir(options.scenariosDir);
  if (options.out !== undefined) await checkWritable(options.out);
  const declaration = await readDeclarations(options.declare ?? []);
  const bounds = parseBounds(options.bound ?? []);
  let summary: RunSummary;
  try {
    const driver = await createDriver(client);
    // Loaded here, not at the top, so `understudy --help` does not pay for the runner and the server.
    const { runScenarios } = await import('../runner/run-scenarios.ts');
    let scenarios: { errorCode?: string; error?: string; verdict: string }[];
    ({ summary, scenarios } = await runScenarios({ driver, patterns, tags: options.tag, parallel: options.parallel, folder, reporters, declaration, bounds, browser: options.browser }));
    // A client that cannot run at all is a usage problem, not a verdict on its token handling
    // (scenarios not applicable to it never tried to start it).
    const started = scenarios.filter((s) => s.verdict !== 'not-applicable');
    const startFailure = started.find((s) => s.errorCode === 'CLIENT_START_FAILED');
    if (startFailure && started.every((s) => s.errorCode === 'CLIENT_START_FAILED')) {
      throw new CliError('INVALID_ARGUMENT', startFailure.error ?? 'the client could not be started', { exitCode: EXIT.usage });
    }
  } catch (error) {
    if (error instanceof HarnessError) throw new CliError('INVALID_ARGUMENT', error.message, { exitCode: EXIT.usage, cause: error });
    throw error;
  }
  if (summary.failed > 0 || summary.errored > 0) {
    const total = summary.passed + summary.failed + summary.errored + summary.notExercised + summary.notApplicable;
    const what = [summary.failed > 0 ? `${summary.failed} failed` : '', summary.errored > 0 ? `${summary.errored} could not be judged` : ''].filter(Boolean).join(', ');
    // The message goes to stderr, after the report.
    throw new CliError('SCENARIOS_FAILED', `${plural(total, 'scenario')} run: ${what}`, { exitCode: EXIT.failure });
  }
}

/** The reporters the flags ask for; at most one of them may write to stdout. */
function resolveReporters(options: RunOptions): Reporter[] {
  const names = [...new Set(options.reporter ?? ['pretty'])];
  const fileReports = names.filter((name) => name !== 'pretty');
  if (options.out !== undefined) {
    if (fileReports.length === 0) throw usage('--out is for the json and junit reports; add --reporter json or --reporter junit (pretty always goes to stdout)');
    if (fileReports.length > 1) throw usage(`--out takes one report, but --reporter ${fileReports.join(' and ')} were given; run once per report, or keep one on stdout`);
  }
  const onStdout = names.filter((name) => name === 'pretty' || options.out === undefined);
  if (onStdout.length > 1) {
    throw usage(`--reporter ${onStdout.join(' and ')} would all write to stdout; send ${onStdout.find((name) => name !== 'pretty')} to a file with --out FILE`);
  }
  return names.map((name) => createReporter(name, name === 'pretty' ? {} : { out: options.out }));
}

type ClientChoice = { kind: 'command'; command: string; faketime?: number } | { kind: 'http'; url: string; configure?: string } | { kind: 'module'; file: string };

/** Exactly one of --client, --client-url, --client-module. */
function pickClient(options: RunOptions): ClientChoice {
  const given = [
    options.client !== undefined && '--client',
    options.clientUrl !== undefined && '--client-url',
    options.clientModule !== undefined && '--client-module',
  ].filter((flag) => flag !== false);
  if (given.length === 0) {
    throw usage('say which client to test: --client "CMD" (a program to start), --client-url URL (one already running) or --client-module FILE (a module with createClient)');
  }
  if (given.length > 1) throw usage(`give only one of ${given.join(', ')}`);
  if (options.faketime !== undefined && options.client === undefined) {
    throw usage('--faketime goes with --client: it runs that program under libfaketime');
  }
  if (options.configure !== undefined && options.clientUrl === undefined) {
    throw usage("--configure goes with --client-url: it points the running integration at each scenario's server");
  }
  if (options.client !== undefined) {
    if (options.client.trim() === '') throw usage('--client needs a command, e.g. --client "node my-client.js"');
    return { kind: 'command', command: options.client, faketime: options.faketime };
  }
  if (options.clientUrl !== undefined) return { kind: 'http', url: options.clientUrl, configure: options.configure };
  return { kind: 'module', file: resolve(options.clientModule as string) };
}

/** The driver of the chosen client. The http and module drivers load lazily. */
async function createDriver(client: ClientChoice): Promise<Driver> {
  switch (client.kind) {
    case 'command': {
      if (client.faketime !== undefined) {
        const { faketimeCommandDriver } = await import('../drivers/faketime-driver.ts');
        return faketimeCommandDriver({ command: client.command, cwd: process.cwd(), rate: client.faketime });
      }
      const { commandDriver } = await import('../drivers/command-driver.ts');
      return commandDriver({ command: client.command, cwd: process.cwd() });
    }
    case 'http': {
      const { httpDriver } = await import('../drivers/http-driver.ts');
      return httpDriver({ url: client.url, configure: client.configure });
    }
    case 'module': {
      const found = await stat(client.file).catch(() => undefined);
      if (!found?.isFile()) throw usage(`--client-module: no such file: ${client.file}`);
      const { moduleDriver } = await import('../drivers/module-driver.ts');
      return moduleDriver({ file: client.file });
    }
  }
}

function parseRate(value: string): number {
  const rate = Number(value);
  if (!Number.isFinite(rate) || rate < 1 || rate > 10_000) throw usage(`--faketime must be a speed-up between 1 and 10000, e.g. 60 (got ${value})`);
  return rate;
}

async function resolveScenariosDir(dir: string): Promise<string> {
  const folder = resolve(dir);
  const found = await stat(folder).catch(() => undefined);
  if (!found?.isDirectory()) throw usage(`--scenarios-dir: no such folder: ${folder}`);
  return folder;
}

/** Fails before the run, not after it, when the report cannot be written. Leaves an existing file as it is. */
async function checkWritable(file: string): Promise<void> {
  try {
    await mkdir(dirname(resolve(file)), { recursive: true });
    await (await open(file, 'a')).close();
  } catch (error) {
    throw usage(`--out: cannot write ${resolve(file)}: ${(error as Error).message}`);
  }
}

function usage(message: string): CliError {
  return new CliError('INVALID_ARGUMENT', message, { exitCode: EXIT.usage });
}

function collectReporter(value: string, previous: ReporterName[] | undefined): ReporterName[] {
  if (!isReporterName(value)) throw new InvalidArgumentError(`Allowed reporters are ${REPORTER_NAMES.join(', ')}.`);
  return [...(previous ?? []), value];
}

function collectRepeatable(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** `--declare` values in order: a file when one exists at that path, else a key=value setting. */
async function readDeclarations(values: string[]): Promise<ClientDeclarationInput[]> {
  const declarations: ClientDeclarationInput[] = [];
  for (const value of values) {
    const file = await stat(value).catch(() => undefined);
    try {
      if (file?.isFile()) declarations.push(await loadDeclarationFile(value));
      else if (value.includes('=')) declarations.push(parseDeclarationOption(value));
      else throw usage(`--declare: no such file: ${resolve(value)} (give a declaration file, or key=value such as requestTimeout=3)`);
    } catch (error) {
      if (error instanceof HarnessError) throw usage(error.message);
      throw error;
    }
  }
  return declarations;
}

function parseBounds(values: string[]): BoundsInput {
  const bounds: Record<string, number> = {};
  for (const value of values) {
    const match = /^([A-Za-z]+)=(.+)$/.exec(value);
    if (!match || !(BOUND_NAMES as readonly string[]).includes(match[1] as string)) {
      throw usage(`--bound ${value}: give name=value with a name among ${BOUND_NAMES.join(', ')}`);
    }
    const number = Number(match[2]);
    if (!Number.isFinite(number)) throw usage(`--bound ${value}: the value must be a number`);
    bounds[match[1] as string] = number;
  }
  return bounds;
}

function collectTags(value: string, previous: string[] | undefined): string[] {
  const tags = value.split(',').map((tag) => tag.trim()).filter(Boolean);
  if (tags.length === 0) throw new InvalidArgumentError('Give a tag, e.g. --tag caching.');
  return [...(previous ?? []), ...tags];
}

function parseBrowser(value: string): BrowserKind {
  if (value !== 'http' && value !== 'chromium') throw new InvalidArgumentError('Give http or chromium.');
  return value;
}

function parseParallel(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError('Give a whole number from 1 to 64.');
  return n;
}

function parseClientUrl(value: string): string {
  parseServerUrl(value);
  return value;
}
