// @ts-check
/**
 * The life of every refresh token the journal shows, worked out from journal entries alone and
 * without the DOM (so it is testable without a browser), for the thin bar the timeline draws
 * under the token bar of the response that issued it.
 *
 * A refresh token lives from the token response that issued it (`credentials.issuedRefreshToken`:
 * its fingerprint and expiry, on the server's virtual clock) until the first later refresh that
 * presented it (`credentials.refreshToken`) and was answered with tokens: it was rotated (consumed,
 * and a new one issued in its place). Else until the server revoked it, or until its expiry: it
 * expired, or is still alive. A refresh that presents it and is refused is kept as well, so one
 * refused after the token expired (or was rotated) marks it as refused too: "the refresh token
 * died after seven idle days" reads as a bar that ends at its exp, with a red dot after it.
 *
 * Fingerprints only: the journal never has a token's value, and neither has this.
 */
import { formatDuration } from './shared.js';

/**
 * @typedef {import('./shared.js').JournalEntry} JournalEntry
 * @typedef {'expired' | 'reused' | 'revoked' | 'other'} Refusal
 *   why a refresh presenting the token was refused: it had expired, it had been rotated (a reuse),
 *   it had been revoked, or something else (a scope it does not carry, another client's token)
 * @typedef {{ seq: number, time: number, ok: boolean, refusal?: Refusal, error?: string, reason: string }} Presentation
 *   a refresh that presented the token: `ok` when it was answered with tokens (it rotated the token)
 * @typedef {{
 *   fingerprint: string, seq: number, start: number, exp: number,
 *   jti?: string, grant?: string, clientId?: string, user?: string, grantType?: string,
 *   delivered: boolean, rotatedFrom?: string,
 *   rotatedAt?: number, rotatedSeq?: number, rotatedTo?: string, revokedAt?: number,
 *   presentations: Presentation[], droppedPresentations: number
 * }} RefreshSpan
 *   one refresh token: issued by entry `seq` at `start` (with access token `jti`) and valid until
 *   `exp`; `delivered` is false when the answer that carried it never fully reached the client;
 *   `rotatedFrom` is the refresh token whose refresh issued it
 * @typedef {'live' | 'rotated' | 'expired' | 'revoked'} RefreshState
 * @typedef {{ state: RefreshState, end: number, lived: number, left?: number, refused: boolean, label: string }} RefreshLife
 *   a refresh token's life at a moment: where its bar ends (`end`: the rotation, the revocation or
 *   exp), how long it lived (`lived`, up to now while it is alive), how long it has left while
 *   alive (`left`), whether a refresh presenting it was refused after it ended, and the tag to show
 */

/** Refreshes kept per refresh token: a client stuck presenting a dead one adds no more dots. */
const MAX_PRESENTATIONS = 20;

/** @param {JournalEntry} entry */
function answered(entry) {
  return entry.decision === 'issued';
}

/**
 * Why the server refused a refresh presenting this token: the journal's reason names it (the
 * server's refresh grant says "refresh token expired at …", "reused; it was consumed at …",
 * "revoked at …"), and the clock tells an expired one the server has already forgotten.
 * @param {RefreshSpan} span @param {JournalEntry} entry @returns {Refusal}
 */
function refusalOf(span, entry) {
  const reason = entry.reason ?? '';
  // The server's order: a revoked token is refused as revoked, rotated (consumed) or not.
  if (/\brevoked\b/i.test(reason)) return 'revoked';
  if (span.rotatedAt !== undefined && span.rotatedAt <= entry.time) return 'reused';
  if (entry.time >= span.exp || /\bexpired\b/i.test(reason)) return 'expired';
  if (/\bconsumed\b|\breused\b/i.test(reason)) return 'reused';
  return 'other';
}

/**
 * When the server revoked the token a refusal names: the time in its reason ("revoked at
 * 1700000123"), else the refusal's own time.
 * @param {JournalEntry} entry
 */
function revokedAtOf(entry) {
  const match = /\brevoked at (\d+(?:\.\d+)?)/i.exec(entry.reason ?? '');
  const at = match ? Number(match[1]) : Number.NaN;
  return Number.isFinite(at) && at <= entry.time ? at : entry.time;
}

/**
 * The refresh tokens of a journal, oldest first. Feed it every entry in journal order (`add`);
 * it keeps the latest `maxSpans`.
 */
