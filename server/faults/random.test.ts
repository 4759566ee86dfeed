import { describe, expect, it } from 'vitest';
import { createRandom } from './random.ts';

const take = (next: () => number, n: number) => Array.from({ length: n }, () => next());

describe('createRandom (mulberry32)', () => {
  it('gives the same sequence for the same seed', () => {
    expect(take(createRandom(42), 1000)).toEqual(take(createRandom(42), 1000));
    expect(take(createRandom(0), 10)).toEqual(take(createRandom(0), 10));
  });

  it('gives different sequences for different seeds', () => {
    const a = take(createRandom(1), 20);
    const b = take(createRandom(2), 20);
    expect(a).not.toEqual(b);
    // Not merely shifted or mostly shared either.
    expect(a.filter((value) => b.includes(value)).length).toBe(0);
  });

  it('draws in [0, 1), spread over the interval', () => {
    const values = take(createRandom(7), 10_000);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
    const below = values.filter((v) => v < 0.5).length;
    expect(below).toBeGreaterThan(4_700);
    expect(below).toBeLessThan(5_300);
  });

  it('is the reference mulberry32 (first draws for seed 1 pinned)', () => {
    expect(take(createRandom(1), 3)).toEqual([0.6270739405881613, 0.002735721180215478, 0.5274470399599522]);
  });

  it('seeds are taken as unsigned 32-bit integers', () => {
    expect(take(createRandom(-1), 5)).toEqual(take(createRandom(0xffffffff), 5));
  });

  it('separate generators do not share state', () => {
    const a = createRandom(5);
    const b = createRandom(5);
    const fromA = take(a, 3);
    expect(take(b, 3)).toEqual(fromA);
    expect(a()).toBe(b());
  });
});
