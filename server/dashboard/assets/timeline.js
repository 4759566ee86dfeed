// @ts-check
/**
 * The token timeline (one bar per issued token, iat to exp, with its API calls as dots; under it
 * a thin bar for the refresh token the same response issued, until its rotation, revocation or
 * expiry, with the refreshes that presented it as dots) and the virtual clock it is drawn
 * against, shown in the top bar. Between server events the clock is extrapolated, so bars expire
 * and the now marker moves without a message per second. refresh-spans.js works out the refresh
 * tokens' lives.
 */
import { describeRefreshSpan, RefreshSpans, refreshLife } from './refresh-spans.js';
import { byId, dateTimeFormat, el, formatDuration, formatTime, hueOf, jtiChip, shortJti, timeFormat } from './shared.js';

/**
 * @typedef {import('./shared.js').ClockState} ClockState
 * @typedef {import('./shared.js').JournalEntry} JournalEntry
 * @typedef {import('./shared.js').RevocationNote} RevocationNote
 * @typedef {import('./shared.js').TokenSummary} TokenSummary
 * @typedef {import('./refresh-spans.js').RefreshSpan} RefreshSpan
 * @typedef {import('./refresh-spans.js').RefreshLife} RefreshLife
 * @typedef {{
 *   jti: string, clientId: string, iat: number, exp: number, revokedAt?: number,
 *   uses: { time: number, ok: boolean }[], row: HTMLLIElement, track: HTMLDivElement, label: string,
 *   refresh?: string
 * }} TokenView
 *   `refresh`: fingerprint of the refresh token issued with it
 */

/** Token bars kept on the timeline. */
const MAX_TOKENS = 40;
/** Usage dots drawn per token bar. */
const MAX_USES = 60;

const ui = {
  bars: /** @type {HTMLOListElement} */ (byId('bars')),
  axis: byId('axis'),
  nowLine: byId('now-line'),
  empty: byId('timeline-empty'),
  scroll: byId('timeline-scroll'),
  clockTime: byId('clock-time'),
  clockOffset: byId('clock-offset'),
};

const state = {
  /** @type {ClockState & { receivedAt: number }} */
  clock: { now: Date.now() / 1000, offset: 0, frozen: false, receivedAt: performance.now() },
  /** @type {Map<string, TokenView>} jti -> its bar, oldest first */
  tokens: new Map(),
  /** @type {RevocationNote[]} client-wide revocations, applied to tokens that arrive later in a snapshot */
  clientRevocations: [],
  /** The refresh tokens the journal shows, by fingerprint. */
  refresh: new RefreshSpans(),
  layoutPending: false,
  /** The token list is scrolled to its end, so new tokens stay in view. */
  follow: true,
};

// --- time ---------------------------------------------------------------------------------

/** Virtual now (epoch seconds), extrapolated from the last clock state the server sent. */
function virtualNow() {
  const { now, frozen, receivedAt } = state.clock;
  return frozen ? now : now + (performance.now() - receivedAt) / 1000;
}

/** @param {ClockState} clock */
export function setClock(clock) {
  state.clock = { ...clock, receivedAt: performance.now() };
  const offset = Math.round(clock.offset);
  ui.clockOffset.textContent = `${clock.frozen ? 'frozen · ' : ''}${Math.abs(offset) < 1 ? 'real time' : `${offset > 0 ? '+' : '−'}${formatDuration(Math.abs(offset))} from real time`}`;
  tick();
  scheduleLayout();
}

/** Once a second: the clock display, and expiries as the virtual clock passes them. */
function tick() {
  const now = virtualNow();
  ui.clockTime.textContent = formatTime(now);
  ui.clockTime.setAttribute('datetime', new Date(now * 1000).toISOString());
  for (const token of state.tokens.values()) {
    if ((now >= token.exp) !== token.row.classList.contains('expired') && token.revokedAt === undefined) {
      scheduleLayout();
      return;
    }
  }
  // Keep the now marker moving even when nothing expires.
  if (state.tokens.size > 0) scheduleLayout();
}

// --- tokens -------------------------------------------------------------------------------

