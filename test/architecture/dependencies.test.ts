/**
 * The folders of server/ are layers: a folder imports only from folders of lower layers, and no
 * file imports, through any chain, back into itself. Type-only imports count: a cycle of types
 * is still a cycle a reader must untangle. docs/architecture.md draws the same table.
 *
 * The scan is a few regular expressions over plain ESM TypeScript (dependency-cruiser cannot
 * read TypeScript here: it needs the compiler's JavaScript API, which typescript 7 does not ship).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCANNED = ['server', 'harness', 'integrations'];

/**
 * The one layer table: low to high. A folder may import its own files and those of folders of a
 * strictly lower layer; folders that share a layer do not import each other.
 * "server" is the server's root files (app.ts, context.ts, create-*.ts, index.ts).
 */
const LAYERS: readonly (readonly string[])[] = [
  ['server/base'],
  ['server/config', 'server/journal'],
  ['server/keys'],
  ['server/tokens'],
  ['server/profiles'],
  ['server/http'],
  ['server/authorization', 'server/resource'],
  ['server/faults'],
  ['server/dashboard'],
  ['server/control'],
  ['server'],
  ['harness'],
  ['integrations'],
];

const LAYER_OF = new Map(LAYERS.flatMap((folders, layer) => folders.map((folder) => [folder, layer] as const)));

/** The folder whose layer a file is in: server/<folder>/..., server/<root file>, harness/..., integrations/... */
function folderOf(file: string): string {
  const [top, second, ...rest] = file.split('/');
  if (top === 'server') return rest.length > 0 ? `server/${second}` : 'server';
  return top as string;
}

interface Import {
  from: string;
  specifier: string;
  /** Repository-relative path of the imported file. */
  to: string;
}

function listTs(folder: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, folder))) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = `${folder}/${name}`;
    if (statSync(join(ROOT, path)).isDirectory()) out.push(...listTs(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Comments that start a line (JSDoc, notes): examples in them are not imports. */
function withoutComments(source: string): string {
  return source.replace(/^\s*\/\*[\s\S]*?\*\//gm, '').replace(/^\s*\/\/.*$/gm, '');
}

const STATIC = /^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/gm;
const SIDE_EFFECT = /^\s*import\s*['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every import, export-from and import('...') specifier of a file, type-only ones included. */
export function specifiers(source: string): string[] {
  const code = withoutComments(source);
  return [STATIC, SIDE_EFFECT, DYNAMIC].flatMap((pattern) => [...code.matchAll(pattern)].map((match) => match[1] as string));
}

function scan(): { files: string[]; imports: Import[]; unresolved: string[] } {
  const files = SCANNED.flatMap(listTs).sort();
  const known = new Set(files);
  const imports: Import[] = [];
  const unresolved: string[] = [];
  for (const from of files) {
    for (const specifier of specifiers(readFileSync(join(ROOT, from), 'utf8'))) {
      if (!specifier.startsWith('.')) continue;
      const to = relative(ROOT, resolve(ROOT, dirname(from), specifier)).split(sep).join('/');
      if (!SCANNED.includes(to.split('/')[0] as string)) continue;
      if (!known.has(to)) unresolved.push(`${from} imports '${specifier}', which is no .ts file`);
      else imports.push({ from, specifier, to });
    }
  }
  return { files, imports, unresolved };
}

/** Imports that run sideways or back up the layer table. */
function layerViolations(imports: readonly Import[]): string[] {
  const out: string[] = [];
  for (const { from, specifier, to } of imports) {
    const source = folderOf(from);
    const target = folderOf(to);
    if (source === target) continue;
    const sourceLayer = LAYER_OF.get(source);
    const targetLayer = LAYER_OF.get(target);
    if (sourceLayer === undefined) out.push(`${from}: folder ${source} is not in the layer table`);
    else if (targetLayer === undefined) out.push(`${from} imports '${specifier}': folder ${target} is not in the layer table`);
    else if (targetLayer >= sourceLayer) {
      const how = targetLayer === sourceLayer ? 'the same layer' : 'a higher layer';
      out.push(`${from} imports '${specifier}': ${source} (layer ${sourceLayer}) may not import ${target} (${how}, ${targetLayer})`);
    }
  }
  return out;
}

/** One cycle path through each strongly connected group of files (Tarjan), e.g. a.ts -> b.ts -> a.ts. */
function cycles(files: readonly string[], imports: readonly Import[]): string[] {
  const edges = new Map<string, string[]>(files.map((file) => [file, []]));
  for (const { from, to } of imports) edges.get(from)?.push(to);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  let next = 0;
  const visit = (file: string): void => {
    index.set(file, next);
    low.set(file, next);
    next += 1;
    stack.push(file);
    onStack.add(file);
    for (const to of edges.get(file) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(file, Math.min(low.get(file) as number, low.get(to) as number));
      } else if (onStack.has(to)) low.set(file, Math.min(low.get(file) as number, index.get(to) as number));
    }
    if (low.get(file) === index.get(file)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        group.push(member);
      } while (member !== file);
      if (group.length > 1 || (edges.get(file) ?? []).includes(file)) groups.push(group);
    }
  };
  for (const file of files) if (!index.has(file)) visit(file);
  return groups.map((group) => {
    const path = cyclePath(group.sort(), edges);
    const others = group.filter((file) => !path.includes(file));
    return others.length === 0 ? path.join(' -> ') : `${path.join(' -> ')} (and ${others.length} more files in the same knot: ${others.join(', ')})`;
  });
}

/** The shortest way from the group's first file back to itself, within the group (breadth first). */
function cyclePath(group: readonly string[], edges: ReadonlyMap<string, readonly string[]>): string[] {
  const members = new Set(group);
  const start = group[0] as string;
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    for (const to of edges.get(file) ?? []) {
      if (!members.has(to)) continue;
      if (to === start) {
        const path = [file];
        while (path[0] !== start) path.unshift(cameFrom.get(path[0] as string) as string);
        return [...path, start];
      }
      if (!cameFrom.has(to)) {
        cameFrom.set(to, file);
        queue.push(to);
      }
    }
  }
  return [...group];
}

describe('architecture: folder dependencies', () => {
  const { files, imports, unresolved } = scan();

  it('finds the code it checks (the scanner reads static, type-only, export-from and dynamic imports)', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(specifiers(["import type { A } from './a.ts';", "export { b } from './b.ts';", "import {\n  c,\n} from './c.ts';", "const d = await import('./d.ts');", "import './e.ts';", '/** import { f } from \'./f.ts\'; */'].join('\n'))).toEqual(
      ['./a.ts', './b.ts', './c.ts', './e.ts', './d.ts'],
    );
  });

  it('every relative import names an existing .ts file', () => {
    expect(unresolved).toEqual([]);
  });

  it('no folder imports a folder of its own or a higher layer', () => {
    expect(layerViolations(imports)).toEqual([]);
  });

  it('no file imports itself through a chain of imports (type-only ones included)', () => {
    expect(cycles(files, imports)).toEqual([]);
  });
});
