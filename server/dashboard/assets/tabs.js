// @ts-check
/**
 * The traffic panel's two views, requests and sign-ins, as WAI-ARIA tabs: a click, or the
 * arrow keys, Home and End on the focused tab, shows its panel. A panel scrolled to its end
 * when hidden is at its end again when shown, so it goes on following new traffic.
 */
import { byId } from './shared.js';

/** @typedef {{ tab: HTMLButtonElement, panel: HTMLElement, hint: HTMLElement, following: boolean }} Tab */

export function wireTabs() {
  /** @type {Tab[]} */
  const tabs = [
    { tab: /** @type {HTMLButtonElement} */ (byId('tab-requests')), panel: byId('traffic-scroll'), hint: byId('requests-hint'), following: true },
    { tab: /** @type {HTMLButtonElement} */ (byId('tab-signins')), panel: byId('signins-scroll'), hint: byId('signins-hint'), following: true },
  ];

  /** @param {Tab} chosen @param {boolean} focus */
  const select = (chosen, focus) => {
    for (const entry of tabs) {
      const selected = entry === chosen;
      if (!selected && !entry.panel.hidden) entry.following = entry.panel.scrollHeight - entry.panel.scrollTop - entry.panel.clientHeight < 40;
      entry.tab.setAttribute('aria-selected', String(selected));
      entry.tab.tabIndex = selected ? 0 : -1;
      entry.panel.hidden = !selected;
      entry.hint.hidden = !selected;
    }
    if (chosen.following) chosen.panel.scrollTop = chosen.panel.scrollHeight;
    if (focus) chosen.tab.focus();
  };

  tabs.forEach((entry, index) => {
    entry.tab.addEventListener('click', () => select(entry, false));
    entry.tab.addEventListener('keydown', (event) => {
      const last = tabs.length - 1;
      const next = { ArrowRight: index === last ? 0 : index + 1, ArrowLeft: index === 0 ? last : index - 1, Home: 0, End: last }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      select(/** @type {Tab} */ (tabs[next]), true);
    });
  });
}
