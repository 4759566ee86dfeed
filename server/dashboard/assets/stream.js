// @ts-check
/**
 * The connection to /_understudy/events: its status pill, and each server-sent event handed to
 * the view that draws it. Every connection (reconnections included) starts with a snapshot.
 */
import { showFaults, showKeys } from './controls.js';
import { BASE, byId } from './shared.js';
import { addSignInSteps, resetSignIns } from './signins.js';
import { addRows, resetTable } from './table.js';
import { applyRevocation, noteEntries, resetTimeline, setClock } from './timeline.js';

/**
 * @typedef {import('./shared.js').ClockState} ClockState
 * @typedef {import('./shared.js').FaultRuleView} FaultRuleView
 * @typedef {import('./shared.js').JournalEntry} JournalEntry
 * @typedef {import('./shared.js').KeysState} KeysState
 * @typedef {import('./shared.js').RevocationNote} RevocationNote
 * @typedef {import('./shared.js').Snapshot} Snapshot
 */

const connection = byId('connection');

/** @param {string} text @param {string} kind */
function setConnection(text, kind) {
  connection.textContent = text;
  connection.className = `pill pill-${kind}`;
}

/**
 * One bad event is logged and skipped: the page keeps drawing the ones after it.
 * @param {EventSource} source
 * @param {string} name
 * @param {(data: any) => void} handle
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

/** @param {JournalEntry[]} entries @param {boolean} live */
function addEntries(entries, live) {
  addRows(entries, live);
  noteEntries(entries);
  addSignInSteps(entries, live);
}

function resetView() {
  resetTable();
  resetTimeline();
  resetSignIns();
}

export function connect() {
  const source = new EventSource(`${BASE}/events`);
  source.addEventListener('open', () => setConnection('live', 'live'));
  source.addEventListener('error', () => setConnection(source.readyState === EventSource.CLOSED ? 'disconnected' : 'reconnecting…', source.readyState === EventSource.CLOSED ? 'down' : 'wait'));
  on(source, 'snapshot', (/** @type {Snapshot} */ snapshot) => {
    resetView();
    setClock(snapshot.clock);
    addEntries(snapshot.entries, false);
    for (const note of snapshot.revocations) applyRevocation(note);
    showFaults(snapshot.faults);
    showKeys({ signing: snapshot.signing, keys: snapshot.keys });
    document.body.dataset.ready = 'true';
  });
  on(source, 'entry', (/** @type {JournalEntry} */ entry) => addEntries([entry], true));
  on(source, 'clock', (/** @type {ClockState} */ clock) => setClock(clock));
  on(source, 'faults', (/** @type {{ faults: FaultRuleView[] }} */ data) => showFaults(data.faults));
  on(source, 'keys', (/** @type {KeysState} */ keys) => showKeys(keys));
  on(source, 'revoked', (/** @type {RevocationNote} */ note) => applyRevocation(note));
  on(source, 'cleared', () => resetView());
}