export class RefreshSpans {
  /** @type {Map<string, RefreshSpan>} fingerprint -> its span, oldest first */
  #spans = new Map();
  #maxSpans;

  constructor({ maxSpans = 400 } = {}) {
    this.#maxSpans = maxSpans;
  }

  /** Every span kept, oldest first. @returns {RefreshSpan[]} */
  list() {
    return [...this.#spans.values()];
  }

  /** The span of the refresh token with this fingerprint, if kept. @param {string} fingerprint */
  get(fingerprint) {
    return this.#spans.get(fingerprint);
  }

  clear() {
    this.#spans.clear();
  }

  /**
   * Files one journal entry: a refresh that presented a refresh token (rotating it, or refused),
   * a token response that issued one, a revocation of a grant. Returns the spans it started or
   * changed (none for most entries).
   * @param {JournalEntry} entry
   * @returns {RefreshSpan[]}
   */
  add(entry) {
    /** @type {Set<RefreshSpan>} */
    const changed = new Set();
    const credentials = entry.credentials;
    const presented = credentials?.refreshToken ? this.#spans.get(credentials.refreshToken) : undefined;
    if (entry.endpoint === 'token' && presented) this.#present(presented, entry, changed);
    // RFC 7009 §2.1: revoking a refresh token revokes its grant, every refresh token of it.
    if (entry.endpoint === 'revoke' && entry.status < 400 && entry.decision !== 'rejected') {
      const grant = entry.grant ?? presented?.grant;
      if (grant !== undefined) this.#revoke((span) => span.grant === grant, entry.time, changed);
      else if (presented) this.#revoke((span) => span === presented, entry.time, changed);
    }
    const issued = credentials?.issuedRefreshToken;
    if (entry.endpoint === 'token' && issued && !this.#spans.has(issued.fingerprint)) {
      /** @type {RefreshSpan} */
      const span = {
        fingerprint: issued.fingerprint,
        seq: entry.seq,
        start: entry.time,
        exp: issued.exp,
        // A cut or dropped answer: the server issued it, the client never got it whole.
        delivered: entry.transport === undefined && entry.status !== 0,
        presentations: [],
        droppedPresentations: 0,
      };
      if (entry.issued) span.jti = entry.issued.jti;
      if (entry.grant !== undefined) span.grant = entry.grant;
      if (entry.clientId !== undefined) span.clientId = entry.clientId;
      if (entry.user !== undefined) span.user = entry.user;
      if (entry.grantType !== undefined) span.grantType = entry.grantType;
      if (presented && answered(entry)) span.rotatedFrom = presented.fingerprint;
      this.#spans.set(span.fingerprint, span);
      changed.add(span);
      while (this.#spans.size > this.#maxSpans) {
        const oldest = this.#spans.keys().next().value;
        if (oldest === undefined) break;
        this.#spans.delete(oldest);
      }
    }
    return [...changed];
  }

  /**
   * Server-side revocation of every token of a client (the control API's or `server.revoke()`'s
   * revocation by client): its refresh tokens issued at or before `time` that were still alive.
   * Returns the spans it ended.
   * @param {string} clientId @param {number} time
   * @returns {RefreshSpan[]}
   */
  revokeClient(clientId, time) {
    /** @type {Set<RefreshSpan>} */
    const changed = new Set();
    this.#revoke((span) => span.clientId === clientId, time, changed);
    return [...changed];
  }

  /** @param {RefreshSpan} span @param {JournalEntry} entry @param {Set<RefreshSpan>} changed */
  #present(span, entry, changed) {
    /** @type {Presentation} */
    const presentation = { seq: entry.seq, time: entry.time, ok: answered(entry), reason: entry.reason };
    if (presentation.ok) {
      // Single use: the first refresh answered with it consumed it, and ends its life.
      if (span.rotatedAt === undefined) {
        span.rotatedAt = entry.time;
        span.rotatedSeq = entry.seq;
        const next = entry.credentials?.issuedRefreshToken?.fingerprint;
        if (next) span.rotatedTo = next;
      }
    } else {
      const refusal = refusalOf(span, entry);
      presentation.refusal = refusal;
      if (entry.error) presentation.error = entry.error;
      if (refusal === 'revoked') {
        // The server revokes a grant whole: every refresh token of it still alive then died too.
        const at = revokedAtOf(entry);
        const grant = span.grant;
        this.#revoke((other) => other === span || (grant !== undefined && other.grant === grant), at, changed);
      }
    }
    span.presentations.push(presentation);
    if (span.presentations.length > MAX_PRESENTATIONS) {
      span.presentations.shift();
      span.droppedPresentations += 1;
    }
    changed.add(span);
  }

