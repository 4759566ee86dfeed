// @ts-check
/**
 * The traffic table (one row per journal entry, newest at the bottom) and the counts in the
 * top bar.
 */
import { callerOf, describeStep, ENDPOINTS, endpointLabel } from './sequence.js';
import { byId, el, formatTime, jtiChip } from './shared.js';

/** @typedef {import('./shared.js').JournalEntry} JournalEntry */

/** Rows kept in the table; older ones leave the DOM (the journal keeps them). */
const MAX_ROWS = 500;

const ui = {
  rows: /** @type {HTMLTableSectionElement} */ (byId('rows')),
  scroll: byId('traffic-scroll'),
  empty: byId('traffic-empty'),
  stats: { token: byId('stat-token'), api: byId('stat-api'), errors: byId('stat-errors'), issued: byId('stat-issued') },
};

const state = {
  counts: { token: 0, api: 0, errors: 0, issued: 0 },
  /** @type {JournalEntry[]} entries whose rows are drawn at the next frame */
  pendingRows: [],
  rowsPending: false,
  flashRows: false,
};

/** @param {number} status */
function statusClass(status) {
  if (status === 0 || status >= 500) return 's-bad';
  if (status >= 400) return 's-warn';
  return 's-ok';
}

/** @param {JournalEntry} entry */
function requestLabel(entry) {
  if (entry.endpoint === 'api') return entry.route ?? entry.path;
  if (entry.endpoint === 'other') return entry.path;
  return endpointLabel(entry.endpoint);
}

/** The lanes' arrow: from the browser or the client, to the authorization server, the API or nowhere. @param {JournalEntry} entry */
function arrowOf(entry) {
  const face = ENDPOINTS[entry.endpoint]?.face ?? 'none';
  const from = callerOf(entry.endpoint);
  const to = { auth: 'authorization server', api: 'API', none: 'nowhere' }[face];
  return { className: `from-${from} to-${face}`, label: `${from === 'browser' ? 'browser' : (entry.clientId ?? 'client')} to ${to}` };
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
  const arrow = arrowOf(entry);
  laneLines.append(el('span', `arrow ${arrow.className} ${statusClass(entry.status)}`));
  lanes.append(laneLines);
  lanes.setAttribute('aria-label', arrow.label);
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
  // A step of a sign-in says which (login failed, code redeemed...), coloured by the decision.
  const step = describeStep(entry);
  if (step) {
    const chip = el('span', `step-chip tone-${step.tone}`, step.also ? `${step.label} + ${step.also}` : step.label);
    chip.dataset.step = step.kind;
    detail.append(chip);
  }
  if (entry.error) detail.append(el('span', 'error-code', entry.error));
  detail.append(el('span', 'reason', entry.reason));
  row.append(detail);
  return row;
}

/** @param {HTMLTableRowElement[]} rows @param {boolean} flash */
function appendRows(rows, flash) {
  if (rows.length === 0) return;
  const scroller = ui.scroll;
  const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 40;
  const fragment = document.createDocumentFragment();
  for (const row of rows.slice(-MAX_ROWS)) {
    if (flash) row.classList.add('row-new');
    fragment.append(row);
  }
  ui.rows.append(fragment);
  while (ui.rows.rows.length > MAX_ROWS) ui.rows.deleteRow(0);
  ui.empty.hidden = true;
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

/**
 * Counts entries at once, and draws their rows at the next frame: a burst of events costs one
 * layout, not one per row, and a hidden tab draws nothing until it is shown.
 * @param {JournalEntry[]} entries
 * @param {boolean} live new traffic (flashed), not a snapshot's history
 */
export function addRows(entries, live) {
  for (const entry of entries) count(entry);
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

/** Empties the table and the counts (a new snapshot, a cleared journal). */
export function resetTable() {
  state.pendingRows = [];
  ui.rows.replaceChildren();
  state.counts = { token: 0, api: 0, errors: 0, issued: 0 };
  ui.empty.hidden = false;
  showCounts();
}
