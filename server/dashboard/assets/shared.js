// @ts-check
/**
 * What the dashboard's views share: the shapes of the server's events, element helpers, time
 * formats and the colour a token keeps in every view (its row in the table, its bar).
 */

/**
 * @typedef {{ jti: string, clientId?: string, iat?: number, exp?: number, kid?: string }} TokenSummary
 * @typedef {{ rule: string, preset?: string, action: string, effect: string }} FaultNote
 * @typedef {{
 *   seq: number, time: number, endpoint: string, method: string, path: string, status: number,
 *   endTime?: number, clientId?: string, user?: string, interaction?: string, grant?: string, grantType?: string, error?: string,
 *   issued?: TokenSummary, presented?: TokenSummary, credentials?: CredentialFacts, route?: string,
 *   decision: string, reason: string, faults?: FaultNote[], transport?: string,
 *   violation?: { kind: string, rule: string, earlyBySeconds: number }
 * }} JournalEntry
 * @typedef {{
 *   code?: string, refreshToken?: string, issuedRefreshToken?: { fingerprint: string, exp: number },
 *   assertion?: { fingerprint: string, jti?: string, iat?: number, exp?: number }
 * }} CredentialFacts fingerprints of what a token request presented and was issued, never the values
 * @typedef {{ now: number, offset: number, frozen: boolean }} ClockState
 * @typedef {{ id: string, preset?: string, description: string, applied: number, matched: number, match: Record<string, unknown> }} FaultRuleView
 * @typedef {{ time: number, jti?: string, clientId?: string }} RevocationNote
 * @typedef {{ kid: string, retiredAt?: number, removeAt?: number }} KeyView
 * @typedef {{ signing: string, keys: KeyView[] }} KeysState
 * @typedef {{
 *   entries: JournalEntry[], omitted: number, clock: ClockState, faults: FaultRuleView[],
 *   signing: string, keys: KeyView[], revocations: RevocationNote[]
 * }} Snapshot
 */

/** Where the control API, the event stream and these files are served. */
export const BASE = '/_understudy';

/** @param {string} id */
export function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element;
}

/**
 * @param {string} tag
 * @param {string} [className]
 * @param {string} [text]
 */
export function el(tag, className, text) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

export const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
export const dateTimeFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** @param {number} seconds epoch seconds */
export function formatTime(seconds) {
  return timeFormat.format(new Date(seconds * 1000));
}

/** @param {number} seconds */
export function formatDuration(seconds) {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${(seconds / 3600).toFixed(1).replace(/\.0$/, '')} h`;
  return `${Math.round(seconds / 86400)} d`;
}

/** Token colours: blues and greens, away from the reds and ambers that mean trouble. */
const TOKEN_HUES = [205, 170, 140, 230, 190, 110, 250];

/** A stable colour per token, so a row's token and its bar match. @param {string} jti */
export function hueOf(jti) {
  let hash = 0;
  for (let i = 0; i < jti.length; i += 1) hash = (hash * 31 + jti.charCodeAt(i)) >>> 0;
  return String(TOKEN_HUES[hash % TOKEN_HUES.length]);
}

/** @param {string} jti */
export function shortJti(jti) {
  return jti.length > 8 ? jti.slice(0, 8) : jti;
}

/** @param {string} jti @param {boolean} issued */
export function jtiChip(jti, issued) {
  const chip = el('span', `jti${issued ? ' issued' : ''}`, `${issued ? '+' : ''}${shortJti(jti)}`);
  chip.style.setProperty('--hue', hueOf(jti));
  chip.title = `${issued ? 'issued' : 'presented'} token ${jti}`;
  return chip;
}