/** @param {TokenSummary} issued @param {string | undefined} clientId */
function addToken(issued, clientId) {
  if (issued.iat === undefined || issued.exp === undefined || state.tokens.has(issued.jti)) return;
  const row = /** @type {HTMLLIElement} */ (el('li', 'bar-row'));
  row.dataset.jti = issued.jti;
  const label = el('div', 'bar-label');
  label.append(jtiChip(issued.jti, false), el('span', 'client', clientId ?? issued.clientId ?? ''));
  const track = /** @type {HTMLDivElement} */ (el('div', 'track'));
  row.append(label, track);
  const ariaLabel = `token ${shortJti(issued.jti)} of ${clientId ?? 'a client'}, ${formatTime(issued.iat)} to ${formatTime(issued.exp)}`;
  row.setAttribute('aria-label', ariaLabel);
  ui.bars.append(row);
  /** @type {TokenView} */
  const view = { jti: issued.jti, clientId: clientId ?? issued.clientId ?? '', iat: issued.iat, exp: issued.exp, uses: [], row, track, label: ariaLabel };
  for (const note of state.clientRevocations) {
    if (note.clientId === view.clientId && view.iat <= note.time) markRevoked(view, note.time);
  }
  state.tokens.set(issued.jti, view);
  while (state.tokens.size > MAX_TOKENS) {
    const oldest = state.tokens.values().next().value;
    if (!oldest) break;
    oldest.row.remove();
    state.tokens.delete(oldest.jti);
  }
  ui.empty.hidden = true;
  scheduleLayout();
}

/** @param {TokenView} token @param {number} time */
function markRevoked(token, time) {
  if (token.revokedAt !== undefined && token.revokedAt <= time) return;
  token.revokedAt = time;
  token.row.classList.add('revoked');
  scheduleLayout();
}

/** @param {RevocationNote} note */
export function applyRevocation(note) {
  if (note.jti) {
    const token = state.tokens.get(note.jti);
    if (token) markRevoked(token, note.time);
  }
  if (note.clientId) {
    state.clientRevocations.push(note);
    for (const token of state.tokens.values()) if (token.clientId === note.clientId && token.iat <= note.time) markRevoked(token, note.time);
    // Revoking a client's tokens revokes its refresh tokens too.
    if (state.refresh.revokeClient(note.clientId, note.time).length > 0) scheduleLayout();
  }
}

/** What a journal entry says about tokens already on the timeline. @param {JournalEntry} entry */
function noteTokenUse(entry) {
  const jti = entry.presented?.jti;
  const token = jti ? state.tokens.get(jti) : undefined;
  if (!token) return;
  if (entry.endpoint === 'api') {
    token.uses.push({ time: entry.time, ok: entry.status < 400 });
    if (token.uses.length > MAX_USES) token.uses.shift();
    // The API refused it as revoked: a revocation the page did not see (an in-process revoke(), a fault).
    if (entry.status === 401 && /revoked/i.test(entry.reason)) markRevoked(token, entry.time);
    scheduleLayout();
  } else if (entry.endpoint === 'revoke' && /^revoked token/.test(entry.reason)) {
    markRevoked(token, entry.time); // RFC 7009 revocation by the client itself
  }
}

/** Tokens the entries issued, and what they say of tokens already shown, in journal order. @param {JournalEntry[]} entries */
export function noteEntries(entries) {
  for (const entry of entries) {
    if (entry.issued && entry.status < 400) addToken(entry.issued, entry.clientId);
    noteTokenUse(entry);
    noteRefreshTokens(entry);
  }
}

/** A refresh token the entry issued goes under its access token's bar; one it presented changes. @param {JournalEntry} entry */
function noteRefreshTokens(entry) {
  if (state.refresh.add(entry).length === 0) return;
  const issued = entry.credentials?.issuedRefreshToken;
  const token = issued && entry.issued ? state.tokens.get(entry.issued.jti) : undefined;
  // A cached access token handed out again keeps the refresh token it came with first.
  if (token && issued && token.refresh === undefined) {
    token.refresh = issued.fingerprint;
    token.row.classList.add('has-refresh');
    token.row.dataset.refresh = issued.fingerprint;
  }
  scheduleLayout();
}

