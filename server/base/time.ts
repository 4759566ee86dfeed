/**
 * The one parser of instants: epoch seconds, RFC 3339 date-times and relative "+N" / "+Ns" times.
 * The control API (clock set, journal `after`), fault rules (`after`, `until`) and anything else
 * that reads a time read it here, so each accepts the same dates and refuses the same impossible
 * ones (2030-02-30 does not roll over into March as `Date.parse` would have it).
 */

/** RFC 3339 §5.6 date-time: full-date "T" full-time, fraction optional, "Z" or a numeric offset; T and Z may be lowercase. */
export const RFC3339_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/** A relative time: "+N" or "+Ns", N seconds (fraction allowed) after an origin the caller names. */
export const RELATIVE_TIME = /^\+\d+(\.\d+)?s?$/;

/** Epoch seconds written as text (a query parameter): digits, optionally a fraction. */
const EPOCH_SECONDS_TEXT = /^\d+(\.\d+)?$/;

/**
 * Epoch seconds of an RFC 3339 date-time, or undefined when `text` is not one or names no real
 * instant: a day the month lacks (2030-02-30, 2031-02-29), an hour past 23, a minute or second
 * past 59 (leap seconds cannot be represented), an offset past 23:59. Precision is the
 * millisecond, as `Date` keeps it.
 */
export function parseDateTime(text: string): number | undefined {
  const match = RFC3339_DATE_TIME.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const [, , , , , , , fraction, sign, offsetHours, offsetMinutes] = match;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  if (Number(offsetHours ?? 0) > 23 || Number(offsetMinutes ?? 0) > 59) return undefined;
  const offsetMinutesEast = (sign === '-' ? -1 : 1) * (Number(offsetHours ?? 0) * 60 + Number(offsetMinutes ?? 0));
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, takes years 0-99 as they are, not as 19xx.
  date.setUTCFullYear(year, month - 1, day);
  // Milliseconds, further digits dropped, as Date.parse does.
  date.setUTCHours(hour, minute, second, fraction === undefined ? 0 : Number(`${fraction.slice(1)}00`.slice(0, 3)));
  const ms = date.getTime() - offsetMinutesEast * 60_000;
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

/** An instant given as a value: a finite number of epoch seconds, or an RFC 3339 date-time string. */
export function parseInstant(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  return typeof value === 'string' ? parseDateTime(value) : undefined;
}

/** An instant written as text (a query parameter): epoch seconds ("1893456000", "1893456000.5") or an RFC 3339 date-time. */
export function parseInstantText(text: string): number | undefined {
  return EPOCH_SECONDS_TEXT.test(text) ? Number(text) : parseDateTime(text);
}

/** The seconds of a relative time ("+30s" -> 30), or undefined when `text` is not one. */
export function parseRelativeTime(text: string): number | undefined {
  return RELATIVE_TIME.test(text) ? Number.parseFloat(text.slice(1)) : undefined;
}

/**
 * Epoch seconds of an instant or a relative time counted from `origin` (epoch seconds), or
 * undefined when `spec` is neither.
 */
export function resolveTime(spec: unknown, origin: number): number | undefined {
  const relative = typeof spec === 'string' ? parseRelativeTime(spec) : undefined;
  return relative === undefined ? parseInstant(spec) : origin + relative;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
