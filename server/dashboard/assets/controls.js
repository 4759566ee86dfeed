// @ts-check
/**
 * The controls panel: fault presets and the active fault rules, the clock, the signing keys,
 * and the message line that reports what each control API call did.
 */
import { BASE, byId, el, formatTime } from './shared.js';
import { setClock } from './timeline.js';

/**
 * @typedef {import('./shared.js').FaultRuleView} FaultRuleView
 * @typedef {import('./shared.js').KeysState} KeysState
 * @typedef {import('./shared.js').KeyView} KeyView
 */

const ui = {
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
  keys: byId('keys'),
  message: byId('message'),
};

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

/** @param {FaultRuleView[]} faults */
export function showFaults(faults) {
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

/** @param {KeyView} key @param {string} signing */
function keyStatus(key, signing) {
  if (key.kid === signing) return 'signs';
  if (key.removeAt !== undefined) return `verifies until ${formatTime(key.removeAt)}`;
  return 'verifies until removed';
}

/** The signing key and every key in the JWKS, so a grace period's end shows as its key leaving. @param {KeysState} state */
export function showKeys({ signing, keys }) {
  showSigningKey(signing);
  ui.keys.replaceChildren(
    ...keys.map((key) => {
      const item = el('li');
      item.dataset.kid = key.kid;
      item.append(el('code', '', key.kid), document.createTextNode(` · ${keyStatus(key, signing)}`));
      return item;
    }),
  );
}

export async function loadPresets() {
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

export function wireControls() {
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
    // The event stream brings the whole key list; the answer already names the new signer.
    if (result) showSigningKey(result.kid);
  });
}
