// Exits with code 2 and one line on stderr when this Node cannot run understudy, before the entry
// point loads. bin/understudy.js imports it first; npm scripts that run a .ts file load it with
// `node --import ./bin/require-node.js file.ts`, because Node runs an --import module (plain JS)
// before it looks at the .ts file it would fail on, and keeps process.argv as the script expects.
import { relative } from 'node:path';
import { nodeVersionProblem } from './node-version.js';

const main = process.argv[1];
const problem = nodeVersionProblem({
  version: process.version,
  execPath: process.execPath,
  typescript: process.features.typescript,
  script: main ? relative(process.cwd(), main) : undefined,
  platform: process.platform,
  arch: process.arch,
});
if (problem) {
  process.stderr.write(`${problem}\n`);
  process.exit(2);
}
