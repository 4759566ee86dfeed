// @ts-check
/**
 * The sign-ins view of the traffic panel: the three-legged flow as a sequence, one block per
 * sign-in (client · user, oldest first) and one row per step, drawn on three lanes (Browser,
 * understudy, Client) with an arrow from whoever sent the request, a dashed arrow on to the
 * client when the answer sent the browser there (a code, an error), the step's name coloured by
 * the server's decision, and its reason. sequence.js works out the steps and their sign-ins (one
 * per authorization grant of the journal).
 */
import { SignIns } from './sequence.js';
import { byId, el, formatTime } from './shared.js';

/**
 * @typedef {import('./shared.js').JournalEntry} JournalEntry
 * @typedef {import('./sequence.js').SignIn} SignIn
 * @typedef {import('./sequence.js').Step} Step
 * @typedef {{ item: HTMLLIElement, toggle: HTMLButtonElement, who: HTMLElement, when: HTMLElement, outcome: HTMLElement, count: HTMLElement, steps: HTMLOListElement, drawn: number, dropped: HTMLElement }} SignInView
 */

const ui = {
  list: /** @type {HTMLOListElement} */ (byId('signins')),
  scroll: byId('signins-scroll'),
  empty: byId('signins-empty'),
  count: byId('signin-count'),
};

const state = {
  model: new SignIns(),
  /** @type {Map<number, SignInView>} */
  views: new Map(),
  /** @type {Set<SignIn>} sign-ins to redraw at the next frame */
  dirty: new Set(),
  /** @type {Set<number>} ids of sign-ins dropped since the last frame */
  removed: new Set(),
  framePending: false,
  flash: false,
};

/** @param {SignIn} signIn */
function whoOf(signIn) {
  const user = signIn.user ?? (signIn.attemptedUser ? `not signed in (tried ${signIn.attemptedUser})` : 'not signed in');
  return `${signIn.clientId ?? 'unknown client'} · ${user}`;
}

/** @param {Step} step */
function lanesOf(step) {
  const lanes = el('span', 'seq-lanes');
  lanes.setAttribute('role', 'img');
  const from = step.from === 'browser' ? 'Browser' : 'Client';
  lanes.setAttribute('aria-label', `${from} to understudy${step.toClient ? ', then on to the client' : ''}`);
  lanes.append(el('span', `seq-arrow ${step.from === 'browser' ? 'from-browser' : 'from-client'}`));
  if (step.toClient) lanes.append(el('span', 'seq-arrow to-client'));
  return lanes;
}

/** @param {Step} step */
function buildStep(step) {
  const item = /** @type {HTMLLIElement} */ (el('li', `step tone-${step.tone}`));
  item.dataset.seq = String(step.seq);
  item.dataset.step = step.kind;
  item.dataset.decision = step.decision;
  item.title = `#${step.seq} ${step.method} ${step.path} → ${step.status}\n${step.reason}`;
  const label = el('span', 's-label');
  label.append(el('span', 's-name', step.label));
  if (step.also) label.append(el('span', 's-also', `+ ${step.also}`));
  const request = el('span', 's-request');
  request.append(el('span', 'request-method', step.method), document.createTextNode(step.endpoint));
  const detail = el('span', 's-detail');
  if (step.error) detail.append(el('span', 'error-code', step.error));
  for (const fault of step.faults) detail.append(el('span', 'chip', fault));
  detail.append(el('span', 'reason', step.reason));
  item.append(el('span', 's-time', formatTime(step.time)), lanesOf(step), request, label, el('span', `s-status status ${step.tone === 'bad' ? 's-bad' : 's-ok'}`, step.status === 0 ? '—' : String(step.status)), detail);
  return item;
}

/** @param {SignIn} signIn @returns {SignInView} */
function buildSignIn(signIn) {
  const item = /** @type {HTMLLIElement} */ (el('li', 'signin'));
  item.dataset.signin = String(signIn.id);
  const stepsId = `signin-${signIn.id}-steps`;
  const head = el('h3', 'signin-head');
  const toggle = /** @type {HTMLButtonElement} */ (el('button', 'signin-toggle'));
  toggle.type = 'button';
  toggle.setAttribute('aria-expanded', 'true');
  toggle.setAttribute('aria-controls', stepsId);
  const who = el('span', 'signin-who');
  const when = el('span', 'signin-when');
  const outcome = el('span', 'outcome');
  const count = el('span', 'signin-count');
  toggle.append(el('span', 'caret'), who, outcome, when, count);
  head.append(toggle);
  const dropped = el('p', 'signin-dropped');
  dropped.hidden = true;
  const steps = /** @type {HTMLOListElement} */ (el('ol', 'steps'));
  steps.id = stepsId;
  toggle.addEventListener('click', () => {
    const expanded = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(expanded));
    steps.hidden = !expanded;
    dropped.hidden = !expanded || signIn.dropped === 0;
  });
  item.append(head, dropped, steps);
  return { item, toggle, who, when, outcome, count, steps, drawn: 0, dropped };
}