/** Empties the timeline (a new snapshot, a cleared journal); the clock stays. */
export function resetTimeline() {
  ui.bars.replaceChildren();
  state.tokens.clear();
  state.clientRevocations = [];
  state.refresh.clear();
  ui.empty.hidden = false;
}

// --- layout -------------------------------------------------------------------------------

function scheduleLayout() {
  if (state.layoutPending) return;
  state.layoutPending = true;
  requestAnimationFrame(() => {
    state.layoutPending = false;
    layoutTimeline();
  });
}

/** The visible span of virtual time: every shown token, and now. */
function timelineDomain() {
  const now = virtualNow();
  let start = now;
  let end = now;
  for (const token of state.tokens.values()) {
    start = Math.min(start, token.iat);
    end = Math.max(end, token.exp);
  }
  const span = Math.max(end - start, 60);
  // Room on the right for the "expired" / "revoked" tags drawn after a bar's end. A refresh token
  // alive past the view (a week, beside hour-long access tokens) runs to `edge` and off it: the
  // view is sized by the access tokens and now, or they would all shrink to slivers.
  return { start: start - span * 0.02, end: start + span * 1.1, edge: start + span, now };
}

/** Positions every bar, tag, dot and tick: at most MAX_TOKENS rows, so a full pass is cheap. */
function layoutTimeline() {
  const { start, end, edge, now } = timelineDomain();
  const x = (/** @type {number} */ t) => ((t - start) / (end - start)) * 100;
  // Read once, before anything is written: how many pixels a percent of the track is.
  const pxPerPercent = (state.tokens.values().next().value?.track.clientWidth ?? 600) / 100;
  for (const token of state.tokens.values()) {
    const expired = now >= token.exp;
    const revoked = token.revokedAt !== undefined && token.revokedAt < token.exp;
    const validEnd = revoked ? /** @type {number} */ (token.revokedAt) : token.exp;
    token.row.classList.toggle('expired', expired && !revoked);
    token.row.dataset.state = revoked ? 'revoked' : expired ? 'expired' : 'valid';
    const parts = [];
    const bar = el('div', 'bar');
    bar.style.left = `${x(token.iat)}%`;
    bar.style.width = `${Math.max(0, x(validEnd) - x(token.iat))}%`;
    bar.style.setProperty('--hue', hueOf(token.jti));
    parts.push(bar);
    if (revoked) {
      const rest = el('div', 'bar-revoked');
      rest.style.left = `${x(validEnd)}%`;
      rest.style.width = `${Math.max(0, x(token.exp) - x(validEnd))}%`;
      rest.title = `revoked at ${formatTime(validEnd)}`;
      parts.push(rest);
    }
    for (const use of token.uses) {
      const dot = el('div', `use ${use.ok ? 'ok' : 'bad'}`);
      dot.style.left = `${x(use.time)}%`;
      dot.title = `${use.ok ? 'accepted' : 'refused'} at ${formatTime(use.time)}`;
      parts.push(dot);
    }
    if (revoked || expired) {
      const tag = el('span', `bar-tag ${revoked ? 'tag-revoked' : 'tag-expired'}`, revoked ? 'revoked' : 'expired');
      tag.style.left = `${x(token.exp)}%`;
      parts.push(tag);
    }
    const refresh = token.refresh === undefined ? undefined : state.refresh.get(token.refresh);
    const life = refresh ? refreshLife(refresh, now) : undefined;
    if (refresh && life) parts.push(refreshLine(refresh, life, token.jti, x, edge, pxPerPercent));
    token.track.replaceChildren(...parts);
    token.row.title = `${token.clientId} · ${token.jti}\nissued ${formatTime(token.iat)}, expires ${formatTime(token.exp)} (${formatDuration(token.exp - token.iat)})${revoked ? `\nrevoked ${formatTime(validEnd)}` : ''}`;
    if (refresh && life) {
      token.row.dataset.refreshState = life.state;
      token.row.title += `\n${describeRefreshSpan(refresh, life, refreshTime)}`;
      token.row.setAttribute('aria-label', `${token.label}; its refresh token ${life.label}`);
    }
  }
  layoutAxis(start, end, now);
  // Follow the newest token, unless the user scrolled up to look at older ones.
  if (state.follow) ui.scroll.scrollTop = ui.scroll.scrollHeight;
  ui.nowLine.style.setProperty('--x', String(Math.min(1, Math.max(0, (now - start) / (end - start)))));
  ui.nowLine.hidden = state.tokens.size === 0;
}

