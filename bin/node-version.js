// Whether this Node can run understudy. Plain JavaScript on purpose: it must load on the old Node
// it refuses (Node 20 cannot even load a .ts file, so a check written in TypeScript never runs).

/** The oldest Node understudy supports: the "engines" range of package.json (a test keeps them equal). */
export const MINIMUM_NODE = '22.12';
/** The Node CI runs, offered in the install hint. */
export const RECOMMENDED_NODE = '24.21.0';

/**
 * Why understudy cannot run here, as one line for a person to act on; undefined when it can.
 * `script` is the entry point when it is a .ts file run directly: that also needs Node to strip
 * types, which Node 22.12 - 22.17 only does when given --experimental-strip-types.
 *
 * @param {{ version: string, execPath?: string, typescript?: unknown, script?: string, platform?: string, arch?: string }} node
 * @returns {string | undefined}
 */
export function nodeVersionProblem({ version, execPath, typescript, script, platform, arch }) {
  const node = `Node ${version.replace(/^v/, '')}${execPath ? ` (${execPath})` : ''}`;
  if (!atLeast(version, MINIMUM_NODE)) {
    return `understudy needs Node >= ${MINIMUM_NODE} (Node 24 recommended), but this is ${node}. ${installHint(platform, arch)}`;
  }
  if (script && /\.[cm]?ts$/.test(script) && !typescript) {
    return `${script} is TypeScript, and this ${node} runs TypeScript only with --experimental-strip-types: run \`node --experimental-strip-types ${script}\`, or use Node >= 22.18 (Node 24 recommended). ${installHint(platform, arch)}`;
  }
  return undefined;
}

/** True when `version` ("v20.20.2", "22.12.0") is at least `minimum` ("22.12"). */
export function atLeast(version, minimum) {
  const have = version.replace(/^v/, '').split('.').map(Number);
  const need = minimum.split('.').map(Number);
  for (let i = 0; i < need.length; i += 1) {
    const a = have[i] ?? 0;
    const b = need[i] ?? 0;
    if (Number.isNaN(a)) return false;
    if (a !== b) return a > b;
  }
  return true;
}

function installHint(platform, arch) {
  // The npm registry ships Node itself as node-<os>-<arch>: no root, no download script.
  const os = platform === 'linux' || platform === 'darwin' ? platform : undefined;
  if (!os || !arch) return 'Get Node 24 from https://nodejs.org or with `nvm install 24`.';
  const pkg = `node-${os}-${arch}`;
  return `Get it with \`npm install --prefix "$HOME/.cache/node24" ${pkg}@${RECOMMENDED_NODE}\` and put "$HOME/.cache/node24/node_modules/${pkg}/bin" first on PATH, or with \`nvm install 24\`.`;
}
