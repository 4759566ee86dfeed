// @ts-check
/**
 * The understudy dashboard: draws the server's traffic live from the server-sent events of
 * /_understudy/events and drives the control API. Plain DOM and ES modules, no framework, no
 * build step, under a CSP that allows only this origin's files as script. One module per view:
 * stream.js (the connection), table.js (traffic), signins.js (the sign-ins, worked out by
 * sequence.js), tabs.js (the traffic panel's two views), timeline.js (tokens and the virtual
 * clock; refresh tokens' lives worked out by refresh-spans.js), controls.js (faults, clock,
 * keys); shared.js has what they share.
 */
import { loadPresets, wireControls } from './controls.js';
import { connect } from './stream.js';
import { wireTabs } from './tabs.js';
import { startTimeline } from './timeline.js';

wireTabs();
wireControls();
startTimeline();
void loadPresets();
connect();
