import { describe, expect, it } from 'vitest';
import { parseDateTime, parseInstant, parseInstantText, parseRelativeTime, resolveTime } from './time.ts';

describe('parseDateTime (RFC 3339)', () => {
  it('reads Z, offsets, fractions and lowercase t/z', () => {
    expect(parseDateTime('2030-01-01T00:00:00Z')).toBe(1_893_456_000);
    expect(parseDateTime('2030-01-01T01:00:00+01:00')).toBe(1_893_456_000);
    expect(parseDateTime('2029-12-31T23:30:00-00:30')).toBe(1_893_456_000);
    expect(parseDateTime('2030-01-01t00:00:00z')).toBe(1_893_456_000);
    expect(parseDateTime('2030-01-01T00:00:00.5Z')).toBe(1_893_456_000.5);
    expect(parseDateTime('2030-01-01T00:00:00.123456Z')).toBe(Date.parse('2030-01-01T00:00:00.123456Z') / 1000);
    expect(parseDateTime('2028-02-29T12:00:00Z')).toBe(Date.parse('2028-02-29T12:00:00Z') / 1000);
    expect(parseDateTime('2000-02-29T00:00:00Z')).toBe(Date.parse('2000-02-29T00:00:00Z') / 1000);
    expect(parseDateTime('0050-01-01T00:00:00Z')).toBe(Date.parse('0050-01-01T00:00:00Z') / 1000);
  });

  it('refuses impossible dates and times that Date.parse would roll over or accept', () => {
    for (const text of [
      '2030-02-30T00:00:00Z',
      '2031-02-29T00:00:00Z',
      '1900-02-29T00:00:00Z',
      '2030-04-31T00:00:00Z',
      '2030-13-01T00:00:00Z',
      '2030-00-01T00:00:00Z',
      '2030-01-00T00:00:00Z',
      '2030-01-01T24:00:00Z',
      '2030-01-01T00:60:00Z',
      '2030-01-01T23:59:60Z',
      '2030-01-01T00:00:00+24:00',
      '2030-01-01T00:00:00+01:60',
    ]) {
      expect(parseDateTime(text), text).toBeUndefined();
    }
  });

  it('refuses what is not an RFC 3339 date-time', () => {
    for (const text of ['', 'tomorrow', '2030-01-01', '2030-01-01T00:00Z', '2030-01-01 00:00:00Z', '2030-01-01T00:00:00', '2030-01-01T00:00:00+0100', '2030-01-01T00:00:00+01', '12', ' 2030-01-01T00:00:00Z']) {
      expect(parseDateTime(text), text).toBeUndefined();
    }
  });
});

describe('instants and relative times', () => {
  it('parseInstant: finite epoch seconds or a date-time string', () => {
    expect(parseInstant(1.5)).toBe(1.5);
    expect(parseInstant('2030-01-01T00:00:00Z')).toBe(1_893_456_000);
    expect(parseInstant('12')).toBeUndefined();
    expect(parseInstant(Number.NaN)).toBeUndefined();
    expect(parseInstant(Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(parseInstant(null)).toBeUndefined();
  });

  it('parseInstantText: epoch seconds as text, or a date-time', () => {
    expect(parseInstantText('1893456000')).toBe(1_893_456_000);
    expect(parseInstantText('1893456000.25')).toBe(1_893_456_000.25);
    expect(parseInstantText('2030-01-01T00:01:00Z')).toBe(1_893_456_060);
    expect(parseInstantText('-1')).toBeUndefined();
    expect(parseInstantText('someday')).toBeUndefined();
    expect(parseInstantText('2030-02-30T00:00:00Z')).toBeUndefined();
  });

  it('parseRelativeTime: "+N" and "+Ns"', () => {
    expect(parseRelativeTime('+30')).toBe(30);
    expect(parseRelativeTime('+30s')).toBe(30);
    expect(parseRelativeTime('+1.5s')).toBe(1.5);
    expect(parseRelativeTime('30s')).toBeUndefined();
    expect(parseRelativeTime('+-1')).toBeUndefined();
    expect(parseRelativeTime('+30m')).toBeUndefined();
  });

  it('resolveTime: relative from the origin, instants as they are', () => {
    expect(resolveTime('+30s', 1000)).toBe(1030);
    expect(resolveTime(1_900_000_000, 5)).toBe(1_900_000_000);
    expect(resolveTime('2030-01-01T00:00:00Z', 5)).toBe(1_893_456_000);
    expect(resolveTime('later', 5)).toBeUndefined();
  });
});
