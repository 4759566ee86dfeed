import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * understudy's own package (its folder and version), wherever the code runs from. In server/base/
 * so that the server and the harness can both import it (the harness builds on the server, never
 * the other way round).
 */
export const PACKAGE_NAME = 'oauth-understudy';

export interface OwnPackage {
  /** The folder of understudy's package.json: the repository, or node_modules/oauth-understudy. */
  root: string;
  version: string;
}

/**
 * The nearest folder at or above `from` whose package.json is understudy's. Walked rather than a
 * fixed "../.." because the same code runs from the sources (server/, harness/cli/) and from
 * dist/; the name is checked because the nearest package.json may be another's (a bundle inside
 * a consumer's project). Undefined when there is none.
 */
export function findOwnPackage(from: string): OwnPackage | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = readManifest(join(dir, 'package.json'));
    if (manifest?.name === PACKAGE_NAME && typeof manifest.version === 'string') return { root: dir, version: manifest.version };
    if (dirname(dir) === dir) return undefined;
  }
}

let own: OwnPackage | undefined | null = null;

/** findOwnPackage() from this module, looked up once. */
export function ownPackage(): OwnPackage | undefined {
  if (own === null) own = findOwnPackage(dirname(fileURLToPath(import.meta.url)));
  return own;
}

/**
 * understudy's package folder; when no package.json says so (bundled code), two folders above this
 * module (server/base/), which is the package root in the sources' layout.
 */
export function packageRoot(): string {
  return ownPackage()?.root ?? fileURLToPath(new URL('../../', import.meta.url));
}

/** understudy's version, or "0.0.0-unknown" when no package.json says it. */
export function packageVersion(): string {
  return ownPackage()?.version ?? '0.0.0-unknown';
}

function readManifest(file: string): { name?: unknown; version?: unknown } | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
  } catch {
    // No (readable, parseable) package.json here: keep walking up.
    return undefined;
  }
}