/** @param {SignIn} signIn @param {SignInView} view @param {boolean} flash */
function drawSignIn(signIn, view, flash) {
  // The journal's grant id of the sign-in, when the journal has one (one sign-in, one grant).
  if (signIn.grant) view.item.dataset.grant = signIn.grant;
  view.item.dataset.client = signIn.clientId ?? '';
  view.item.dataset.user = signIn.user ?? '';
  view.item.dataset.outcome = signIn.outcome.key;
  view.who.textContent = whoOf(signIn);
  const first = signIn.steps[0];
  view.when.textContent = first ? `${signIn.startedHere ? 'started' : 'seen from'} ${formatTime(first.time)}` : '';
  view.outcome.textContent = signIn.outcome.label;
  view.outcome.className = `outcome tone-${signIn.outcome.tone}`;
  const total = signIn.steps.length + signIn.dropped;
  view.count.textContent = `${total} step${total === 1 ? '' : 's'}`;
  // Steps only ever join at the end; the oldest leave at the front past the model's bound.
  const shownSeqs = signIn.steps.map((step) => step.seq);
  while (view.steps.firstElementChild && !shownSeqs.includes(Number(/** @type {HTMLElement} */ (view.steps.firstElementChild).dataset.seq))) view.steps.firstElementChild.remove();
  const drawnSeqs = new Set([...view.steps.children].map((child) => Number(/** @type {HTMLElement} */ (child).dataset.seq)));
  const fragment = document.createDocumentFragment();
  for (const step of signIn.steps) {
    if (drawnSeqs.has(step.seq)) continue;
    const row = buildStep(step);
    if (flash) row.classList.add('row-new');
    fragment.append(row);
  }
  view.steps.append(fragment);
  view.dropped.textContent = `${signIn.dropped} earlier step${signIn.dropped === 1 ? '' : 's'} not shown`;
  view.dropped.hidden = signIn.dropped === 0 || view.steps.hidden;
}

function draw() {
  const atBottom = ui.scroll.scrollHeight - ui.scroll.scrollTop - ui.scroll.clientHeight < 40;
  for (const id of state.removed) {
    state.views.get(id)?.item.remove();
    state.views.delete(id);
  }
  state.removed.clear();
  // Rows drawn while the view is hidden would all flash when it is shown: only live, visible ones do.
  const flash = state.flash && !ui.scroll.hidden;
  for (const signIn of state.model.list()) {
    if (!state.dirty.has(signIn)) continue;
    let view = state.views.get(signIn.id);
    if (!view) {
      view = buildSignIn(signIn);
      state.views.set(signIn.id, view);
      // Sign-ins start in journal order: a new one goes last.
      ui.list.append(view.item);
    }
    drawSignIn(signIn, view, flash);
  }
  state.dirty.clear();
  const count = state.model.list().length;
  ui.count.textContent = String(count);
  ui.empty.hidden = count > 0;
  if (atBottom && !ui.scroll.hidden) ui.scroll.scrollTop = ui.scroll.scrollHeight;
}

/**
 * Files the entries that are steps of a sign-in, and draws them at the next frame.
 * @param {JournalEntry[]} entries
 * @param {boolean} live new traffic (flashed), not a snapshot's history
 */
export function addSignInSteps(entries, live) {
  for (const entry of entries) {
    const placed = state.model.add(entry);
    if (!placed) continue;
    state.dirty.add(placed.signIn);
    for (const gone of placed.removed) {
      state.dirty.delete(gone);
      state.removed.add(gone.id);
    }
  }
  state.flash = live && entries.length < 20;
  if (state.framePending || (state.dirty.size === 0 && state.removed.size === 0)) return;
  state.framePending = true;
  requestAnimationFrame(() => {
    state.framePending = false;
    draw();
  });
}

/** Empties the view (a new snapshot, a cleared journal). */
export function resetSignIns() {
  state.model.clear();
  state.dirty.clear();
  state.removed.clear();
  state.views.clear();
  ui.list.replaceChildren();
  ui.count.textContent = '0';
  ui.empty.hidden = false;
}
