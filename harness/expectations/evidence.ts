import type { JournalEntry } from '../../server/journal/types.ts';

/**
 * One journal entry as a line a reader understands without knowing the tool:
 * `#7 +2.013s api GET /hcm... -> 401 invalid_token (token 3f2a9c1b) "The access token has been revoked."`
 */
export function describeEntry(entry: JournalEntry, origin: number): string {
  const at = `+${(entry.time - origin).toFixed(3)}s`;
  const outcome = entry.transport && entry.status === 0 ? entry.transport : `${entry.status}${entry.error ? ` ${entry.error}` : ''}`;
  const token = entry.issued ? ` issued ${short(entry.issued.jti)}` : entry.presented ? ` with token ${short(entry.presented.jti)}` : '';
  const fault = entry.faults?.length ? ` [fault ${entry.faults.map((f) => f.preset ?? f.rule).join(', ')}]` : '';
  const violation = entry.violation ? ` [VIOLATION: ${entry.violation.earlyBySeconds}s before Retry-After]` : '';
  return `#${entry.seq} ${at} ${entry.endpoint} ${entry.method} ${entry.path} -> ${outcome}${token}${fault}${violation} "${entry.reason}"`;
}

export function short(jti: string): string {
  return jti.slice(0, 8);
}

/** At most `limit` lines, saying how many were left out. */
export function quote(entries: readonly JournalEntry[], origin: number, limit = 8): string[] {
  const lines = entries.slice(0, limit).map((entry) => describeEntry(entry, origin));
  if (entries.length > limit) lines.push(`... and ${entries.length - limit} more`);
  return lines;
}