/** Refresh tokens live for days: their times in a tooltip carry the date. */
const refreshTimeFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

/** @param {number} seconds epoch seconds */
function refreshTime(seconds) {
  return refreshTimeFormat.format(new Date(seconds * 1000));
}

/**
 * The refresh token's line under its access token's bar: a thin bar from its issue to its end
 * (rotation, revocation or exp; a live one past the view runs off at `edge`), the refreshes that
 * presented it as dots (green: the one that rotated it; red: refused), and a tag with its life:
 * the time it has left while alive, else how it ended and after how long. The tag goes after the
 * bar's end, or just before it when the track has no room left there.
 * @param {RefreshSpan} span @param {RefreshLife} life @param {string} jti
 * @param {(t: number) => number} x percent of the track at a time @param {number} edge @param {number} pxPerPercent
 */
function refreshLine(span, life, jti, x, edge, pxPerPercent) {
  const line = el('div', 'rt-line');
  const clipped = life.end > edge;
  const from = x(span.start);
  const to = x(clipped ? edge : life.end);
  const bar = el('div', `rt-bar rt-${life.state}${clipped ? ' rt-clipped' : ''}`);
  bar.style.left = `${from}%`;
  bar.style.width = `${Math.max(0, to - from)}%`;
  bar.style.setProperty('--hue', hueOf(jti));
  bar.dataset.state = life.state;
  bar.dataset.fingerprint = span.fingerprint;
  bar.dataset.start = String(span.start);
  bar.dataset.end = String(life.end);
  bar.dataset.refused = String(life.refused);
  line.append(bar);
  // Where it ended (or will): a cap, so the end shows even under a tag drawn just before it.
  if (!clipped) {
    const cap = el('div', `rt-end rt-${life.state}`);
    cap.style.left = `${to}%`;
    cap.style.setProperty('--hue', hueOf(jti));
    line.append(cap);
  }
  for (const use of span.presentations) {
    const dot = el('div', `rt-use ${use.ok ? 'ok' : 'bad'}`);
    dot.style.left = `${x(use.time)}%`;
    dot.title = use.ok ? `refresh at ${formatTime(use.time)} rotated it` : `refresh at ${formatTime(use.time)} refused: ${use.reason}`;
    line.append(dot);
  }
  const tag = el('span', `rt-tag rt-tag-${life.state}${life.refused ? ' rt-tag-refused' : ''}`, life.label);
  // ~6 px a character at 10 px, the arrow and padding: does it fit between the end and the track's end?
  const room = (100 - to) * pxPerPercent;
  if (room >= life.label.length * 6 + 22) {
    tag.style.left = `${to}%`;
  } else {
    tag.classList.add('rt-tag-before');
    tag.style.right = `${100 - to}%`;
  }
  line.append(tag);
  return line;
}

/** @param {number} start @param {number} end @param {number} now */
function layoutAxis(start, end, now) {
  const ticks = [];
  if (state.tokens.size > 0) {
    const format = end - start > 86400 ? dateTimeFormat : timeFormat;
    for (let i = 1; i <= 4; i += 1) {
      const t = start + ((end - start) * i) / 5;
      const tick = el('span', 'tick', format.format(new Date(t * 1000)));
      tick.style.left = `${(i / 5) * 100}%`;
      ticks.push(tick);
    }
    const nowTick = el('span', 'tick now-tick', 'now');
    nowTick.style.left = `${((now - start) / (end - start)) * 100}%`;
    ticks.push(nowTick);
  }
  ui.axis.replaceChildren(...ticks);
}

/** Starts the clock's second hand, and following new tokens unless the user scrolls back. */
export function startTimeline() {
  const scroller = ui.scroll;
  scroller.addEventListener('scroll', () => {
    state.follow = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 30;
  }, { passive: true });
  setInterval(tick, 1000);
}
