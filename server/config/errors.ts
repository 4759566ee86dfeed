/** One problem found in a configuration: where, what was there, what is accepted. */
export interface ConfigIssue {
  /** Dotted path such as `clients[0].secret`; empty for the whole document. */
  path: string;
  message: string;
  /** The offending value, when there is one. */
  value?: unknown;
}

/** A configuration (file, object or CLI flag) that cannot be used; the message says how to fix it. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  readonly issues: ConfigIssue[];
  readonly source: string;

  constructor(source: string, issues: ConfigIssue[]) {
    super(formatIssues(source, issues));
    this.name = 'ConfigError';
    this.source = source;
    this.issues = issues;
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

function formatIssues(source: string, issues: ConfigIssue[]): string {
  const lines = issues.map((issue) => {
    const where = issue.path || '(document)';
    const got = issue.value === undefined ? '' : ` (got ${preview(issue.value)})`;
    return `  - ${where}: ${issue.message}${got}`;
  });
  return `Invalid configuration in ${source}:\n${lines.join('\n')}`;
}

function preview(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
