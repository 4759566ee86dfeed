/**
 * Hand-made journal entries for tests that judge a journal without a server (the judge, the
 * vitest matchers): entry #n happens at T0 + n seconds unless told, and token #n is `jti(n)`.
 */
import type { UnitRecord } from '../../harness/expectations/judge-input.ts';
import type { JournalEntry } from '../../server/journal/types.ts';

/** Virtual start of every hand-made journal. */
export const T0 = 1_700_000_000;
/** One hour, the lifetime of every hand-made token. */
export const HOUR = 3600;

/** The jti of the token issued by entry #n. */
export const jti = (n: number) => `tok${String(n).padStart(5, '0')}-0000-4000-8000-000000000000`;

/** An entry with every required field, served 200 unless `fields` say otherwise. */
export function entry(seq: number, fields: Partial<JournalEntry>): JournalEntry {
  const time = fields.time ?? T0 + seq;
  return {
    seq,
    time,
    realTime: new Date(time * 1000).toISOString(),
    endpoint: 'other',
    method: 'GET',
    path: '/',
    status: 200,
    durationMs: 5,
    endTime: (fields.time ?? T0 + seq) + 0.005,
    requestHeaders: [],
    decision: 'served',
    reason: 'answered 200',
    ...fields,
  };
}

/** A token request that issued token `jti(seq)`, valid for an hour, and told the client so (expires_in 3600). */
export function tokenIssued(seq: number, fields: Partial<JournalEntry> = {}): JournalEntry {
  const time = fields.time ?? T0 + seq;
  return entry(seq, {
    endpoint: 'token',
    method: 'POST',
    path: '/oauth2/v1/token',
    grantType: 'client_credentials',
    decision: 'issued',
    issued: { jti: jti(seq), iat: time, exp: time + HOUR, expiresIn: HOUR },
    requestHeaders: ['authorization', 'content-type', 'x-tenant-id'],
    params: ['grant_type', 'scope'],
    reason: 'Issued an access token.',
    ...fields,
  });
}

/** A token request refused with an error. */
export function tokenRefused(seq: number, status: number, error: string | undefined, fields: Partial<JournalEntry> = {}): JournalEntry {
  return tokenIssued(seq, { status, error, issued: undefined, decision: 'rejected', reason: `Refused: ${error ?? status}.`, ...fields });
}

/** A token request answered 429 with Retry-After: 30 (what the client was told: `retryAfter`). */
export function tokenLimited(seq: number, fields: Partial<JournalEntry> = {}): JournalEntry {
  return tokenRefused(seq, 429, undefined, { reason: 'Rate-limited: retry after 30s.', retryAfter: 30, ...fields });
}

/** An API call presenting the token issued by entry #`tokenSeq`. */
export function apiCall(seq: number, tokenSeq: number, fields: Partial<JournalEntry> = {}): JournalEntry {
  return entry(seq, {
    endpoint: 'api',
    method: 'GET',
    path: '/hcmRestApi/resources/11.13.18.05/emps',
    route: 'hcm-employees',
    decision: 'allowed',
    presented: { jti: jti(tokenSeq), exp: T0 + tokenSeq + HOUR },
    requestHeaders: ['authorization', 'x-request-id'],
    reason: 'The token is valid.',
    ...fields,
  });
}

/** The fields of an API call refused because its token was revoked. */
export const invalidToken = { status: 401, error: 'invalid_token', decision: 'rejected', reason: 'The access token has been revoked.' } as const;
/** The fields of an API call refused for want of a scope. */
export const insufficientScope = { status: 403, error: 'insufficient_scope', decision: 'rejected', reason: 'The token lacks the scope.' } as const;

/**
 * A unit of work as the runner records it: handed over at `handedAt` (default T0 + id - 0.5) and
 * reported `for` seconds later (default 0.4), after `handedSeq` journal entries (default: none).
 */
export function unit(id: number, fields: Partial<UnitRecord> & { for?: number } = {}): UnitRecord {
  const { for: lasting = 0.4, ...rest } = fields;
  const handedAt = rest.handedAt ?? T0 + id - 0.5;
  return { id, ok: true, status: 200, elapsedMs: lasting * 1000, handedAt, reportedAt: handedAt + lasting, handedSeq: 0, batch: id, ...rest };
}
