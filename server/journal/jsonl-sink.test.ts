import * as fs from 'node:fs';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Journal } from './journal.ts';
import { createJsonLinesSink } from './jsonl-sink.ts';
import type { JournalEntry, JournalEntryInput } from './types.ts';

function input(overrides: Partial<JournalEntryInput> = {}): JournalEntryInput {
  return {
    time: 1_700_000_000.123,
    realTime: '2023-11-14T22:13:20.123Z',
    endpoint: 'api',
    method: 'GET',
    path: '/bank/v1/payments',
    status: 401,
    durationMs: 1.25,
    endTime: 1_700_000_000.124,
    requestHeaders: ['authorization'],
    decision: 'rejected',
    reason: 'the token has expired',
    ...overrides,
  };
}

// Pass-through spy, so a test can wait for the sink's stream to report an error.
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  return { ...actual, createWriteStream: vi.fn(actual.createWriteStream) };
});

function lastStream(): fs.WriteStream {
  const results = vi.mocked(fs.createWriteStream).mock.results;
  const last = results[results.length - 1];
  if (!last || last.type !== 'return') throw new Error('createWriteStream was not called');
  return last.value as fs.WriteStream;
}

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'understudy-jsonl-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readLines(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n');
}

describe('createJsonLinesSink', () => {
  it('writes one valid JSON object per line, in order, flushed by close()', async () => {
    const file = join(dir, 'journal.jsonl');
    const sink = createJsonLinesSink(file);
    const entries: JournalEntry[] = [
      { seq: 1, ...input({ path: '/a' }) },
      { seq: 2, ...input({ path: '/b', reason: 'has "quotes"\nand a newline', clientId: 'démo' }) },
      { seq: 3, ...input({ path: '/c', presented: { jti: 'j-1', exp: 10 } }) },
    ];
    for (const entry of entries) sink.write(entry);
    await sink.close();

    const lines = await readLines(file);
    expect(lines).toHaveLength(3);
    const parsed = lines.map((line) => JSON.parse(line) as JournalEntry);
    expect(parsed).toEqual(entries);
    for (const value of parsed) expect(typeof value === 'object' && value !== null && !Array.isArray(value)).toBe(true);
  });

  it('close() resolves only after a large volume of writes is on disk', async () => {
    const file = join(dir, 'big.jsonl');
    const sink = createJsonLinesSink(file);
    const count = 5_000;
    for (let i = 1; i <= count; i += 1) sink.write({ seq: i, ...input({ path: `/p/${i}`, reason: 'x'.repeat(200) }) });
    await sink.close();
    const lines = await readLines(file);
    expect(lines).toHaveLength(count);
    expect((JSON.parse(lines[0] ?? '') as JournalEntry).seq).toBe(1);
    expect((JSON.parse(lines[count - 1] ?? '') as JournalEntry).seq).toBe(count);
  });

  it('creates missing parent directories', async () => {
    const file = join(dir, 'nested', 'deeper', 'journal.jsonl');
    const sink = createJsonLinesSink(file);
    sink.write({ seq: 1, ...input() });
    await sink.close();
    const lines = await readLines(file);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ seq: 1, endpoint: 'api' });
  });

  it('appends to an existing file instead of truncating it', async () => {
    const file = join(dir, 'existing.jsonl');
    await writeFile(file, '{"seq":0,"old":true}\n');
    const sink = createJsonLinesSink(file);
    sink.write({ seq: 1, ...input() });
    await sink.close();
    const lines = await readLines(file);
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0] ?? '')).toEqual({ seq: 0, old: true });
    expect(JSON.parse(lines[1] ?? '')).toMatchObject({ seq: 1 });
  });

  it('close() with nothing written resolves and leaves an empty file', async () => {
    const file = join(dir, 'empty.jsonl');
    const sink = createJsonLinesSink(file);
    await expect(sink.close()).resolves.toBeUndefined();
    expect(await readFile(file, 'utf8')).toBe('');
  });

  it('refuses at once, naming the file and the reason, a path that cannot be written', async () => {
    // The path is an existing directory: opening it for append fails, at start-up rather than
    // silently entry by entry later.
    const file = join(dir, 'is-a-directory');
    await mkdir(file);
    expect(() => createJsonLinesSink(file)).toThrow(file);
    expect(() => createJsonLinesSink(file)).toThrow(/EISDIR/);
  });

  it('works as a Journal sink: every recorded entry reaches the file, even those dropped from memory', async () => {
    const file = join(dir, 'journal.jsonl');
    const journal = new Journal({ capacity: 2, sinks: [createJsonLinesSink(file)] });
    const recorded: JournalEntry[] = [];
    for (let i = 0; i < 5; i += 1) recorded.push(journal.record(input({ path: `/r/${i}` })));
    await journal.close();
    expect(journal.entries()).toHaveLength(2);
    const lines = await readLines(file);
    expect(lines.map((line) => JSON.parse(line) as JournalEntry)).toEqual(recorded);
  });
});
