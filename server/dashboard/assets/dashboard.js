// @ts-check
/**
 * The understudy dashboard: draws the server's traffic live from the server-sent events of
 * /_understudy/events (a snapshot, then one event per journal entry and per state change) and
 * drives the control API. Plain DOM, no framework, no build step; served with a CSP that allows
 * only this file as script.
 */

/**
 * @typedef {{ jti: string, clientId?: string, iat?: number, exp?: number, kid?: string }} TokenSummary
 * @typedef {{ rule: string, preset?: string, action: string, effect: string }} FaultNote
 * @typedef {{
 *   seq: number, time: number, endpoint: string, method: string, path: string, status: number,
 *   clientId?: string, error?: string, issued?: TokenSummary, presented?: TokenSummary, route?: string,
 *   decision: string, reason: string, faults?: FaultNote[], transport?: string,
 *   violation?: { kind: string, rule: string, earlyBySeconds: number }
 * }} JournalEntry
 * @typedef {{ now: number, offset: number, frozen: boolean }} ClockState
 * @typedef {{ id: string, preset?: string, description: string, applied: number, matched: number, match: Record<string, unknown> }} FaultRuleView
 * @typedef {{ time: number, jti?: string, clientId?: string }} RevocationNote
 * @typedef {{
 *   entries: JournalEntry[], omitted: number, clock: ClockState, faults: FaultRuleView[],
 *   signing: string, revocations: RevocationNote[]
 * }} Snapshot
 * @typedef {{
 *   jti: string, clientId: string, iat: number, exp: number, revokedAt?: number,
 *   uses: { time: number, ok: boolean }[], row: HTMLLIElement, track: HTMLDivElement
 * }} TokenView
 */

const BASE = '/_understudy';
/** Rows kept in the traffic table; older ones leave the DOM (the journal keeps them). */
const MAX_ROWS = 500;
/** Token bars kept on the timeline. */
const MAX_TOKENS = 40;
/** Usage dots drawn per token bar. */
const MAX_USES = 60;

/** @param {string} id */
function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element;
}

const ui = {
  rows: /** @type {HTMLTableSectionElement} */ (byId('rows')),
  trafficScroll: byId('traffic-scroll'),
  trafficEmpty: byId('traffic-empty'),
  bars: /** @type {HTMLOListElement} */ (byId('bars')),
  axis: byId('axis'),
  nowLine: byId('now-line'),
  timelineEmpty: byId('timeline-empty'),
  timelineScroll: byId('timeline-scroll'),
  clockTime: byId('clock-time'),
  clockOffset: byId('clock-offset'),
  connection: byId('connection'),
  preset: /** @type {HTMLSelectElement} */ (byId('preset')),
  presetSummary: byId('preset-summary'),
  addFault: /** @type {HTMLButtonElement} */ (byId('add-fault')),
  clearFaults: /** @type {HTMLButtonElement} */ (byId('clear-faults')),
  faults: byId('faults'),
  faultsEmpty: byId('faults-empty'),
  advanceSeconds: /** @type {HTMLInputElement} */ (byId('advance-seconds')),
  advanceClock: /** @type {HTMLButtonElement} */ (byId('advance-clock')),
  rotateKeys: /** @type {HTMLButtonElement} */ (byId('rotate-keys')),
  signingKid: byId('signing-kid'),
  message: byId('message'),
  stats: { token: byId('stat-token'), api: byId('stat-api'), errors: byId('stat-errors'), issued: byId('stat-issued') },
};

const state = {
  /** @type {ClockState & { receivedAt: number }} */
  clock: { now: Date.now() / 1000, offset: 0, frozen: false, receivedAt: performance.now() },
  /** @type {Map<string, TokenView>} jti -> its bar, oldest first */
  tokens: new Map(),
  /** @type {RevocationNote[]} client-wide revocations, applied to tokens that arrive later in a snapshot */
  clientRevocations: [],
  counts: { token: 0, api: 0, errors: 0, issued: 0 },
  layoutPending: false,
  /** @type {JournalEntry[]} entries whose rows are drawn at the next frame */
  pendingRows: [],
  rowsPending: false,
  flashRows: false,
  /** The token list is scrolled to its end, so new tokens stay in view. */
  followTimeline: true,
};

// --- time ---------------------------------------------------------------------------------

/** Virtual now (epoch seconds), extrapolated from the last clock state the server sent. */
function virtualNow() {
  const { now, frozen, receivedAt } = state.clock;
  return frozen ? now : now + (performance.now() - receivedAt) / 1000;
}

