/** Hand-made journal entries and a way to read a matcher's failure message. */
import { stripVTControlCharacters } from 'node:util';
import type { JournalEntry } from '../../../../server/index.ts';

/** Virtual start of every hand-made journal; entry #n happens at T0 + n seconds unless told. */
export const T0 = 1_700_000_000;
const HOUR = 3600;

export const jti = (n: number) => `tok${String(n).padStart(5, '0')}-0000-4000-8000-000000000000`;

function entry(seq: number, fields: Partial<JournalEntry>): JournalEntry {
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
    requestHeaders: [],
    decision: 'served',
    reason: 'answered 200',
    ...fields,
  };
}

/** A token request that issued token `jti(seq)`, valid for an hour. */
export function tokenIssued(seq: number, fields: Partial<JournalEntry> = {}): JournalEntry {
  const time = fields.time ?? T0 + seq;
  return entry(seq, {
    endpoint: 'token',
    method: 'POST',
    path: '/oauth2/v1/token',
    grantType: 'client_credentials',
    decision: 'issued',
    issued: { jti: jti(seq), iat: time, exp: time + HOUR },
    requestHeaders: ['authorization', 'content-type'],
    params: ['grant_type', 'scope'],
    reason: 'Issued an access token.',
    ...fields,
  });
}

/** A token request answered 429 with Retry-After. */
export function tokenLimited(seq: number, fields: Partial<JournalEntry> = {}): JournalEntry {
  return tokenIssued(seq, { status: 429, issued: undefined, decision: 'rejected', reason: 'Rate-limited: retry after 30s.', ...fields });
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

export const invalidToken = { status: 401, error: 'invalid_token', decision: 'rejected', reason: 'The access token has been revoked.' } as const;

/** Runs an assertion that must fail, and returns its message without colours. */
export function failureOf(assertion: () => unknown): string {
  try {
    assertion();
  } catch (error) {
    return stripVTControlCharacters(error instanceof Error ? error.message : String(error));
  }
  throw new Error('expected the assertion to fail, but it passed');
}
