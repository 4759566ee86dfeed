// @ts-check
/**
 * The token timeline (one bar per issued token, iat to exp, with its API calls as dots) and the
 * virtual clock it is drawn against, shown in the top bar. Between server events the clock is
 * extrapolated, so bars expire and the now marker moves without a message per second.
 */
import { byId, dateTimeFormat, el, formatDuration, formatTime, hueOf, jtiChip, shortJti, timeFormat } from './shared.js';

/**
 * @typedef {import('./shared.js').ClockState} ClockState
 * @typedef {import('./shared.js').JournalEntry} JournalEntry
 * @typedef {import('./shared.js').RevocationNote} RevocationNote
 * @typedef {import('./shared.js').TokenSummary} TokenSummary
 * @typedef {{
 *   jti: string, clientId: string, iat: number, exp: number, revokedAt?: number,
 *   uses: { time: number, ok: boolean }[], row: HTMLLIElement, track: HTMLDivElement
 * }} TokenView
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
  row.setAttribute('aria-label', `token ${shortJti(issued.jti)} of ${clientId ?? 'a client'}, ${formatTime(issued.iat)} to ${formatTime(issued.exp)}`);
  ui.bars.append(row);
  /** @type {TokenView} */
  const view = { jti: issued.jti, clientId: clientId ?? issued.clientId ?? '', iat: issued.iat, exp: issued.exp, uses: [], row, track };
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
  }
}

/** Empties the timeline (a new snapshot, a cleared journal); the clock stays. */
export function resetTimeline() {
  ui.bars.replaceChildren();
  state.tokens.clear();
  state.clientRevocations = [];
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
  // Room on the right for the "expired" / "revoked" tags drawn after a bar's end.
  return { start: start - span * 0.02, end: start + span * 1.1, now };
}

/** Positions every bar, tag, dot and tick: at most MAX_TOKENS rows, so a full pass is cheap. */
function layoutTimeline() {
  const { start, end, now } = timelineDomain();
  const x = (/** @type {number} */ t) => ((t - start) / (end - start)) * 100;
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
    token.track.replaceChildren(...parts);
    token.row.title = `${token.clientId} · ${token.jti}\nissued ${formatTime(token.iat)}, expires ${formatTime(token.exp)} (${formatDuration(token.exp - token.iat)})${revoked ? `\nrevoked ${formatTime(validEnd)}` : ''}`;
  }
  layoutAxis(start, end, now);
  // Follow the newest token, unless the user scrolled up to look at older ones.
  if (state.follow) ui.scroll.scrollTop = ui.scroll.scrollHeight;
  ui.nowLine.style.setProperty('--x', String(Math.min(1, Math.max(0, (now - start) / (end - start)))));
  ui.nowLine.hidden = state.tokens.size === 0;
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
