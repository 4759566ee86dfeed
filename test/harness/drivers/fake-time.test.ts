import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as realSleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeTime, type FakeTime } from '../../../harness/drivers/fake-time.ts';

let time: FakeTime;
let server: Server | undefined;

beforeEach(() => {
  time = createFakeTime();
});

afterEach(async () => {
  time.uninstall();
  if (server) {
    server.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  }
});

/** A loopback server; `answer` decides per request (it may never answer). */
async function serve(answer: (request: IncomingMessage, response: ServerResponse) => void): Promise<string> {
  server = createServer(answer);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** What a client does: fetch with its own abort timer on the (fake) global setTimeout. */
async function fetchWithTimeout(url: string, ms: number): Promise<string> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`timed out after ${ms} ms`)), ms);
  try {
    const response = await fetch(url, { signal: controller.signal });
    return await response.text();
  } finally {
    clearTimeout(timer);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** createFakeTime()'s default step while the clock flows with real time. */
const TICK_MS = 10;

describe('createFakeTime', () => {
  it('fakes Date and the global timers while installed, and restores them', () => {
    const realDate = Date;
    time.install();
    expect((Date as { isFake?: boolean }).isFake).toBe(true);
    expect(time.now()).toBeGreaterThan(0);
    // One clock: no real time passes between the two reads, so they are equal, not merely close.
    expect(Date.now()).toBe(time.now());
    time.uninstall();
    expect(Date).toBe(realDate);
    expect(time.installed).toBe(false);
  });

  it('keeps fetch working under the fake timers, and the harness timers (node:timers) real', async () => {
    const url = await serve((_request, response) => response.end('hello'));
    time.install();
    expect(await fetchWithTimeout(url, 5000)).toBe('hello');
    const before = time.now();
    await realSleep(30);
    // The fake clock flows with real time meanwhile.
    expect(time.now() - before).toBeGreaterThanOrEqual(10);
    expect(await fetchWithTimeout(url, 5000)).toBe('hello');
  });

  it('advances an hour in milliseconds, firing the timers due on the way', async () => {
    time.install();
    const fired: number[] = [];
    const start = time.now();
    setTimeout(() => fired.push(Date.now() - start), 1_800_000);
    setTimeout(() => fired.push(Date.now() - start), 3_300_000);
    await time.advance(3_600_000);
    expect(fired).toEqual([1_800_000, 3_300_000]);
    expect(time.now() - start).toBeGreaterThanOrEqual(3_600_000);
  });

  it('walks an hour of a 100 ms interval timer, firing it every time', async () => {
    time.install();
    let fired = 0;
    const interval = setInterval(() => (fired += 1), 100);
    await time.advance(3_600_000);
    clearInterval(interval);
    expect(fired).toBe(36_000);
  });

  // Ten minutes, far beyond the test timeout: the unit can only finish if time jumped.
  it('drives a unit of work that sleeps ten minutes of client time, without waiting them', async () => {
    time.install();
    const start = time.now();
    const outcome = await time.drive(
      sleep(600_000).then(() => 'slept'),
      start + 1_800_000,
    );
    expect(outcome).toEqual({ done: true, value: 'slept' });
    expect(time.now() - start).toBeGreaterThanOrEqual(600_000);
  });

  it('stops at the deadline when the unit waits longer', async () => {
    time.install();
    const start = time.now();
    const realStart = performance.now();
    expect(await time.drive(sleep(3_600_000), start + 30_000)).toEqual({ done: false });
    expect(time.now() - start).toBeGreaterThanOrEqual(30_000);
    // Not past the deadline: beyond it, the clock has only flowed with real time (at most one tick ahead).
    expect(time.now() - start).toBeLessThanOrEqual(30_000 + (performance.now() - realStart) + TICK_MS);
  });

  it('does not jump over a request in flight: a slow answer beats the client timeout', async () => {
    const url = await serve((_request, response) => void realSleep(150).then(() => response.end('late but fine')));
    time.install();
    const outcome = await time.drive(fetchWithTimeout(url, 1000), time.now() + 30_000);
    expect(outcome).toEqual({ done: true, value: 'late but fine' });
  });

  it('treats requests the server holds on purpose as waiting: the client timeout fires without its wait in real time', async () => {
    const held = new Set<ServerResponse>();
    const url = await serve((_request, response) => {
      held.add(response);
      response.on('close', () => held.delete(response));
    });
    time.install();
    time.attach({ hungRequests: () => held.size });
    // A minute, beyond the test timeout: the client's timeout can only fire if time jumped.
    const outcome = await time.drive(
      fetchWithTimeout(url, 60_000).catch((error: Error) => error.message),
      time.now() + 120_000,
    );
    expect(outcome).toEqual({ done: true, value: 'timed out after 60000 ms' });
  });

  it('without that hint, waits for a hanging request in real time', async () => {
    const url = await serve(() => {});
    time.install();
    const started = performance.now();
    const outcome = await time.drive(
      fetchWithTimeout(url, 300).catch((error: Error) => error.message),
      time.now() + 30_000,
    );
    expect(outcome).toEqual({ done: true, value: 'timed out after 300 ms' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('walks an advance timer by timer, letting a request started by one finish before the next fires', async () => {
    const url = await serve((_request, response) => void realSleep(50).then(() => response.end('refreshed')));
    time.install();
    const results: string[] = [];
    setTimeout(() => {
      fetchWithTimeout(url, 5000).then(
        (text) => results.push(text),
        (error: Error) => results.push(error.message),
      );
    }, 3_300_000);
    await time.advance(3_600_000);
    expect(results).toEqual(['refreshed']);
  });

  it('reports a timer callback that throws, and goes on', async () => {
    time.install();
    const errors: unknown[] = [];
    time.attach({ onTimerError: (error) => errors.push(error) });
    let later = false;
    setTimeout(() => {
      throw new Error('boom');
    }, 1000);
    setTimeout(() => (later = true), 2000);
    await time.advance(5000);
    expect(errors).toEqual([new Error('boom')]);
    expect(later).toBe(true);
  });

  it('ends a drive still waiting when the fake timers are uninstalled', async () => {
    time.install();
    const outcome = time.drive(new Promise(() => {}), time.now() + 60_000);
    time.uninstall();
    expect(await outcome).toEqual({ done: false });
  });

  it('refuses to install over fake timers someone else installed', () => {
    vi.useFakeTimers();
    try {
      expect(() => time.install()).toThrow(/already installed/);
    } finally {
      vi.useRealTimers();
    }
  });
});
