import { describe, expect, it, vi } from 'vitest';
import { createClock, type ClockState } from './clock.ts';

/** A controllable source of real time (epoch ms). */
function fakeRealTime(startMs = 1_700_000_000_000) {
  let ms = startMs;
  return {
    realNow: () => ms,
    tick(deltaMs: number) {
      ms += deltaMs;
    },
    get ms() {
      return ms;
    },
  };
}

const REAL = 1_700_000_000_000;

describe('createClock', () => {
  describe('unadjusted clock', () => {
    it('follows the injected real time with zero offset', () => {
      const real = fakeRealTime(REAL);
      const clock = createClock({ realNow: real.realNow });
      expect(clock.nowMs()).toBe(REAL);
      expect(clock.state()).toEqual({ now: REAL / 1000, offset: 0, frozen: false });
      real.tick(2_500);
      expect(clock.nowMs()).toBe(REAL + 2_500);
      expect(clock.state()).toEqual({ now: (REAL + 2_500) / 1000, offset: 0, frozen: false });
    });

    it('uses Date.now when no realNow is given', () => {
      const spy = vi.spyOn(Date, 'now').mockReturnValue(42_000);
      try {
        const clock = createClock();
        expect(clock.nowMs()).toBe(42_000);
        spy.mockReturnValue(43_500);
        expect(clock.nowMs()).toBe(43_500);
      } finally {
        spy.mockRestore();
      }
    });

    it('starts at the given virtual instant and keeps running from it', () => {
      const real = fakeRealTime(REAL);
      const clock = createClock({ realNow: real.realNow, start: 1_000 });
      expect(clock.nowMs()).toBe(1_000_000);
      expect(clock.state().offset).toBe((1_000_000 - REAL) / 1000);
      real.tick(1_000);
      expect(clock.nowMs()).toBe(1_001_000);
      expect(clock.state().frozen).toBe(false);
    });

    it('can start frozen at a given instant', () => {
      const real = fakeRealTime(REAL);
      const clock = createClock({ realNow: real.realNow, start: 5_000, frozen: true });
      expect(clock.nowMs()).toBe(5_000_000);
      real.tick(60_000);
      expect(clock.nowMs()).toBe(5_000_000);
      expect(clock.state().frozen).toBe(true);
    });

    it('starts frozen exactly at `start` even if real time ticks between reads', () => {
      // A real clock can tick between the reads createClock makes; the frozen instant
      // must still be exactly the requested start.
      let ms = REAL;
      const ticking = () => {
        ms += 1;
        return ms;
      };
      const clock = createClock({ realNow: ticking, start: 5_000, frozen: true });
      expect(clock.nowMs()).toBe(5_000_000);
    });

    it('can start frozen at real now', () => {
      const real = fakeRealTime(REAL);
      const clock = createClock({ realNow: real.realNow, frozen: true });
      real.tick(10_000);
      expect(clock.nowMs()).toBe(REAL);
      expect(clock.state()).toEqual({ now: REAL / 1000, offset: -10, frozen: true });
    });
  });

  describe('advance', () => {
    it('moves forward by positive seconds and keeps running', () => {
      const real = fakeRealTime(REAL);
      const clock = createClock({ realNow: real.realNow });
      const state = clock.advance(3600);
      expect(state).toEqual({ now: REAL / 1000 + 3600, offset: 3600, frozen: false });
      expect(clock.nowMs()).toBe(REAL + 3_600_000);
      real.tick(1_000);
      expect(clock.nowMs()).toBe(REAL + 3_601_000);
    });

    it('moves backward by negative seconds', () => {
      const real = fakeRealTime(REAL);
      const clock = createClock({ realNow: real.realNow });
      const state = clock.advance(-90);
      expect(state.offset).toBe(-90);
      expect(clock.nowMs()).toBe(REAL - 90_000);
    });

    it('accepts fractional seconds with millisecond effect', () => {
      const real = fakeRealTime(REAL);
      const clock = createClock({ realNow: real.realNow });
      clock.advance(1.5);
      expect(clock.nowMs()).toBe(REAL + 1_500);
      clock.advance(0.25);
      expect(clock.nowMs()).toBe(REAL + 1_750);
      expect(clock.state().offset).toBeCloseTo(1.75, 9);
    });

    it('accumulates successive advances', () => {
      const real = fakeRealTime(REAL);
      const clock = createClock({ realNow: real.realNow });
      clock.advance(10);
      clock.advance(20);
      clock.advance(-5);
      expect(clock.state().offset).toBe(25);
    });

    it('advance(0) leaves time unchanged but still notifies', () => {
      const real = fakeRealTime(REAL);
      const clock = createClock({ realNow: real.realNow });
      const listener = vi.fn();
      clock.onChange(listener);
      expect(clock.advance(0).now).toBe(REAL / 1000);
      expect(listener).toHaveBeenCalledTimes(1);
    });

    it('moves the frozen instant while frozen, and stays frozen', () => {
      const real = fakeRealTime(REAL);
      const clock = createClock({ realNow: real.realNow });
      clock.freeze();
      const state = clock.advance(120);
      expect(state.frozen).toBe(true);
      expect(state.now).toBe(REAL / 1000 + 120);
      real.tick(30_000);
      expect(clock.nowMs()).toBe(REAL + 120_000);
    });

    it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('throws RangeError for %s and changes nothing', (bad) => {
      const real = fakeRealTime(REAL);
      const clock = createClock({ realNow: real.realNow });
      const listener = vi.fn();
      clock.onChange(listener);
      expect(() => clock.advance(bad)).toThrow(RangeError);
      expect(() => clock.advance(bad)).toThrow(/seconds must be a finite number/);
      expect(clock.nowMs()).toBe(REAL);
      expect(listener).not.toHaveBeenCalled();
    });

    it('rejects a non-number at runtime', () => {
      const clock = createClock({ realNow: () => REAL });
      expect(() => clock.advance('10' as unknown as number)).toThrow(RangeError);
      expect(clock.nowMs()).toBe(REAL);
    });
  });

  describe('set', () => {
    it('jumps to an instant given in epoch seconds and keeps running from it', () => {
      const real = fakeRealTime(REAL);
      const clock = createClock({ realNow: real.realNow });
      const state = clock.set(2_000_000_000);
      expect(state).toEqual({ now: 2_000_000_000, offset: 2_000_000_000 - REAL / 1000, frozen: false });
      real.tick(5_000);
      expect(clock.nowMs()).toBe(2_000_000_005_000);
    });

    it('accepts fractional epoch seconds', () => {
      const clock = createClock({ realNow: () => REAL });
      clock.set(1_000.25);
      expect(clock.nowMs()).toBe(1_000_250);
      expect(clock.nowSeconds()).toBe(1_000);
    });

    it('accepts a Date', () => {
      const real = fakeRealTime(REAL);
      const clock = createClock({ realNow: real.realNow });
      const target = new Date('2030-01-02T03:04:05.678Z');
      const state = clock.set(target);
      expect(clock.nowMs()).toBe(target.getTime());
      expect(state.now).toBe(target.getTime() / 1000);
      real.tick(1_000);
      expect(clock.nowMs()).toBe(target.getTime() + 1_000);
    });

    it('can go back into the past', () => {
      const clock = createClock({ realNow: () => REAL });
      clock.set(0);
      expect(clock.nowMs()).toBe(0);
      expect(clock.state().offset).toBe(-REAL / 1000);
    });

    it('while frozen, moves the frozen instant and stays frozen there', () => {
      const real = fakeRealTime(REAL);
      const clock = createClock({ realNow: real.realNow });
      clock.freeze();
      const state = clock.set(1_234);
      expect(state.frozen).toBe(true);
      expect(state.now).toBe(1_234);
      real.tick(99_000);
      expect(clock.nowMs()).toBe(1_234_000);
    });

    it('while frozen, accepts a Date', () => {
      const real = fakeRealTime(REAL);
      const clock = createClock({ realNow: real.realNow, frozen: true });
      clock.set(new Date(77_000));
      real.tick(1_000);
      expect(clock.nowMs()).toBe(77_000);
    });

    it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('throws RangeError for %s seconds', (bad) => {
      const clock = createClock({ realNow: () => REAL });
      expect(() => clock.set(bad)).toThrow(RangeError);
      expect(() => clock.set(bad)).toThrow(/time must be a finite number/);
      expect(clock.nowMs()).toBe(REAL);
    });

    it('throws RangeError for an invalid Date', () => {
      const clock = createClock({ realNow: () => REAL, frozen: true });
      const listener = vi.fn();
      clock.onChange(listener);
      expect(() => clock.set(new Date('not a date'))).toThrow(RangeError);
      expect(clock.nowMs()).toBe(REAL);
      expect(listener).not.toHaveBeenCalled();
    });

    it('throws RangeError for seconds that overflow to Infinity in milliseconds', () => {
      const clock = createClock({ realNow: () => REAL });
      expect(() => clock.set(Number.MAX_VALUE)).toThrow(RangeError);
      expect(clock.nowMs()).toBe(REAL);
    });
  });

  describe('freeze / resume', () => {
    it('freeze stops time at the current virtual instant', () => {
      const real = fakeRealTime(REAL);
      const clock = createClock({ realNow: real.realNow });
      clock.advance(100);
      real.tick(7_000);
      const state = clock.freeze();
      expect(state).toEqual({ now: REAL / 1000 + 107, offset: 100, frozen: true });
      real.tick(50_000);
      expect(clock.nowMs()).toBe(REAL + 107_000);
      expect(clock.nowSeconds()).toBe(Math.floor((REAL + 107_000) / 1000));
      // offset is virtual minus real: it shrinks as real time passes while frozen
      expect(clock.state().offset).toBe(50);
    });

    it('freezing twice keeps the first frozen instant', () => {
      const real = fakeRealTime(REAL);
      const clock = createClock({ realNow: real.realNow });
      clock.freeze();
      real.tick(10_000);
      const state = clock.freeze();
      expect(state.now).toBe(REAL / 1000);
      expect(clock.nowMs()).toBe(REAL);
    });

    it('resume continues from the frozen instant, not from real time', () => {
      const real = fakeRealTime(REAL);
      const clock = createClock({ realNow: real.realNow });
      clock.freeze();
      real.tick(60_000); // a minute passes in the real world while frozen
      const state = clock.resume();
      expect(state).toEqual({ now: REAL / 1000, offset: -60, frozen: false });
      expect(clock.nowMs()).toBe(REAL);
      real.tick(2_000);
      expect(clock.nowMs()).toBe(REAL + 2_000);
    });

    it('resume after advance/set while frozen continues from the moved instant', () => {
      const real = fakeRealTime(REAL);
      const clock = createClock({ realNow: real.realNow });
      clock.freeze();
      clock.advance(30);
      real.tick(5_000);
      clock.resume();
      expect(clock.nowMs()).toBe(REAL + 30_000);
      real.tick(1_000);
      expect(clock.nowMs()).toBe(REAL + 31_000);

      clock.freeze();
      clock.set(500);
      real.tick(9_000);
      clock.resume();
      expect(clock.nowMs()).toBe(500_000);
      real.tick(1_000);
      expect(clock.nowMs()).toBe(501_000);
    });

    it('resume on a running clock changes nothing but still notifies', () => {
      const real = fakeRealTime(REAL);
      const clock = createClock({ realNow: real.realNow });
      clock.advance(10);
      const listener = vi.fn();
      clock.onChange(listener);
      const state = clock.resume();
      expect(state).toEqual({ now: REAL / 1000 + 10, offset: 10, frozen: false });
      expect(listener).toHaveBeenCalledWith(state);
    });

    it('can freeze and resume repeatedly without drift', () => {
      const real = fakeRealTime(REAL);
      const clock = createClock({ realNow: real.realNow });
      for (let i = 0; i < 5; i += 1) {
        clock.freeze();
        real.tick(1_000); // lost while frozen
        clock.resume();
        real.tick(500); // counted while running
      }
      expect(clock.nowMs()).toBe(REAL + 5 * 500);
    });
  });

  describe('nowSeconds', () => {
    it('floors to whole seconds', () => {
      const clock = createClock({ realNow: () => 1_700_000_000_999 });
      expect(clock.nowSeconds()).toBe(1_700_000_000);
      clock.advance(0.001);
      expect(clock.nowSeconds()).toBe(1_700_000_001);
    });

    it('floors (not truncates) negative instants', () => {
      const clock = createClock({ realNow: () => REAL, frozen: true });
      clock.set(-1.5);
      expect(clock.nowSeconds()).toBe(-2);
      expect(clock.nowMs()).toBe(-1_500);
    });

    it('is an integer equal to nowMs/1000 on whole seconds', () => {
      const clock = createClock({ realNow: () => REAL });
      expect(clock.nowSeconds()).toBe(REAL / 1000);
      expect(Number.isInteger(clock.nowSeconds())).toBe(true);
    });
  });

  describe('onChange', () => {
    it('calls every listener after each change with the new state', () => {
      const real = fakeRealTime(REAL);
      const clock = createClock({ realNow: real.realNow });
      const a: ClockState[] = [];
      const b: ClockState[] = [];
      clock.onChange((s) => a.push(s));
      clock.onChange((s) => b.push(s));

      clock.advance(10);
      clock.freeze();
      clock.set(100);
      clock.resume();

      expect(a).toEqual([
        { now: REAL / 1000 + 10, offset: 10, frozen: false },
        { now: REAL / 1000 + 10, offset: 10, frozen: true },
        { now: 100, offset: 100 - REAL / 1000, frozen: true },
        { now: 100, offset: 100 - REAL / 1000, frozen: false },
      ]);
      expect(b).toEqual(a);
    });

    it('the listener sees the state already applied (reads inside the listener are current)', () => {
      const clock = createClock({ realNow: () => REAL });
      let seen: number | undefined;
      clock.onChange(() => {
        seen = clock.nowMs();
      });
      clock.advance(3);
      expect(seen).toBe(REAL + 3_000);
    });

    it('is not called by reads', () => {
      const clock = createClock({ realNow: () => REAL });
      const listener = vi.fn();
      clock.onChange(listener);
      clock.nowMs();
      clock.nowSeconds();
      clock.state();
      expect(listener).not.toHaveBeenCalled();
    });

    it('unsubscribe stops only that listener', () => {
      const clock = createClock({ realNow: () => REAL });
      const kept = vi.fn();
      const removed = vi.fn();
      clock.onChange(kept);
      const unsubscribe = clock.onChange(removed);
      clock.advance(1);
      unsubscribe();
      clock.advance(1);
      clock.set(5);
      expect(removed).toHaveBeenCalledTimes(1);
      expect(kept).toHaveBeenCalledTimes(3);
    });

    it('unsubscribing twice is harmless', () => {
      const clock = createClock({ realNow: () => REAL });
      const listener = vi.fn();
      const unsubscribe = clock.onChange(listener);
      unsubscribe();
      expect(() => unsubscribe()).not.toThrow();
      clock.advance(1);
      expect(listener).not.toHaveBeenCalled();
    });
  });

  it('clocks are independent of each other', () => {
    const real = fakeRealTime(REAL);
    const one = createClock({ realNow: real.realNow });
    const two = createClock({ realNow: real.realNow });
    one.advance(100);
    two.freeze();
    real.tick(1_000);
    expect(one.nowMs()).toBe(REAL + 101_000);
    expect(two.nowMs()).toBe(REAL);
  });
});
