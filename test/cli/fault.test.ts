// `understudy fault ...` and `serve --fault FILE`: the fault rules of a running server from the shell.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertNoStaleBuild, runCli, startServe, stopAll } from './cli-process.ts';

let dir: string;
beforeAll(async () => {
  assertNoStaleBuild();
  dir = await mkdtemp(join(tmpdir(), 'understudy-fault-cli-'));
});
afterAll(async () => {
  await stopAll();
  await rm(dir, { recursive: true, force: true });
});

const tokenRequest = (url: string) =>
  fetch(`${url}/oauth2/v1/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from('demo-client:demo-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });

describe('understudy fault', () => {
  it('add prints the id, list shows the rule, the rule acts, remove restores normal answers', async () => {
    const { banner } = await startServe(['--port', '0']);
    const added = await runCli(['fault', 'add', 'token.rate_limited', '--params', '{"retryAfter": 7}', '--url', banner.baseUrl]);
    expect(added.code).toBe(0);
    const id = added.stdout.trim();
    expect(id).toMatch(/^f\d+$/);

    const listed = await runCli(['fault', 'list', '--url', banner.baseUrl]);
    expect(JSON.parse(listed.stdout).faults).toMatchObject([{ id, preset: 'token.rate_limited', action: { type: 'rate_limit', retryAfter: 7 } }]);

    const limited = await tokenRequest(banner.baseUrl);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');

    expect((await runCli(['fault', 'remove', id, '--url', banner.baseUrl])).code).toBe(0);
    expect((await tokenRequest(banner.baseUrl)).status).toBe(200);
  });

  it('a full rule as JSON, then clear', async () => {
    const { banner } = await startServe(['--port', '0']);
    const rule = JSON.stringify({ action: { type: 'respond', status: 503, body: '' }, match: { endpoint: 'token', times: 1 } });
    expect((await runCli(['fault', 'add', rule, '--url', banner.baseUrl])).code).toBe(0);
    expect((await tokenRequest(banner.baseUrl)).status).toBe(503);
    expect((await tokenRequest(banner.baseUrl)).status).toBe(200);
    const cleared = await runCli(['fault', 'clear', '--url', banner.baseUrl]);
    expect(cleared.stdout).toBe('removed 1 rule(s)\n');
  });

  it('an unknown preset exits 1 with the server\'s reason and close names', async () => {
    const { banner } = await startServe(['--port', '0']);
    const result = await runCli(['fault', 'add', 'token.rate_limit', '--url', banner.baseUrl]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('unknown preset token.rate_limit; did you mean token.rate_limited');
  });

  it('bad --params JSON exits 2', async () => {
    const result = await runCli(['fault', 'add', 'token.hang', '--params', '{nope', '--url', 'http://127.0.0.1:1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--params must be a JSON object');
  });

  it('presets lists every preset name without a server', async () => {
    const result = await runCli(['fault', 'presets']);
    expect(result.code).toBe(0);
    for (const name of ['token.invalid_client', 'token.rate_limited', 'token.hang', 'api.revoke_early', 'api.clock_skew']) expect(result.stdout).toContain(name);
  });
});

describe('understudy serve --fault FILE', () => {
  it('rules from the file are active from the start', async () => {
    const file = join(dir, 'faults.yaml');
    await writeFile(file, '- preset: token.server_error\n  id: boom\n');
    const { banner } = await startServe(['--port', '0', '--fault', file]);
    const reply = await tokenRequest(banner.baseUrl);
    expect(reply.status).toBe(500);
    expect(await reply.json()).toMatchObject({ error: 'server_error' });
  });

  it('an invalid rule in the file stops start-up with exit 2 naming it', async () => {
    const file = join(dir, 'bad-faults.yaml');
    await writeFile(file, 'faults:\n  - preset: token.rate_limited\n    params: { retryAfter: soon }\n');
    const result = await runCli(['serve', '--port', '0', '--fault', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('faults[0].params.retryAfter');
  });
});
