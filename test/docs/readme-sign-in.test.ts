// The README's sign-in flow, run as written: its sh block against a real `understudy serve` on the
// embedded configuration, with only the port changed (the test takes a free one).
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

function signInScript(): string {
  const section = readme.slice(readme.indexOf('## Sign-in flows'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('no sh block in the Sign-in flows section');
  return block;
}

afterAll(() => stopAll());

describe.skipIf(!curlAvailable)('README sign-in flow (curl)', () => {
  it('runs as written: the login page, a code at the callback, the tokens, and a refresh token dead after seven days', async () => {
    const { banner } = await startServe();
    const script = signInScript().replaceAll('http://127.0.0.1:9400', banner.baseUrl);
    expect(script).not.toContain(':9400');
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], { cwd: ROOT });
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^${banner.baseUrl}/ui/v1/signin\\?interaction=[A-Za-z0-9_-]+$`));
    expect(lines[1]).toMatch(new RegExp(`^${banner.baseUrl}/_understudy/callback\\?code=AQIDBA[A-Za-z0-9_-]+%3D&state=xyz$`));
    expect(lines[2]).toMatch(/^\{"access_token":"eyJ4NXQjUzI1NiI6[^"]+","token_type":"Bearer","expires_in":3600,"id_token":"eyJ4NXQjUzI1NiI6[^"]+","refresh_token":"AQIDBAU[^"]+"\}$/);
    expect(lines[3]).toMatch(/^\{"error":"invalid_grant","error_description":"The refresh token has expired.","ecid":"[^"]+"\}$/);
    // The README's comments say the same.
    expect(readme).toContain('# {"access_token":"eyJ4NXQjUzI1NiI6...","token_type":"Bearer","expires_in":3600,"id_token":"eyJ4NXQjUzI1NiI6...","refresh_token":"AQIDBAU..."}');
  });
});
