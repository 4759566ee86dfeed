// Stopping under load: SIGTERM while tokens and API calls are in flight, some requests hung by
// a fault rule and some abandoned by their clients mid-request. The server must exit 0 promptly
// and leave a journal file that is complete, valid JSON Lines, with an entry for every request
// it answered.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, stopAll, type Banner, type CliProcess } from '../cli/cli-process.ts';
import { answered, INVOICES, LoadClient, parseJournalLines } from './load-client.ts';

const TOKEN_PATH = '/oauth2/v1/token';
const PAYMENTS = '/bank/v1/payments';
const HUNG = 3;

describe('SIGTERM during load', () => {
  let dir: string;
  let cli: CliProcess;
  let banner: Banner;
  const load = { stop: false };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'understudy-shutdown-'));
    const faults = join(dir, 'faults.yaml');
    await writeFile(
      faults,
      [
        '- preset: api.hang',
        '  match: { path: /bank/** }',
        // Slow enough that the client below gives up first: a disconnect mid-request.
        '- preset: api.delay',
        '  params: { ms: 400 }',
        '  match: { path: /fscmRestApi/** }',
        '- preset: token.server_error',
        '  match: { probability: 0.1, seed: 7 }',
      ].join('\n'),
    );
    ({ cli, banner } = await startServe(['--journal', join(dir, 'journal.jsonl'), '--fault', faults]));
  });

  afterAll(async () => {
    load.stop = true;
    await stopAll();
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 0 with a complete journal: one valid line for every request answered', async () => {
    const client = new LoadClient(banner.baseUrl);
    // A token to share; the token endpoint fails one request in ten, by design.
    let token: string | undefined;
    for (let attempt = 0; attempt < 10 && !token; attempt += 1) token = await client.token(TOKEN_PATH);
    expect(token).toBeTruthy();

    const loops = Array.from({ length: 8 }, async (_, i) => {
      while (!load.stop) {
        if (i % 2 === 0) await client.token(TOKEN_PATH);
        else await client.callApi(TOKEN_PATH);
      }
    });
    // Clients that give up before the delayed API answers.
    const quitters = Array.from({ length: 2 }, async () => {
      while (!load.stop) {
        await client.request(INVOICES, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(50) });
      }
    });
    const hung = Array.from({ length: HUNG }, () =>
      client.request(PAYMENTS, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'x-request-id': crypto.randomUUID(), 'content-type': 'application/json' }, body: '{}' }),
    );

    await expect.poll(() => answered(client.tally), { timeout: 10_000, interval: 50 }).toBeGreaterThan(300);
    const stoppedAt = performance.now();
    cli.child.kill('SIGTERM');
    const exit = await cli.exited;
    const stopMs = performance.now() - stoppedAt;
    load.stop = true;
    await Promise.all([...loops, ...quitters, ...hung]);

    expect({ ...exit, stderr: cli.stderr() }).toEqual({ code: 0, signal: null, stderr: expect.any(String) });
    expect(cli.stderr()).toContain('SIGTERM received, stopping');
    // Hung requests are released at once, not after the 60 s request timeout.
    expect(stopMs).toBeLessThan(5_000);

    const { entries, badLines } = parseJournalLines(await readFile(join(dir, 'journal.jsonl'), 'utf8'));
    expect(badLines).toEqual([]);
    // Every answer a client received has its entry; no entry for a request that never arrived.
    expect(entries.length).toBeGreaterThanOrEqual(answered(client.tally));
    expect(entries.length).toBeLessThanOrEqual(client.tally.sent);
    const seqs = entries.map((entry) => entry.seq as number);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));

    const payments = entries.filter((entry) => entry.path === PAYMENTS);
    expect(payments).toHaveLength(HUNG);
    for (const entry of payments) expect(entry).toMatchObject({ status: 0, reason: 'the server stopped while the request hung' });
    // The quitters hung up during the delay: the journal says so instead of claiming a 201.
    const abandoned = entries.filter((entry) => entry.path === INVOICES);
    expect(abandoned.length).toBeGreaterThan(0);
    for (const entry of abandoned) expect(entry).toMatchObject({ status: 0, transport: expect.stringMatching(/^(abandoned|reset)$/) });
    expect(abandoned.filter((entry) => entry.transport === 'abandoned').length).toBeGreaterThan(0);
    // 5xx answers come only from the rule that injects them.
    const unexpected = entries.filter((entry) => (entry.status as number) >= 500 && !(entry.faults as unknown[] | undefined)?.length);
    expect(unexpected).toEqual([]);
  }, 30_000);
});
