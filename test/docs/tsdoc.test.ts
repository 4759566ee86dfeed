// Every symbol a public entry point exports carries a TSDoc block directly above its declaration,
// so editors show users what it is for. Plain text parsing: TypeScript 7 has no JS compiler API.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The package's public entry points (package.json "exports") and the barrels the root re-exports. */
const ENTRY_POINTS = ['index.ts', 'server/index.ts', 'harness/index.ts', 'integrations/vitest/index.ts', 'integrations/msw/index.ts'];

interface Declaration {
  name: string;
  file: string;
  line: number;
}

interface DocReport {
  /** Exported declarations without a TSDoc block directly above, as "file:line name". */
  undocumented: string[];
  /** Exported names whose declaration could not be found, as "entry: name". */
  unresolved: string[];
}

/** Replaces comments with spaces (newlines kept), so offsets and line numbers still match the source. */
function blankComments(source: string): string {
  const blank = (text: string) => text.replace(/[^\n]/g, ' ');
  return source
    .replace(/\/\*[\s\S]*?\*\//g, blank)
    .replace(/(^|[\s;{}(),])\/\/[^\n]*/gm, (match, lead: string) => lead + blank(match.slice(lead.length)));
}

const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;

function resolveModule(fromFile: string, specifier: string): string {
  const base = resolve(dirname(fromFile), specifier);
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && candidate.endsWith('.ts')) return candidate;
  }
  throw new Error(`${fromFile}: cannot resolve "${specifier}"`);
}

interface ExportList {
  /** exported name -> name in the target module (or in this file when `from` is undefined). */
  names: Map<string, string>;
  from: string | undefined;
}

/** `export { a, type B as C } from './x.ts'`, `export type { D }` and `export * from` statements of a file. */
function exportStatements(file: string): { lists: ExportList[]; stars: string[] } {
  const code = blankComments(readFileSync(file, 'utf8'));
  const lists: ExportList[] = [];
  for (const match of code.matchAll(/\bexport\s+(?:type\s+)?\{([^}]*)\}(?:\s*from\s*['"]([^'"]+)['"])?/g)) {
    const names = new Map<string, string>();
    for (const raw of (match[1] ?? '').split(',')) {
      const item = raw.trim().replace(/^type\s+/, '');
      if (item === '') continue;
      const [local, exported] = item.split(/\s+as\s+/).map((part) => part.trim());
      names.set(exported ?? (local as string), local as string);
    }
    lists.push({ names, from: match[2] === undefined ? undefined : resolveModule(file, match[2]) });
  }
  const stars = [...code.matchAll(/\bexport\s+(?:type\s+)?\*\s+from\s*['"]([^'"]+)['"]/g)].map((m) => resolveModule(file, m[1] as string));
  return { lists, stars };
}

const DECLARATION = (name: string, exported: boolean) =>
  new RegExp(
    `^[ \\t]*${exported ? 'export\\s+' : '(?:export\\s+)?'}(?:declare\\s+)?(?:default\\s+)?(?:async\\s+)?(?:abstract\\s+)?` +
      `(?:function\\s*\\*?|class|interface|type|const|let|var|enum)\\s+${name}\\b`,
    'm',
  );

/** Follows re-exports from `file` to the declaration of `name`; undefined when there is none. */
function findDeclaration(file: string, name: string, seen = new Set<string>()): Declaration | undefined {
  const key = `${file}#${name}`;
  if (seen.has(key)) return undefined;
  seen.add(key);
  const code = blankComments(readFileSync(file, 'utf8'));
  const direct = DECLARATION(name, true).exec(code);
  if (direct) return { name, file, line: lineOf(code, direct.index + direct[0].length - direct[0].trimStart().length) };

  const { lists, stars } = exportStatements(file);
  for (const list of lists) {
    const local = list.names.get(name);
    if (local === undefined) continue;
    if (list.from !== undefined) return findDeclaration(list.from, local, seen);
    // `export { local as name }` of something declared in this file (with or without `export`).
    const declared = DECLARATION(local, false).exec(code);
    if (declared) return { name, file, line: lineOf(code, declared.index + declared[0].length - declared[0].trimStart().length) };
  }
  for (const target of stars) {
    const found = findDeclaration(target, name, seen);
    if (found) return found;
  }
  return undefined;
}