  /** @param {(span: RefreshSpan) => boolean} test @param {number} time @param {Set<RefreshSpan>} changed */
  #revoke(test, time, changed) {
    for (const span of this.#spans.values()) {
      // One rotated already had ended; one issued after the revocation is not touched by it.
      if (!test(span) || span.rotatedAt !== undefined || span.start > time) continue;
      if (span.revokedAt !== undefined && span.revokedAt <= time) continue;
      span.revokedAt = time;
      changed.add(span);
    }
  }
}

/**
 * The refresh tokens a journal shows, oldest first: every entry filed in order.
 * @param {Iterable<JournalEntry>} entries @param {{ maxSpans?: number }} [options]
 * @returns {RefreshSpan[]}
 */
export function refreshSpans(entries, options) {
  const spans = new RefreshSpans(options);
  for (const entry of entries) spans.add(entry);
  return spans.list();
}

/**
 * A refresh token's life as of `now` (epoch seconds, virtual clock): rotated (ends at the refresh
 * that consumed it), revoked (ends at the revocation), expired (ends at exp) or live (runs to
 * exp, `left` to go), with the tag the timeline shows.
 * @param {RefreshSpan} span @param {number} now
 * @returns {RefreshLife}
 */
export function refreshLife(span, now) {
  /** @type {RefreshState} */
  let state;
  let end;
  if (span.rotatedAt !== undefined) {
    state = 'rotated';
    end = span.rotatedAt;
  } else if (span.revokedAt !== undefined && span.revokedAt < span.exp) {
    state = 'revoked';
    end = span.revokedAt;
  } else if (now >= span.exp) {
    state = 'expired';
    end = span.exp;
  } else {
    state = 'live';
    end = span.exp;
  }
  const lived = Math.max(0, Math.min(end, now) - span.start);
  // A refresh refused once the token had ended: a reuse of a rotated one, a late one of an expired one.
  const refused = state !== 'live' && span.presentations.some((p) => !p.ok && p.time >= end);
  /** @type {RefreshLife} */
  const life = { state, end, lived, refused, label: '' };
  if (state === 'live') {
    life.left = span.exp - now;
    life.label = `${formatDuration(life.left)} left`;
  } else if (state === 'rotated') {
    life.label = `rotated after ${formatDuration(lived)}${refused ? ' · reused' : ''}`;
  } else {
    life.label = `${state} after ${formatDuration(lived)}${refused ? ' · refresh refused' : ''}`;
  }
  return life;
}

/**
 * One sentence per line of what the span's row tooltip says of it.
 * @param {RefreshSpan} span @param {RefreshLife} life @param {(seconds: number) => string} time formats an epoch time
 * @returns {string}
 */
export function describeRefreshSpan(span, life, time) {
  const lines = [`refresh token ${span.fingerprint} (fingerprint), issued ${time(span.start)}${span.delivered ? '' : ', never delivered whole to the client'}, valid until ${time(span.exp)} (${formatDuration(span.exp - span.start)})`];
  if (span.rotatedFrom) lines.push(`issued by rotating refresh token ${span.rotatedFrom}`);
  if (life.state === 'rotated') lines.push(`rotated at ${time(life.end)} by request #${span.rotatedSeq}, after ${formatDuration(life.lived)}${span.rotatedTo ? `; replaced by ${span.rotatedTo}` : ''}`);
  else if (life.state === 'revoked') lines.push(`revoked at ${time(life.end)}, after ${formatDuration(life.lived)}`);
  else if (life.state === 'expired') lines.push(`expired at ${time(life.end)}, after ${formatDuration(life.lived)}`);
  else lines.push(`alive: ${formatDuration(life.left ?? 0)} left`);
  const refusals = span.presentations.filter((p) => !p.ok);
  for (const p of refusals.slice(-3)) lines.push(`refresh #${p.seq} at ${time(p.time)} refused (${p.refusal}${p.error ? `, ${p.error}` : ''}): ${p.reason}`);
  if (refusals.length > 3) lines.push(`and ${refusals.length - 3} earlier refreshes refused`);
  return lines.join('\n');
}
