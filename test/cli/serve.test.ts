// `understudy serve` end to end: the real CLI prints a banner whose URLs and curl lines work,
// and stops cleanly on a signal.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertNoStaleBuild, runCli, startServe, stopAll, type Banner, type CliProcess } from './cli-process.ts';

const DEMO_SCOPE = 'https://api.understudy.test:443urn:opc:resource:consumer::all';
const EMPS = '/hcmRestApi/resources/11.13.18.05/emps';
const curlAvailable = await hasCurl();

beforeAll(() => assertNoStaleBuild());
afterAll(() => stopAll());

async function fetchToken(tokenUrl: string, scope = DEMO_SCOPE): Promise<Response> {
  return fetch(tokenUrl, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from('demo-client:demo-secret').toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope }),
  });
}

function decodeJwtPart(token: string, index: number): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index] as string, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('understudy serve (idcs, the embedded demo configuration)', () => {
  let cli: CliProcess;
  let banner: Banner;

  beforeAll(async () => {
    ({ cli, banner } = await startServe());
  });

  it('prints where everything is, the demo credentials and curl lines', () => {
    expect(banner.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(banner.tokenUrl).toBe(`${banner.baseUrl}/oauth2/v1/token`);
    expect(banner.text).toContain(`${banner.baseUrl}/admin/v1/SigningCert/jwk`);
    expect(banner.text).toContain(`${banner.baseUrl}/.well-known/openid-configuration`);
    expect(banner.text).toContain(`${banner.baseUrl}/_understudy`);
    expect(banner.text).toMatch(/client id +demo-client/);
    expect(banner.text).toMatch(/client secret +demo-secret/);
    expect(banner.text).toContain(
      `curl -s -u demo-client:demo-secret -d grant_type=client_credentials --data-urlencode scope=${DEMO_SCOPE} ${banner.tokenUrl}`,
    );
    expect(banner.text).toContain(`curl -s -H "Authorization: Bearer $TOKEN" ${banner.baseUrl}${EMPS}`);
    expect(cli.stderr()).not.toContain('warning');
  });

  it('serves a token at the printed token URL that the printed API accepts', async () => {
    const response = await fetchToken(banner.tokenUrl);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { access_token: string; token_type: string; expires_in: number };
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    const api = await fetch(`${banner.baseUrl}${EMPS}`, { headers: { authorization: `Bearer ${body.access_token}` } });
    expect(api.status).toBe(200);
    expect(await api.json()).toMatchObject({ count: 2 });
  });

  it('`understudy token --url <printed URL>` prints only a JWT', async () => {
    const result = await runCli(['token', '--url', banner.baseUrl]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const token = result.stdout.trim();
    expect(decodeJwtPart(token, 0)).toMatchObject({ alg: 'RS256', kid: 'SIGNING_KEY' });
    expect(decodeJwtPart(token, 1)).toMatchObject({ client_id: 'demo-client', scope: 'urn:opc:resource:consumer::all' });
  });

  it('`understudy token` with a wrong secret exits 1 with the OAuth error body on stderr', async () => {
    const result = await runCli(['token', '--url', banner.baseUrl, '--secret', 'wrong']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('HTTP 401');
    expect(result.stderr).toContain('"error":"invalid_client"');
  });

  it.skipIf(!curlAvailable)('the printed curl lines work when pasted into a shell', async () => {
    const lines = banner.text.split('\n').map((line) => line.trim());
    const tokenLine = lines.find((line) => line.startsWith('TOKEN=$(curl'));
    const apiLine = lines.find((line) => line.startsWith('curl ') && line.includes('$TOKEN'));
    expect(tokenLine && apiLine).toBeTruthy();
    const { stdout } = await promisify(execFile)('sh', ['-c', `${tokenLine}\n${apiLine}`], { timeout: 10_000 });
    expect(JSON.parse(stdout)).toMatchObject({ count: 2 });
  });

  it('stops on SIGTERM with exit code 0', async () => {
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toEqual({ code: 0, signal: null });
    expect(cli.stderr()).toContain('SIGTERM received, stopping');
    await expect(fetch(banner.tokenUrl, { method: 'POST' })).rejects.toThrow();
  });
});

describe('understudy serve options', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'understudy-cli-'));
  });
  afterEach(() => stopAll());
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('--profile rfc9068 serves the standard paths and advertises the bare scope; SIGINT exits 0', async () => {
    const { cli, banner } = await startServe(['--profile', 'rfc9068']);
    expect(banner.tokenUrl).toBe(`${banner.baseUrl}/token`);
    expect(banner.text).toContain(`--data-urlencode scope=urn:opc:resource:consumer::all ${banner.tokenUrl}`);
    expect(banner.text).toContain(`${banner.baseUrl}/.well-known/oauth-authorization-server`);
    const token = await runCli(['token', '--url', banner.baseUrl]);
    expect(token.code).toBe(0);
    expect(decodeJwtPart(token.stdout.trim(), 0)).toMatchObject({ typ: 'at+jwt' });
    cli.child.kill('SIGINT');
    expect((await cli.exited).code).toBe(0);
  });

  it('--journal appends every request to a JSON Lines file, flushed on shutdown', async () => {
    const file = join(dir, 'journal.jsonl');
    const { cli, banner } = await startServe(['--journal', file]);
    expect(banner.text).toContain(file);
    expect((await fetchToken(banner.tokenUrl)).status).toBe(200);
    cli.child.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
    const entries = (await readFile(file, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries).toContainEqual(expect.objectContaining({ endpoint: 'token', decision: 'issued', clientId: 'demo-client' }));
  });

  it('warns when bound beyond loopback', async () => {
    const { cli } = await startServe(['--host', '0.0.0.0']);
    await expect.poll(() => cli.stderr()).toContain('warning: listening on 0.0.0.0');
    expect(cli.stderr()).toContain('control.adminToken');
  });
});

async function hasCurl(): Promise<boolean> {
  try {
    await promisify(execFile)('curl', ['--version']);
    return true;
  } catch {
    return false;
  }
}
