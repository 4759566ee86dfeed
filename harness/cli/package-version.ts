import { readFileSync } from 'node:fs';

const PACKAGE_NAME = 'oauth-understudy';

/**
 * The version in understudy's package.json. The CLI runs from harness/cli/ (source) or
 * dist/harness/cli/ (built), so the file is looked for in the enclosing directories.
 */
export function readPackageVersion(): string {
  for (let dir = new URL('./', import.meta.url); ; dir = new URL('../', dir)) {
    try {
      const manifest = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === PACKAGE_NAME && manifest.version) return manifest.version;
    } catch {
      // No (readable) package.json here: keep walking up.
    }
    if (dir.pathname === '/') return '0.0.0-unknown';
  }
}
