/**
 * Shared settings of the fuzz suite: deterministic (seed 42) and bounded for CI. Full mode:
 * `FUZZ_RUNS=2000 npx vitest run test/fuzz` raises every property's number of runs.
 */
import { expect } from 'vitest';

export const SEED = 42;

/** Runs per property: `fallback` (small, CI) unless FUZZ_RUNS says otherwise. */
export function runs(fallback: number): number {
  const fromEnv = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : fallback;
}

/** Counts cases per property and prints them once the file is done. */
export class CaseCounter {
  readonly #counts = new Map<string, number>();
  tick(name: string): void {
    this.#counts.set(name, (this.#counts.get(name) ?? 0) + 1);
  }
  report(file: string): void {
    let total = 0;
    for (const [name, count] of this.#counts) {
      console.log(`[fuzz] ${file}: ${name}: ${count} cases`);
      total += count;
    }
    console.log(`[fuzz] ${file}: ${total} cases in all`);
  }
}

export interface Answer {
  status: number;
  type: string;
  text: string;
  body: any;
}

export async function send(url: string, init: RequestInit): Promise<Answer> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, type: response.headers.get('content-type') ?? '', text, body };
}

/**
 * Never a 5xx; a refusal is 4xx JSON (or problem+json) with an error or detail text; a success
 * is 2xx (the input happened to be valid).
 */
export function expectSaneAnswer(answer: Answer, what: string): void {
  const where = `${what} -> ${answer.status} ${answer.text.slice(0, 300)}`;
  expect(answer.status, where).toBeLessThan(500);
  if (answer.status >= 200 && answer.status < 300) return;
  expect(answer.status, where).toBeGreaterThanOrEqual(400);
  expect(answer.type, where).toMatch(/^application\/(problem\+)?json/);
  const message = answer.body?.error ?? answer.body?.detail;
  expect(typeof message, where).toBe('string');
  expect((message as string).length, where).toBeGreaterThan(0);
}