/** @param {ClockState} clock */
function setClock(clock) {
  state.clock = { ...clock, receivedAt: performance.now() };
  const offset = Math.round(clock.offset);
  ui.clockOffset.textContent = `${clock.frozen ? 'frozen · ' : ''}${Math.abs(offset) < 1 ? 'real time' : `${offset > 0 ? '+' : '−'}${formatDuration(Math.abs(offset))} from real time`}`;
  tick();
  scheduleLayout();
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** @param {number} seconds epoch seconds */
function formatTime(seconds) {
  return timeFormat.format(new Date(seconds * 1000));
}

/** @param {number} seconds */
function formatDuration(seconds) {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${(seconds / 3600).toFixed(1).replace(/\.0$/, '')} h`;
  return `${Math.round(seconds / 86400)} d`;
}

// --- traffic rows -------------------------------------------------------------------------

/**
 * @param {string} tag
 * @param {string} [className]
 * @param {string} [text]
 */
function el(tag, className, text) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

/** @param {number} status */
function statusClass(status) {
  if (status === 0 || status >= 500) return 's-bad';
  if (status >= 400) return 's-warn';
  return 's-ok';
}

/** Token colours: blues and greens, away from the reds and ambers that mean trouble. */
const TOKEN_HUES = [205, 170, 140, 230, 190, 110, 250];

/** A stable colour per token, so a row's token and its bar match. @param {string} jti */
function hueOf(jti) {
  let hash = 0;
  for (let i = 0; i < jti.length; i += 1) hash = (hash * 31 + jti.charCodeAt(i)) >>> 0;
  return String(TOKEN_HUES[hash % TOKEN_HUES.length]);
}

/** @param {string} jti */
function shortJti(jti) {
  return jti.length > 8 ? jti.slice(0, 8) : jti;
}

/** @param {string} jti @param {boolean} issued */
function jtiChip(jti, issued) {
  const chip = el('span', `jti${issued ? ' issued' : ''}`, `${issued ? '+' : ''}${shortJti(jti)}`);
  chip.style.setProperty('--hue', hueOf(jti));
  chip.title = `${issued ? 'issued' : 'presented'} token ${jti}`;
  return chip;
}

/** @param {JournalEntry} entry */
function requestLabel(entry) {
  if (entry.endpoint === 'api') return entry.route ?? entry.path;
  if (entry.endpoint === 'other') return entry.path;
  return entry.endpoint;
}

/** @param {JournalEntry} entry */
function buildRow(entry) {
  const row = /** @type {HTMLTableRowElement} */ (el('tr'));
  row.dataset.seq = String(entry.seq);
  row.dataset.endpoint = entry.endpoint;
  row.dataset.status = String(entry.status);
  row.title = `#${entry.seq} ${entry.method} ${entry.path} → ${entry.status}\n${entry.reason}`;
  if (entry.faults?.length) row.classList.add('row-fault');

  row.append(el('td', 'c-time', formatTime(entry.time)), el('td', 'c-client', entry.clientId ?? '—'));

  const lanes = el('td', 'c-lanes');
  const laneLines = el('div', 'lanes');
  const target = entry.endpoint === 'api' ? 'to-api' : entry.endpoint === 'other' ? 'to-none' : 'to-as';
  laneLines.append(el('span', `arrow ${target} ${statusClass(entry.status)}`));
  lanes.append(laneLines);
  lanes.setAttribute('aria-label', `${entry.clientId ?? 'client'} to ${entry.endpoint === 'api' ? 'API' : entry.endpoint === 'other' ? 'nowhere' : 'authorization server'}`);
  row.append(lanes);

  const request = el('td', 'c-request');
  request.append(el('span', 'request-method', entry.method), document.createTextNode(requestLabel(entry)));
  request.title = `${entry.method} ${entry.path}`;
  row.append(request);

  const status = el('td', 'c-status');
  status.append(el('span', `status ${statusClass(entry.status)}`, entry.status === 0 ? (entry.transport ?? '—') : String(entry.status)));
  row.append(status);

  const token = el('td', 'c-token');
  if (entry.issued) token.append(jtiChip(entry.issued.jti, true));
  else if (entry.presented) token.append(jtiChip(entry.presented.jti, false));
  row.append(token);

  const fault = el('td', 'c-fault');
  for (const note of entry.faults ?? []) {
    const chip = el('span', 'chip', note.preset ?? note.action);
    chip.title = `rule ${note.rule}: ${note.effect}`;
    fault.append(chip);
  }
  if (entry.violation) {
    const chip = el('span', 'chip violation', `early ${Math.ceil(entry.violation.earlyBySeconds)} s`);
    chip.title = `came ${entry.violation.earlyBySeconds.toFixed(1)} s before the Retry-After of rule ${entry.violation.rule} had passed`;
    fault.append(chip);
  }
  row.append(fault);

  const detail = el('td', 'c-detail');
  if (entry.error) detail.append(el('span', 'error-code', entry.error));
  detail.append(el('span', 'reason', entry.reason));
  row.append(detail);
  return row;
}

/** @param {HTMLTableRowElement[]} rows @param {boolean} flash */
function appendRows(rows, flash) {
  if (rows.length === 0) return;
  const scroller = ui.trafficScroll;
  const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 40;
  const fragment = document.createDocumentFragment();
  for (const row of rows.slice(-MAX_ROWS)) {
    if (flash) row.classList.add('row-new');
    fragment.append(row);
  }
  ui.rows.append(fragment);
  while (ui.rows.rows.length > MAX_ROWS) ui.rows.deleteRow(0);
  ui.trafficEmpty.hidden = true;
  if (atBottom) scroller.scrollTop = scroller.scrollHeight;
}

/** @param {JournalEntry} entry */
function count(entry) {
  if (entry.endpoint === 'token') state.counts.token += 1;
  if (entry.endpoint === 'api') state.counts.api += 1;
  if (entry.status === 0 || entry.status >= 400) state.counts.errors += 1;
  if (entry.issued) state.counts.issued += 1;
}

function showCounts() {
  for (const [name, value] of Object.entries(state.counts)) {
    ui.stats[/** @type {keyof typeof ui.stats} */ (name)].textContent = String(value);
  }
}

// --- token timeline -----------------------------------------------------------------------

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
  ui.timelineEmpty.hidden = true;
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
function applyRevocation(note) {
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
  if (state.followTimeline) ui.timelineScroll.scrollTop = ui.timelineScroll.scrollHeight;
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

// --- state panels -------------------------------------------------------------------------

/** @param {FaultRuleView[]} faults */
function showFaults(faults) {
  const items = faults.map((fault) => {
    const item = el('li');
    item.dataset.id = fault.id;
    const title = el('div', 'fault-title');
    title.append(el('strong', '', fault.preset ?? 'custom rule'));
    const remove = /** @type {HTMLButtonElement} */ (el('button', 'link', '✕'));
    remove.type = 'button';
    remove.setAttribute('aria-label', `Remove fault ${fault.id}`);
    remove.title = `Remove fault ${fault.id}`;
    remove.addEventListener('click', () => control('DELETE', `/faults/${encodeURIComponent(fault.id)}`, undefined, () => `Removed fault ${fault.id}.`));
    title.append(remove);
    const meta = el('div', 'fault-meta');
    meta.append(el('code', '', fault.id), document.createTextNode(` · applied ${fault.applied}× of ${fault.matched} matching`));
    item.append(title, el('div', 'fault-desc', fault.description), meta);
    return item;
  });
  ui.faults.replaceChildren(...items);
  ui.faultsEmpty.hidden = faults.length > 0;
}

/** @param {string} kid */
function showSigningKey(kid) {
  ui.signingKid.textContent = kid;
}

function resetView() {
  state.pendingRows = [];
  ui.rows.replaceChildren();
  ui.bars.replaceChildren();
  state.tokens.clear();
  state.clientRevocations = [];
  state.counts = { token: 0, api: 0, errors: 0, issued: 0 };
  ui.trafficEmpty.hidden = false;
  ui.timelineEmpty.hidden = false;
  showCounts();
}

/**
 * Takes entries into the state at once, and draws their rows at the next frame: a burst of
 * events costs one layout, not one per row, and a hidden tab draws nothing until it is shown.
 * @param {JournalEntry[]} entries
 * @param {boolean} live
 */
function addEntries(entries, live) {
  for (const entry of entries) {
    count(entry);
    if (entry.issued && entry.status < 400) addToken(entry.issued, entry.clientId);
    noteTokenUse(entry);
  }
  state.pendingRows.push(...entries);
  // Rows that would leave the table at once are never built.
  if (state.pendingRows.length > MAX_ROWS) state.pendingRows.splice(0, state.pendingRows.length - MAX_ROWS);
  state.flashRows = live;
  if (state.rowsPending) return;
  state.rowsPending = true;
  requestAnimationFrame(() => {
    state.rowsPending = false;
    const pending = state.pendingRows.splice(0);
    appendRows(pending.map(buildRow), state.flashRows && pending.length < 20);
    showCounts();
  });
}

// --- events -------------------------------------------------------------------------------

/**
 * @param {string} name
 * @param {(data: any) => void} handle
 * @param {EventSource} source
 */
function on(source, name, handle) {
  source.addEventListener(name, (event) => {
    try {
      handle(JSON.parse(/** @type {MessageEvent} */ (event).data));
    } catch (error) {
      console.error(`understudy dashboard: could not handle a ${name} event`, error);
    }
  });
}

function connect() {
  const source = new EventSource(`${BASE}/events`);
  const setConnection = (/** @type {string} */ text, /** @type {string} */ kind) => {
    ui.connection.textContent = text;
    ui.connection.className = `pill pill-${kind}`;
  };
  source.addEventListener('open', () => setConnection('live', 'live'));
  source.addEventListener('error', () => setConnection(source.readyState === EventSource.CLOSED ? 'disconnected' : 'reconnecting…', source.readyState === EventSource.CLOSED ? 'down' : 'wait'));
  on(source, 'snapshot', (/** @type {Snapshot} */ snapshot) => {
    // A snapshot starts every connection, reconnections included: draw from scratch.
    resetView();
    setClock(snapshot.clock);
    addEntries(snapshot.entries, false);
    for (const note of snapshot.revocations) applyRevocation(note);
    showFaults(snapshot.faults);
    showSigningKey(snapshot.signing);
    document.body.dataset.ready = 'true';
  });
  on(source, 'entry', (/** @type {JournalEntry} */ entry) => addEntries([entry], true));
  on(source, 'clock', (/** @type {ClockState} */ clock) => setClock(clock));
  on(source, 'faults', (/** @type {{ faults: FaultRuleView[] }} */ data) => showFaults(data.faults));
  on(source, 'keys', (/** @type {{ signing: string }} */ data) => showSigningKey(data.signing));
  on(source, 'revoked', (/** @type {RevocationNote} */ note) => applyRevocation(note));
  on(source, 'cleared', () => resetView());
}

// --- controls -----------------------------------------------------------------------------

/** @param {string} text @param {boolean} [error] */
function say(text, error = false) {
  ui.message.textContent = text;
  ui.message.classList.toggle('error', error);
}

/**
 * Calls the control API and reports the outcome; a refusal shows the problem's detail.
 * @param {string} method
 * @param {string} path
 * @param {unknown} body
 * @param {(result: any) => string} describe
 */
async function control(method, path, body, describe) {
  try {
    const response = await fetch(`${BASE}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const result = text ? JSON.parse(text) : undefined;
    if (!response.ok) {
      say(`${method} ${path} failed: ${result?.detail ?? response.status}`, true);
      return undefined;
    }
    say(describe(result));
    return result;
  } catch (error) {
    say(`${method} ${path} failed: ${error instanceof Error ? error.message : String(error)}`, true);
    return undefined;
  }
}

async function loadPresets() {
  try {
    const response = await fetch(`${BASE}/faults/presets`);
    const { presets } = /** @type {{ presets: { name: string, summary: string }[] }} */ (await response.json());
    ui.preset.replaceChildren(
      ...presets.map((preset) => {
        const option = /** @type {HTMLOptionElement} */ (el('option', '', preset.name));
        option.value = preset.name;
        option.title = preset.summary;
        option.dataset.summary = preset.summary;
        return option;
      }),
    );
    showPresetSummary();
  } catch (error) {
    say(`could not load the fault presets: ${error instanceof Error ? error.message : String(error)}`, true);
  }
}

function showPresetSummary() {
  ui.presetSummary.textContent = ui.preset.selectedOptions[0]?.dataset.summary ?? '';
}

function followScrolling() {
  const scroller = ui.timelineScroll;
  scroller.addEventListener('scroll', () => {
    state.followTimeline = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 30;
  }, { passive: true });
}

function wireControls() {
  ui.preset.addEventListener('change', showPresetSummary);
  ui.addFault.addEventListener('click', () => {
    const preset = ui.preset.value;
    if (!preset) return say('pick a fault preset first', true);
    void control('POST', '/faults', { preset }, (result) => `Added fault ${result.id}: ${result.rule.description}.`);
  });
  ui.clearFaults.addEventListener('click', () => void control('DELETE', '/faults', undefined, (result) => `Removed ${result.removed} fault${result.removed === 1 ? '' : 's'}.`));
  ui.advanceClock.addEventListener('click', async () => {
    const seconds = Number(ui.advanceSeconds.value);
    if (!Number.isFinite(seconds) || ui.advanceSeconds.value.trim() === '') return say('type a number of seconds to advance the clock by (negative moves it back)', true);
    const result = await control('POST', '/clock/advance', { seconds }, (clock) => `Clock moved ${seconds} s; virtual time is ${formatTime(clock.now)}.`);
    if (result) setClock(result);
  });
  ui.rotateKeys.addEventListener('click', async () => {
    const result = await control('POST', '/keys/rotate', {}, (keys) => `Signing with key ${keys.kid} now (was ${keys.previous}); the old key still verifies.`);
    if (result) showSigningKey(result.kid);
  });
}

wireControls();
followScrolling();
void loadPresets();
connect();
setInterval(tick, 1000);
