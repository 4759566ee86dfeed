import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { parse as parseYaml } from 'yaml';
import { PRESETS } from '../../server/faults/presets.ts';
import { CliError } from './exit-codes.ts';
import { parseServerUrl } from './parse-options.ts';
import { send } from './request-token.ts';

interface ClientOptions {
  url: string;
}

const urlOption = () => new Option('-u, --url <url>', 'base URL of the server').default('http://127.0.0.1:9400').env('UNDERSTUDY_URL').argParser(parseServerUrl);

/** `understudy fault add|list|remove|clear|presets`: the fault rules of a running server. */
export function faultCommand(): Command {
  const fault = new Command('fault').description('Add, list and remove fault rules of a running server (its /_understudy/faults API).');
  fault
    .command('add')
    .description('Add a rule: a preset name (with --params / --match) or a full rule as JSON; prints its id.')
    .argument('<rule>', 'preset name such as token.rate_limited, or a rule as JSON')
    .option('--params <json>', 'the preset\'s parameters as JSON, e.g. \'{"retryAfter": 10}\'')
    .option('--match <json>', 'which requests, as JSON, e.g. \'{"times": 1}\'')
    .option('--id <id>', 'the rule id (default: assigned)')
    .addOption(urlOption())
    .action(async (rule: string, options: ClientOptions & { params?: string; match?: string; id?: string }) => {
      const body: Record<string, unknown> = rule.trim().startsWith('{') ? parseJson(rule, '<rule>') : { preset: rule };
      if (options.params) body.params = parseJson(options.params, '--params');
      if (options.match) body.match = parseJson(options.match, '--match');
      if (options.id) body.id = options.id;
      const answer = await control(options.url, 'POST', '/faults', body);
      process.stdout.write(`${(answer as { id: string }).id}\n`);
    });
  fault
    .command('list')
    .description('List the rules with how often each matched and fired (JSON).')
    .addOption(urlOption())
    .action(async (options: ClientOptions) => {
      process.stdout.write(`${JSON.stringify(await control(options.url, 'GET', '/faults'), null, 2)}\n`);
    });
  fault
    .command('remove')
    .description('Remove one rule; requests it holds are released.')
    .argument('<id>')
    .addOption(urlOption())
    .action(async (id: string, options: ClientOptions) => {
      await control(options.url, 'DELETE', `/faults/${encodeURIComponent(id)}`);
    });
  fault
    .command('clear')
    .description('Remove every rule.')
    .addOption(urlOption())
    .action(async (options: ClientOptions) => {
      const { removed } = (await control(options.url, 'DELETE', '/faults')) as { removed: number };
      process.stdout.write(`removed ${removed} rule(s)\n`);
    });
  fault
    .command('presets')
    .description('List the preset names with what each reproduces (no server needed).')
    .action(() => {
      const width = Math.max(...Object.keys(PRESETS).map((name) => name.length));
      for (const [name, preset] of Object.entries(PRESETS)) {
        const params = Object.keys(preset.params.shape);
        process.stdout.write(`${name.padEnd(width)}  ${preset.summary}${params.length ? ` (params: ${params.join(', ')})` : ''}\n`);
      }
    });
  return fault;
}

/** Reads fault rules from a YAML or JSON file: a list of rules, or `{faults: [...]}`. */
export async function readFaultFile(file: string): Promise<unknown[]> {
  let value: unknown;
  try {
    value = parseYaml(await readFile(file, 'utf8'));
  } catch (error) {
    throw new CliError('INVALID_ARGUMENT', `cannot read the fault file ${file}: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
  const rules = Array.isArray(value) ? value : (value as { faults?: unknown } | null)?.faults;
  if (!Array.isArray(rules)) throw new CliError('INVALID_ARGUMENT', `${file} must hold a list of fault rules, or a mapping with a "faults" list`);
  return rules;
}

function parseJson(text: string, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new CliError('INVALID_ARGUMENT', `${what} must be a JSON object, e.g. '{"times": 1}'`);
}

async function control(url: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await send(url, `${url}/_understudy${path}`, {
    method,
    headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  }, 10_000);
  const text = await response.text();
  if (!response.ok) {
    let detail = text;
    try {
      detail = (JSON.parse(text) as { detail?: string }).detail ?? text;
    } catch {
      // not a problem document
    }
    throw new CliError('REQUEST_FAILED', `${method} /_understudy${path} failed with HTTP ${response.status}: ${detail}`);
  }
  return text ? JSON.parse(text) : undefined;
}
