/**
 * The dashboard in a real browser (headless Chromium through playwright-core): traffic shows up
 * as rows and token bars, the controls change what the server answers, and the page shows it;
 * a person's sign-in (authorization code flow) shows as a sequence of steps in the sign-ins view.
 * Skipped only where /usr/bin/chromium is missing; CI installs it.
 */
import { existsSync } from 'node:fs';
import * as client from 'openid-client';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDED_CONFIG, type UnderstudyConfig } from '../../server/index.ts';
import { HttpPerson } from '../support/http-person.ts';
import { failedThenFullSignIn, openidAuthorization } from '../support/openid-sign-in.ts';
import { startServer, type UnderstudyServer } from '../support/start-server.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`skipping the dashboard browser tests: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

const EMPS = '/hcmRestApi/resources/11.13.18.05/emps';
const REDIRECT = 'http://127.0.0.1:7999/callback';
const SIGNED_OUT = 'http://127.0.0.1:7999/signed-out';
/** The page draws from a live stream; a loaded two-core machine can take seconds to get there. */
const POLL = { timeout: 10_000 };

// Never concurrent (vitest 5 spells `describe.sequential` as `concurrent: false`), one page and one
// server for the whole file: each test goes on from the state the previous ones left (row
// numbers, tokens already issued and expired, a rotated key), as someone watching the dashboard
// would, and starting Chromium per test would cost seconds each.
describe.skipIf(!hasChromium)('dashboard in Chromium', { concurrent: false }, () => {
  let browser: Browser;
  let server: UnderstudyServer;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    // The embedded demo client, and a web app and a person for the sign-in tests.
    const config: UnderstudyConfig = {
      users: [{ username: 'ada', password: 'lovelace', email: 'ada@example.test' }],
      clients: [
        ...(EMBEDDED_CONFIG.clients ?? []).filter((c) => c.id === 'demo-client'),
        { id: 'web-app', secret: 'web-secret', grants: ['authorization_code', 'refresh_token'], redirectUris: [REDIRECT], postLogoutRedirectUris: [SIGNED_OUT] },
      ],
    };
    [browser, server] = await Promise.all([chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] }), startServer({ config })]);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // A CSP violation or a script error shows up here.
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${server.urls.controlUrl}/`);
    await page.locator('body[data-ready="true"]').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function requestToken(): Promise<{ status: number; body: { access_token?: string; error?: string } }> {
    const response = await fetch(server.urls.tokenUrl, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('demo-client:demo-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    return { status: response.status, body: (await response.json()) as { access_token?: string } };
  }

  async function callApi(token?: string): Promise<number> {
    const response = await fetch(`${server.url}${EMPS}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    await response.arrayBuffer();
    return response.status;
  }

  const rows = () => page.locator('#rows tr');
  const row = (seq: number) => page.locator(`#rows tr[data-seq="${seq}"]`);
  // Typed by hand: the tsconfig has no DOM lib.
  const nowX = () => page.locator('#now-line').evaluate((element: { style: { getPropertyValue(name: string): string } }) => Number(element.style.getPropertyValue('--x')));

  it('shows the connection as live and fills the preset list from the control API', async () => {
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'live' }).count(), POLL).toBe(1);
    const options = await page.getByLabel('Fault preset').locator('option').allTextContents();
    expect(options).toContain('token.temporarily_unavailable');
    expect(options.length).toBeGreaterThan(10);
  });

  it('draws a row per request and a bar per issued token, as they happen', async () => {
    const { status, body } = await requestToken();
    expect(status).toBe(200);
    expect(await callApi(body.access_token)).toBe(200);
    expect(await callApi()).toBe(401);

    await expect.poll(() => rows().count(), POLL).toBe(3);
    await expect.poll(() => row(1).getAttribute('data-endpoint'), POLL).toBe('token');
    expect(await row(1).locator('.status').textContent()).toBe('200');
    expect(await row(1).locator('.c-client').textContent()).toBe('demo-client');
    expect(await row(2).locator('.c-request').textContent()).toBe('GEThcm-employees');
    expect(await row(3).locator('.status').textContent()).toBe('401');

    const jti = server.journal.entries()[0]?.issued?.jti as string;
    expect(await row(1).locator('.jti').textContent()).toBe(`+${jti.slice(0, 8)}`);
    const bar = page.locator(`.bar-row[data-jti="${jti}"]`);
    await expect.poll(() => bar.getAttribute('data-state'), POLL).toBe('valid');
    // The API call that presented it is a green dot on its bar.
    await expect.poll(() => bar.locator('.use.ok').count(), POLL).toBe(1);
    expect(await page.locator('#stat-token').textContent()).toBe('1');
    expect(await page.locator('#stat-api').textContent()).toBe('2');
  });

  it('adds a fault preset from the select: the next token request fails and its row names the fault', async () => {
    await page.getByLabel('Fault preset').selectOption('token.temporarily_unavailable');
    await page.getByRole('button', { name: 'Add fault' }).click();
    const active = page.getByRole('list', { name: 'Active faults' }).getByRole('listitem');
    await expect.poll(() => active.count(), POLL).toBe(1);
    expect(await active.first().textContent()).toContain('token.temporarily_unavailable');

    const { status, body } = await requestToken();
    expect(status).toBe(503);
    expect(body.error).toBe('temporarily_unavailable');
    const faulted = page.locator('#rows tr[data-status="503"]');
    await expect.poll(() => faulted.count(), POLL).toBe(1);
    expect(await faulted.locator('.chip').textContent()).toBe('token.temporarily_unavailable');
    expect(await faulted.getAttribute('class')).toContain('row-fault');
    // The rule's counter on the list follows.
    await expect.poll(() => active.first().textContent(), POLL).toContain('applied 1×');

    await page.getByRole('button', { name: 'Clear faults' }).click();
    await expect.poll(() => active.count(), POLL).toBe(0);
    expect((await requestToken()).status).toBe(200);
  });

  it('advancing the clock moves the now marker and marks the tokens expired', async () => {
    const before = await nowX();
    const valid = page.locator('.bar-row[data-state="valid"]');
    expect(await valid.count()).toBeGreaterThan(0);
    await page.getByLabel('Advance by (seconds)').fill('3601');
    await page.getByRole('button', { name: 'Advance clock' }).click();
    await expect.poll(() => page.locator('.bar-row[data-state="expired"]').count(), POLL).toBe(2);
    expect(await valid.count()).toBe(0);
    expect(await nowX()).toBeGreaterThan(before);
    expect(await page.locator('#clock-offset').textContent()).toContain('+1 h');
    expect(await page.locator('.bar-tag.tag-expired').count()).toBe(2);
  });

  it('marks a token revoked in process on its bar, and rotates the signing key from the button', async () => {
    const { body } = await requestToken();
    const jti = server.journal.entries().findLast((e) => e.issued)?.issued?.jti as string;
    const bar = page.locator(`.bar-row[data-jti="${jti}"]`);
    await expect.poll(() => bar.getAttribute('data-state'), POLL).toBe('valid');
    // In process, as a harness step does: the page hears of it without a control call.
    server.revoke({ jti });
    await expect.poll(() => bar.getAttribute('data-state'), POLL).toBe('revoked');
    expect(await callApi(body.access_token)).toBe(401);
    await expect.poll(() => bar.locator('.use.bad').count(), POLL).toBe(1);

    const previous = server.keys.current.kid;
    await page.getByRole('button', { name: 'Rotate keys' }).click();
    await expect.poll(() => page.locator('#signing-kid').textContent(), POLL).not.toBe(previous);
    expect(await page.locator('#signing-kid').textContent()).toBe(server.keys.current.kid);
  });

  it('lists the keys in the JWKS, and the old key leaves the list when its grace period ends', async () => {
    const response = await fetch(`${server.urls.controlUrl}/keys/rotate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grace: 60 }) });
    const rotated = (await response.json()) as { kid: string; previous: string };
    const keys = page.getByRole('list', { name: 'In the JWKS' }).getByRole('listitem');
    // Typed by hand: the tsconfig has no DOM lib.
    const listed = () => keys.evaluateAll((items: { dataset: Record<string, string> }[]) => items.map((item) => item.dataset.kid));
    const inJwks = () => server.keys.jwks().keys.map((key) => key.kid);
    await expect.poll(listed, POLL).toEqual(inJwks());
    expect(await listed()).toContain(rotated.previous);
    expect(await page.locator(`#keys li[data-kid="${rotated.previous}"]`).textContent()).toContain('verifies until');
    expect(await page.locator('#signing-kid').textContent()).toBe(rotated.kid);

    await page.getByLabel('Advance by (seconds)').fill('61');
    await page.getByRole('button', { name: 'Advance clock' }).click();
    await expect.poll(listed, POLL).not.toContain(rotated.previous);
    expect(await listed()).toEqual(inJwks());
    expect(await listed()).toContain(rotated.kid);

    // In process, as a harness step moves the clock: no control call makes the page re-read.
    const previous = server.keys.current.kid;
    await server.keys.rotate({ grace: 30 });
    await expect.poll(listed, POLL).toContain(previous);
    server.clock.advance(31);
    await expect.poll(listed, POLL).not.toContain(previous);
  });

  it('appends rows without redrawing the old ones, and keeps at most 500 in the page', async () => {
    const first = row(1);
    await first.evaluate((element: { dataset: Record<string, string> }) => (element.dataset.marker = 'kept'));
    const before = server.journal.recorded;
    for (let i = 0; i < 20; i += 1) await (await fetch(server.urls.discoveryUrl)).arrayBuffer();
    await expect.poll(() => rows().count(), POLL).toBe(before + 20);
    // The same element: the table was appended to, not rebuilt.
    expect(await first.getAttribute('data-marker')).toBe('kept');

    // Recorded in-process: the page's cap is under test, not the server's throughput.
    for (let i = 0; i < 500; i += 1) {
      server.journal.record({ time: server.clock.nowMs() / 1000, realTime: new Date().toISOString(), endpoint: 'jwks', method: 'GET', path: '/jwks', status: 200, durationMs: 0, endTime: server.clock.nowMs() / 1000, requestHeaders: [], decision: 'served', reason: `burst ${i}` });
    }
    const last = server.journal.recorded;
    await expect.poll(() => rows().last().getAttribute('data-seq'), POLL).toBe(String(last));
    expect(await rows().count()).toBe(500);
    expect(await rows().first().getAttribute('data-seq')).toBe(String(last - 499));
  });

  /** A failed sign-in (wrong password), then a full one: code, token, userinfo, refresh, logout. */
  async function signInTwice(): Promise<void> {
    const logout = await failedThenFullSignIn(server.url, { redirect: REDIRECT, signedOut: SIGNED_OUT });
    expect(logout.status).toBe(302);
  }

  const FULL_FLOW = ['login_required', 'login_shown', 'login_succeeded', 'consent_shown', 'consent_given', 'code_redeemed', 'userinfo', 'refresh', 'signed_out'];
  const signIns = () => page.locator('#signins > li.signin');
  // Typed by hand: the tsconfig has no DOM lib.
  type StepElement = { dataset: Record<string, string>; className: string; querySelector(selector: string): { textContent: string | null } | null };
  const stepsOf = (signIn: ReturnType<Page['locator']>) =>
    signIn.locator('.step').evaluateAll((items: StepElement[]) =>
      items.map((item) => ({
        seq: Number(item.dataset.seq),
        step: item.dataset.step,
        decision: item.dataset.decision,
        tone: /tone-(\w+)/.exec(item.className)?.[1],
        label: item.querySelector('.s-label')?.textContent,
        reason: item.querySelector('.reason')?.textContent,
      })),
    );

  it('shows a sign-in as a sequence: a failed login as rejected, then every step of the full flow in order, with its reason', async () => {
    const before = server.journal.recorded;
    await signInTwice();
    const journal = server.journal.entries().filter((e) => e.seq > before);
    const reasonOf = new Map(journal.map((e) => [e.seq, e.reason]));

    // In the requests view, the rows name their step; the failed login's is rejected.
    const failedRow = page.locator('#rows tr').filter({ has: page.locator('.step-chip[data-step="login_failed"]') });
    await expect.poll(() => failedRow.count(), POLL).toBe(1);
    expect(await failedRow.locator('.step-chip').getAttribute('class')).toContain('tone-bad');
    expect(await failedRow.locator('.reason').textContent()).toBe('wrong password for ada');

    // The tabs work from the keyboard: ArrowRight from the requests tab shows the sign-ins.
    const signInsTab = page.getByRole('tab', { name: 'Sign-ins' });
    await expect.poll(() => signInsTab.textContent(), POLL).toContain('2');
    await page.getByRole('tab', { name: 'Requests' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await signInsTab.getAttribute('aria-selected')).toBe('true');
    expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id)).toBe('tab-signins');
    await page.locator('#signins-scroll').waitFor({ state: 'visible' });
    expect(await page.locator('#traffic-scroll').isVisible()).toBe(false);

    await expect.poll(() => signIns().count(), POLL).toBe(2);
    const [failed, signedIn] = [signIns().nth(0), signIns().nth(1)];
    expect(await failed.getAttribute('data-outcome')).toBe('login_failed');
    expect(await failed.locator('.signin-who').textContent()).toBe('web-app · not signed in (tried ada)');
    expect(await failed.locator('.outcome').getAttribute('class')).toContain('tone-bad');
    const failedSteps = await stepsOf(failed);
    expect(failedSteps.map((s) => s.step)).toEqual(['login_required', 'login_shown', 'login_failed']);
    expect(failedSteps.at(-1)).toMatchObject({ decision: 'rejected', tone: 'bad', label: 'login failed', reason: 'wrong password for ada' });

    await expect.poll(async () => (await stepsOf(signedIn)).map((s) => s.step), POLL).toEqual(FULL_FLOW);
    expect(await signedIn.getAttribute('data-user')).toBe('ada');
    expect(await signedIn.getAttribute('data-outcome')).toBe('signed_out');
    const shown = await stepsOf(signedIn);
    // In journal order, each with the server's own reason.
    expect(shown.map((s) => s.seq)).toEqual([...shown.map((s) => s.seq)].sort((a, b) => a - b));
    for (const step of shown) expect(step.reason).toBe(reasonOf.get(step.seq));
    expect(shown.map((s) => s.label)).toEqual(['login required', 'login page', 'login succeeded', 'consent page', 'consent given+ code issued', 'code redeemed', 'userinfo', 'refresh', 'signed out']);
    expect(shown.map((s) => s.tone)).toEqual(['info', 'info', 'ok', 'info', 'ok', 'ok', 'ok', 'ok', 'ok']);
    // Browser steps come from the browser lane; the code goes on to the client; token calls come from the client.
    const lanes = (step: string) => signedIn.locator(`.step[data-step="${step}"] [role="img"]`);
    expect(await lanes('login_shown').getAttribute('aria-label')).toBe('Browser to understudy');
    expect(await lanes('consent_given').getAttribute('aria-label')).toBe('Browser to understudy, then on to the client');
    expect(await lanes('code_redeemed').getAttribute('aria-label')).toBe('Client to understudy');
    expect(await signedIn.locator('.step[data-step="consent_given"] .seq-arrow.to-client').count()).toBe(1);
  });

  it('folds a sign-in from the keyboard, and draws the sign-ins again from the snapshot after a reload', async () => {
    const toggle = signIns().nth(1).getByRole('button');
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await toggle.focus();
    await page.keyboard.press('Enter');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await signIns().nth(1).locator('.steps').isVisible()).toBe(false);
    await page.keyboard.press('Space');
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');

    await page.reload();
    await page.locator('body[data-ready="true"]').waitFor();
    // The page opens on the requests; the sign-ins are drawn from the snapshot all the same.
    expect(await page.getByRole('tab', { name: 'Requests' }).getAttribute('aria-selected')).toBe('true');
    await page.getByRole('tab', { name: 'Sign-ins' }).click();
    await expect.poll(() => signIns().count(), POLL).toBe(2);
    expect(await signIns().nth(0).getAttribute('data-outcome')).toBe('login_failed');
    expect((await stepsOf(signIns().nth(1))).map((s) => s.step)).toEqual(FULL_FLOW);
  });

  it('draws the refresh token under its token bar: its time left, ended where a refresh rotated it, and ended at exp when it died idle, marked refused', async () => {
    const config = await client.discovery(new URL('/.well-known/openid-configuration', server.url), 'web-app', 'web-secret', undefined, { execute: [client.allowInsecureRequests] });
    const { url, verifier, state, nonce } = await openidAuthorization(config, REDIRECT, 'openid profile offline_access');
    const callback = await new HttpPerson(server.url).signIn(url);
    const first = await client.authorizationCodeGrant(config, new URL(callback), { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    const lastToken = () => server.journal.entries().findLast((e) => e.endpoint === 'token') as NonNullable<ReturnType<UnderstudyServer['journal']['entries']>[number]>;
    const redeemed = lastToken();
    const issued1 = redeemed.credentials?.issuedRefreshToken;
    expect(issued1?.fingerprint).toEqual(expect.any(String));

    // Alive: a thin bar under the token's, labelled with the week it has left.
    const row1 = page.locator(`.bar-row[data-jti="${redeemed.issued?.jti}"]`);
    const rt1 = row1.locator('.rt-bar');
    await expect.poll(() => rt1.getAttribute('data-state'), POLL).toBe('live');
    expect(await rt1.getAttribute('data-fingerprint')).toBe(issued1?.fingerprint);
    expect(await row1.getAttribute('data-refresh-state')).toBe('live');
    expect(await row1.locator('.rt-tag').textContent()).toBe('7 d left');
    expect(await row1.getAttribute('aria-label')).toMatch(/; its refresh token 7 d left$/);
    // The refresh line sits under the access token's bar.
    const [accessBox, refreshBox] = await Promise.all([row1.locator('.bar').boundingBox(), rt1.boundingBox()]);
    expect(refreshBox?.y).toBeGreaterThan((accessBox?.y ?? 0) + (accessBox?.height ?? 0));
    expect(refreshBox?.height).toBeLessThan(accessBox?.height ?? 0);

    // An hour later the client refreshes: the first ends there, rotated; the new one starts there.
    server.clock.advance(3600);
    const second = await client.refreshTokenGrant(config, first.refresh_token as string);
    const refreshed = lastToken();
    await expect.poll(() => rt1.getAttribute('data-state'), POLL).toBe('rotated');
    expect(await row1.locator('.rt-tag').textContent()).toBe('rotated after 1 h');
    expect(Number(await rt1.getAttribute('data-end'))).toBe(refreshed.time);
    expect(await row1.locator('.rt-use.ok').count()).toBe(1);
    const row2 = page.locator(`.bar-row[data-jti="${refreshed.issued?.jti}"]`);
    const rt2 = row2.locator('.rt-bar');
    await expect.poll(() => rt2.getAttribute('data-state'), POLL).toBe('live');
    expect(await rt2.getAttribute('data-fingerprint')).toBe(refreshed.credentials?.issuedRefreshToken?.fingerprint);
    expect(Number(await rt2.getAttribute('data-start'))).toBe(refreshed.time);
    expect(await row2.locator('.rt-tag').textContent()).toBe('7 d left');
    const [end1, start2] = await Promise.all([rt1.boundingBox(), rt2.boundingBox()]);
    expect(Math.abs((end1?.x ?? 0) + (end1?.width ?? 0) - (start2?.x ?? 0))).toBeLessThan(1.5);

    // The rotated one presented again: refused, a red dot after its end.
    await expect(client.refreshTokenGrant(config, first.refresh_token as string)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect.poll(() => row1.locator('.rt-use.bad').count(), POLL).toBe(1);
    expect(await row1.locator('.rt-tag').textContent()).toBe('rotated after 1 h · reused');

    // Seven idle days: the second dies at its exp, and the refresh that comes after is refused.
    server.clock.advance(7 * 86_400 + 60);
    await expect.poll(() => rt2.getAttribute('data-state'), POLL).toBe('expired');
    expect(await row2.locator('.rt-tag').textContent()).toBe('expired after 7 d');
    expect(await rt2.getAttribute('data-refused')).toBe('false');
    await expect(client.refreshTokenGrant(config, second.refresh_token as string)).rejects.toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/expired/) });
    await expect.poll(() => rt2.getAttribute('data-refused'), POLL).toBe('true');
    expect(await row2.locator('.rt-tag').textContent()).toBe('expired after 7 d · refresh refused');
    expect(Number(await rt2.getAttribute('data-end'))).toBe(refreshed.credentials?.issuedRefreshToken?.exp);
    expect(await row2.locator('.rt-use.bad').count()).toBe(1);
    expect(await row2.getAttribute('aria-label')).toMatch(/; its refresh token expired after 7 d · refresh refused$/);
    // Its tooltip names it by fingerprint; no token value reaches the page.
    expect(await row2.getAttribute('title')).toContain(`refresh token ${refreshed.credentials?.issuedRefreshToken?.fingerprint} (fingerprint)`);
    const html = await page.content();
    for (const value of [first.refresh_token, second.refresh_token]) expect(html).not.toContain(value);
  });

  it('ran without script errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
