/**
 * journal.file: every journaled request is appended to a JSON Lines file, flushed by close().
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EMPS_PATH, JWKS_PATH, decodePayload, start } from '../api/support/harness.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'understudy-journal-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readLines(file: string): Promise<Record<string, any>[]> {
  const text = await readFile(file, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, any>);
}

describe('journal.file', () => {
  it('after requests and close(), holds one valid JSON line per journaled request', async () => {
    const file = join(dir, 'journal.jsonl');
    const h = await start({ journal: { file } });
    const token = await h.token();
    await h.api('GET', EMPS_PATH, { token });
    await h.api('GET', EMPS_PATH);
    await h.request('GET', JWKS_PATH);
    // Control API calls are not journaled, so not written either.
    await h.control('GET', '/clock');
    await h.control('GET', '/journal');
    const inMemory = (await h.control('GET', '/journal')).body.entries;
    await h.server.close();

    const lines = await readLines(file);
    expect(lines).toHaveLength(4);
    expect(lines).toEqual(inMemory);
    expect(lines.map((l) => [l.endpoint, l.status])).toEqual([
      ['token', 200],
      ['api', 200],
      ['api', 401],
      ['jwks', 200],
    ]);
    expect(lines[1]?.presented.jti).toBe(decodePayload(token).jti);
  });

  it('keeps every entry even when the in-memory journal is bounded or cleared', async () => {
    const file = join(dir, 'journal.jsonl');
    const h = await start({ journal: { file, capacity: 2 } });
    for (let i = 0; i < 5; i += 1) await h.request('GET', `/missing/${i}`);
    await h.control('DELETE', '/journal');
    await h.request('GET', JWKS_PATH);
    await h.server.close();
    const lines = await readLines(file);
    expect(lines.map((l) => l.path)).toEqual(['/missing/0', '/missing/1', '/missing/2', '/missing/3', '/missing/4', JWKS_PATH]);
    expect(lines.map((l) => l.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('creates missing directories and appends to an existing file', async () => {
    const file = join(dir, 'nested', 'deeper', 'journal.jsonl');
    const first = await start({ journal: { file } });
    await first.request('GET', JWKS_PATH);
    await first.server.close();
    const second = await start({ journal: { file } });
    await second.request('GET', '/missing');
    await second.server.close();
    const lines = await readLines(file);
    expect(lines.map((l) => l.path)).toEqual([JWKS_PATH, '/missing']);
  });

  it('an existing file with content is appended to, not truncated', async () => {
    const file = join(dir, 'journal.jsonl');
    await writeFile(file, '{"seq":0,"note":"earlier run"}\n');
    const h = await start({ journal: { file } });
    await h.request('GET', JWKS_PATH);
    await h.server.close();
    const lines = await readLines(file);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toEqual({ seq: 0, note: 'earlier run' });
  });

  it('close() is idempotent', async () => {
    const file = join(dir, 'journal.jsonl');
    const h = await start({ journal: { file } });
    await h.request('GET', JWKS_PATH);
    await Promise.all([h.server.close(), h.server.close()]);
    await h.server.close();
    expect(await readLines(file)).toHaveLength(1);
  });
});
