// The README's quick tour, run as written: its sh block against a real `understudy serve`, with
// only the port changed (the test takes a free one) and `npx understudy` run from this checkout.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, startServe, stopAll } from '../cli/cli-process.ts';

const run = promisify(execFile);
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const curlAvailable = await run('curl', ['--version']).then(
  () => true,
  () => false,
);

function tourScript(): string {
  const tour = readme.slice(readme.indexOf('## Quick tour'));
  const block = /```sh\n([\s\S]*?)```/.exec(tour)?.[1];
  if (!block) throw new Error('no sh block in the Quick tour section');
  return block;
}

afterAll(() => stopAll());

describe.skipIf(!curlAvailable)('README quick tour (curl)', () => {
  it('runs as written: a token, the API, the clock moved past expiry, a 401 that says so, the journal', async () => {
    const { banner } = await startServe();
    const script = tourScript()
      .replaceAll('http://127.0.0.1:9400', banner.baseUrl)
      .replaceAll('npx understudy token', `node ${join(ROOT, 'bin', 'understudy.js')} token --url ${banner.baseUrl}`);
    expect(script).not.toContain(':9400');
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], { cwd: ROOT, env: { ...process.env, UNDERSTUDY_URL: undefined } });

    // Each command's output, in order, matches what the README's comments promise.
    expect(stdout).toMatch(/^\{"access_token":"eyJ4NXQjUzI1NiI6[^"]+","token_type":"Bearer","expires_in":3600\}/);
    expect(stdout).toContain('"DisplayName":"Ada Lovelace"');
    expect(stdout).toMatch(/"offset":3601,"frozen":false\}/);
    expect(stdout).toMatch(/HTTP\/1\.1 401 Unauthorized/);
    // "1s ago" in the README when the script runs within a second; on a busy machine the token
    // may be longer expired, so the exact text comes from the server's own journal.
    // The journal is the last output; curl prints it right after the 401's body, on the same line.
    const journal = JSON.parse(stdout.slice(stdout.lastIndexOf('{"entries":'))) as { entries: { endpoint: string; status: number; reason: string }[] };
    const refusal = journal.entries.find((entry) => entry.endpoint === 'api' && entry.status === 401);
    expect(refusal?.reason).toMatch(/^The access token expired [1-9]\d*s ago\.$/);
    expect(stdout).toContain(`www-authenticate: Bearer realm="understudy", error="invalid_token", error_description="${refusal?.reason}"`);
    expect(stdout).toContain('"decision":"issued"');
    expect(stdout).toContain('"dropped":0');
  });
});
