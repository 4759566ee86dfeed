/**
 * The dashboard in a real browser (headless Chromium through playwright-core): traffic shows up
 * as rows and token bars, the controls change what the server answers, and the page shows it.
 * Skipped only where /usr/bin/chromium is missing; CI installs it.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type UnderstudyServer } from '../support/start-server.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`skipping the dashboard browser tests: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

const EMPS = '/hcmRestApi/resources/11.13.18.05/emps';
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
    [browser, server] = await Promise.all([chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] }), startServer()]);
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

  it('ran without script errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
