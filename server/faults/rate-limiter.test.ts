import { describe, expect, it } from 'vitest';
import { formatRetryAfter, RateLimiter } from './rate-limiter.ts';
import type { FaultRule } from './rule-schema.ts';

const rule = (id: string): FaultRule => ({ id, description: id, match: { endpoint: 'token' }, action: { type: 'rate_limit', retryAfter: 30 }, addedAt: 0 });

describe('RateLimiter: block and police', () => {
  it('block() answers the Retry-After and polices the client until it has passed', () => {
    const limiter = new RateLimiter();
    const r = rule('r');
    expect(limiter.police(r, 'a', 1000)).toBeUndefined();
    expect(limiter.block(r, 'a', 30, 1000)).toEqual({ retryAfter: 30 });
    expect(limiter.police(r, 'a', 1000)).toEqual({ retryAfter: 30, violation: { rule: r, earlyBy: 30 } });
    expect(limiter.police(r, 'a', 1029.5)).toEqual({ retryAfter: 0.5, violation: { rule: r, earlyBy: 0.5 } });
    expect(limiter.police(r, 'a', 1030)).toBeUndefined();
    expect(limiter.police(r, 'a', 1031)).toBeUndefined();
  });

  it('polices per client and per rule', () => {
    const limiter = new RateLimiter();
    const r1 = rule('r1');
    const r2 = rule('r2');
    limiter.block(r1, 'a', 30, 0);
    expect(limiter.police(r1, 'b', 1)).toBeUndefined();
    expect(limiter.police(r2, 'a', 1)).toBeUndefined();
    expect(limiter.police(r1, 'a', 1)?.violation?.rule).toBe(r1);
  });

  it('a new block replaces the old deadline', () => {
    const limiter = new RateLimiter();
    const r = rule('r');
    limiter.block(r, 'a', 30, 0);
    limiter.block(r, 'a', 5, 10);
    expect(limiter.police(r, 'a', 14)?.retryAfter).toBe(1);
    expect(limiter.police(r, 'a', 15)).toBeUndefined();
  });

  it('retryAfter 0 blocks nothing', () => {
    const limiter = new RateLimiter();
    const r = rule('r');
    expect(limiter.block(r, 'a', 0, 100)).toEqual({ retryAfter: 0 });
    expect(limiter.police(r, 'a', 100)).toBeUndefined();
  });

  it('forget() drops a rule\'s state', () => {
    const limiter = new RateLimiter();
    const r = rule('r');
    limiter.block(r, 'a', 30, 0);
    limiter.forget('r');
    expect(limiter.police(r, 'a', 1)).toBeUndefined();
  });
});

describe('RateLimiter: budgets (spend)', () => {
  it('allows `limit` requests per window, then refuses until the window ends', () => {
    const limiter = new RateLimiter();
    const r = rule('r');
    expect(limiter.spend(r, 'a', 2, 60, 1000)).toEqual({ used: 1 });
    expect(limiter.spend(r, 'a', 2, 60, 1010)).toEqual({ used: 2 });
    expect(limiter.spend(r, 'a', 2, 60, 1020)).toEqual({ retryAfter: 40, used: 2 });
    // The refused client is policed until the window's end.
    expect(limiter.police(r, 'a', 1030)).toEqual({ retryAfter: 30, violation: { rule: r, earlyBy: 30 } });
    expect(limiter.police(r, 'a', 1060)).toBeUndefined();
  });

  it('a new window starts with the first request after the old one ended', () => {
    const limiter = new RateLimiter();
    const r = rule('r');
    limiter.spend(r, 'a', 1, 10, 0);
    expect(limiter.spend(r, 'a', 1, 10, 5)).toEqual({ retryAfter: 5, used: 1 });
    expect(limiter.spend(r, 'a', 1, 10, 10)).toEqual({ used: 1 });
    expect(limiter.spend(r, 'a', 1, 10, 19.5)).toEqual({ retryAfter: 0.5, used: 1 });
  });

  it('budgets are per client', () => {
    const limiter = new RateLimiter();
    const r = rule('r');
    limiter.spend(r, 'a', 1, 60, 0);
    expect(limiter.spend(r, 'b', 1, 60, 0)).toEqual({ used: 1 });
    expect(limiter.spend(r, 'a', 1, 60, 0).retryAfter).toBe(60);
  });

  it('forget() resets budgets too', () => {
    const limiter = new RateLimiter();
    const r = rule('r');
    limiter.spend(r, 'a', 1, 60, 0);
    limiter.spend(r, 'a', 1, 60, 1);
    limiter.forget('r');
    expect(limiter.spend(r, 'a', 1, 60, 2)).toEqual({ used: 1 });
  });
});

describe('formatRetryAfter (RFC 9110 §10.2.3)', () => {
  it('delay-seconds: whole seconds, rounded up, never negative; the seconds told are the value', () => {
    expect(formatRetryAfter(30, 'seconds', 0)).toEqual({ value: '30', seconds: 30 });
    expect(formatRetryAfter(30, undefined, 0)).toEqual({ value: '30', seconds: 30 });
    expect(formatRetryAfter(29.001, undefined, 0)).toEqual({ value: '30', seconds: 30 });
    expect(formatRetryAfter(0, undefined, 0)).toEqual({ value: '0', seconds: 0 });
    expect(formatRetryAfter(-3, undefined, 0)).toEqual({ value: '0', seconds: 0 });
  });

  it('http-date: an IMF-fixdate that many seconds after the wall-clock now', () => {
    expect(formatRetryAfter(30, 'http-date', 1_893_456_000)).toEqual({ value: 'Tue, 01 Jan 2030 00:00:30 GMT', seconds: 30 });
    expect(formatRetryAfter(0.2, 'http-date', 1_893_456_000)).toEqual({ value: 'Tue, 01 Jan 2030 00:00:01 GMT', seconds: 1 });
    expect(formatRetryAfter(30, 'http-date', 1_893_456_000).value).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
  });

  it('http-date with a fractional now is never earlier than the deadline, and tells the seconds until it', () => {
    expect(formatRetryAfter(30, 'http-date', 1_893_456_000.7)).toEqual({ value: 'Tue, 01 Jan 2030 00:00:31 GMT', seconds: 30.3 });
  });

  it('none: no header, nothing told', () => {
    expect(formatRetryAfter(30, 'none', 0)).toEqual({});
  });
});
