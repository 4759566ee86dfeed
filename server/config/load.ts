import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ConfigError } from './errors.ts';
import type { UnderstudyConfig } from './schema.ts';

/**
 * Reads a YAML or JSON configuration file (by extension; YAML is a superset of JSON, so
 * anything else is read as YAML). Validation happens in `resolveConfig`.
 * @throws ConfigError when the file is missing or not parseable, naming the line.
 */
export async function loadConfigFile(file: string): Promise<UnderstudyConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new ConfigError(file, [{ path: '', message: `cannot read the file: ${reason}` }]);
  }
  return parseConfigText(text, file);
}

export function parseConfigText(text: string, source: string): UnderstudyConfig {
  let value: unknown;
  try {
    if (extname(source).toLowerCase() === '.json') value = JSON.parse(text);
    else value = parseYaml(text, { maxAliasCount: 100, logLevel: 'error' });
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}` : '';
    // The yaml library appends its own "at line N, column M:" and a code excerpt; say it once.
    const detail = ((error as Error).message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    throw new ConfigError(source, [{ path: '', message: `not valid ${extname(source).toLowerCase() === '.json' ? 'JSON' : 'YAML'}${where}: ${detail}` }]);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(source, [{ path: '', message: 'the configuration must be a mapping (object) of settings', value }]);
  }
  return value as UnderstudyConfig;
}