/** Names an entry point exports: its export lists and its own `export <declaration>`s (not `export *`). */
function exportedNames(file: string): string[] {
  const code = blankComments(readFileSync(file, 'utf8'));
  const names = exportStatements(file).lists.flatMap((list) => [...list.names.keys()]);
  const own = /^[ \t]*export\s+(?:declare\s+)?(?:async\s+)?(?:abstract\s+)?(?:function\s*\*?|class|interface|type|const|let|var|enum)\s+([A-Za-z_$][\w$]*)/gm;
  for (const match of code.matchAll(own)) names.push(match[1] as string);
  return [...new Set(names)];
}

/** True when the lines right above `line` (1-based) end a `/** ... *\/` block, with no blank line between. */
function hasTsDoc(file: string, line: number): boolean {
  const lines = readFileSync(file, 'utf8').split('\n');
  let index = line - 2;
  if (index < 0 || !(lines[index] ?? '').trimEnd().endsWith('*/')) return false;
  for (; index >= 0; index--) {
    const text = (lines[index] ?? '').trim();
    if (text.startsWith('/**')) return !text.startsWith('/***');
    if (text.includes('/*') || text === '') return false;
  }
  return false;
}

/** Checks every name the entry points export, from the package root `root`. */
function checkTsDoc(root: string, entryPoints: string[]): DocReport {
  const undocumented = new Set<string>();
  const unresolved: string[] = [];
  for (const entry of entryPoints) {
    const entryFile = join(root, entry);
    for (const name of exportedNames(entryFile)) {
      const declaration = findDeclaration(entryFile, name);
      if (!declaration) {
        unresolved.push(`${entry}: ${name}`);
        continue;
      }
      if (!hasTsDoc(declaration.file, declaration.line)) {
        undocumented.add(`${relative(root, declaration.file)}:${declaration.line} ${declaration.name}`);
      }
    }
  }
  return { undocumented: [...undocumented].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })), unresolved };
}

describe('TSDoc on the public API', () => {
  it('documents every symbol the public entry points export', () => {
    const report = checkTsDoc(ROOT, ENTRY_POINTS);
    expect(report.unresolved, 'exports whose declaration this test cannot find').toEqual([]);
    expect(report.undocumented, 'add a /** ... */ comment (what it is for) directly above each').toEqual([]);
  });

  it('sees the whole public API (guards against a parser that finds nothing)', () => {
    const names = ENTRY_POINTS.flatMap((entry) => exportedNames(join(ROOT, entry)));
    for (const name of ['createServer', 'Journal', 'runScenarios', 'useUnderstudy', 'createIdcsHandlers', 'defineConfig', 'FaultMatch', 'ClientExit']) {
      expect(names).toContain(name);
    }
  });

  it('reports a declaration without TSDoc, or with a blank line or a plain comment in between', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsdoc-'));
    try {
      writeFileSync(
        join(dir, 'index.ts'),
        "/** Module comment. */\nexport { documented, bare, gap, plain, type Shape } from './lib.ts';\nexport { local as renamed };\n\nconst local = 1;\n",
      );
      writeFileSync(join(dir, 'lib.ts'), "export * from './deep.ts';\n/** Does a thing. */\nexport function documented(): void {}\nexport const bare = 1;\n/** Gap. */\n\nexport class gap {}\n/* plain */\nexport type plain = string;\n");
      writeFileSync(join(dir, 'deep.ts'), '/**\n * Multi-line.\n */\nexport interface Shape {\n  x: number;\n}\n');
      const report = checkTsDoc(dir, ['index.ts']);
      expect(report.unresolved).toEqual([]);
      expect(report.undocumented).toEqual(['index.ts:5 renamed', 'lib.ts:4 bare', 'lib.ts:7 gap', 'lib.ts:9 plain']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
