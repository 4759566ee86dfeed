/**
 * The authorization code flow in a real browser (headless Chromium through playwright-core): a
 * person signs in and consents with the keyboard alone, the browser lands on the client's
 * callback (a tiny HTTP server here), and openid-client redeems the code and verifies the ID
 * token. The pages' strict CSP must hold without a single violation or console error, including
 * form-action on the redirect that answers the consent form. Sessions, prompt=login, logout,
 * wrong passwords, Cancel, Deny and an unregistered redirect URI are played the same way, in
 * both profiles. Skipped only where /usr/bin/chromium is missing; CI installs it.
 */
import { existsSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as client from 'openid-client';
import { chromium, type Browser, type BrowserContext, type Page, type Response as PageResponse } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type ProfileName, type UnderstudyServer } from '../../server/index.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`skipping the login and consent browser tests: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

const PAGES: Record<ProfileName, { authorize: string; login: string; consent: string }> = {
  idcs: { authorize: '/oauth2/v1/authorize', login: '/ui/v1/signin', consent: '/ui/v1/myconsole/consent' },
  rfc9068: { authorize: '/authorize', login: '/login', consent: '/consent' },
};
const WRONG_PASSWORD = 'You entered an incorrect user name or password.';

/** The paths one navigation went through, redirects included. */
function hops(response: PageResponse | null): string[] {
  const paths: string[] = [];
  for (let request = response?.request() ?? null; request; request = request.redirectedFrom()) paths.unshift(new URL(request.url()).pathname);
  return paths;
}

/**
 * Consents are the server's memory of a person, not of a browser: each test signs in as its own
 * person, so one test's Allow does not skip the next test's consent page.
 */
interface Person {
  username: string;
  password: string;
  displayName: string;
}
const PEOPLE = {
  ada: { username: 'ada', password: 'lovelace', displayName: 'Ada Lovelace' },
  grace: { username: 'grace', password: 'hopper', displayName: 'Grace Hopper' },
  alan: { username: 'alan', password: 'turing', displayName: 'Alan Turing' },
  barbara: { username: 'barbara', password: 'liskov', displayName: 'Barbara Liskov' },
  donald: { username: 'donald', password: 'knuth', displayName: 'Donald Knuth' },
} satisfies Record<string, Person>;

/**
 * Console errors that are not the page's fault. A document answered 4xx on purpose (an error
 * page) is reported by Chromium as "Failed to load resource" for the document itself. (The pages
 * declare an empty data: icon, so no /favicon.ico request is made: not excused.)
 */
function excused(message: string, resource: string, documentUrl: string): boolean {
  if (!message.startsWith('Failed to load resource: the server responded with a status of 4')) return false;
  return resource === documentUrl;
}

/** The client's side: records every request the browser makes to it, answers with a plain page. */
interface ClientCallback {
  origin: string;
  redirectUri: string;
  signedOutUri: string;
  received: URL[];
  close(): Promise<void>;
}

async function startClientCallback(): Promise<ClientCallback> {
  const received: URL[] = [];
  let origin = '';
  const http = createHttpServer((request, response) => {
    const url = new URL(request.url ?? '/', origin);
    // Not something the authorization server sent: the browser's own guess.
    if (url.pathname === '/favicon.ico') {
      response.writeHead(204).end();
      return;
    }
    received.push(url);
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Client</title></head><body><p>Back at the client.</p></body></html>');
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    origin,
    redirectUri: `${origin}/callback`,
    signedOutUri: `${origin}/signed-out`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}

/** A browser window and everything that went wrong in it: console errors, script errors, CSP violations. */
interface BrowserWindow {
  context: BrowserContext;
  page: Page;
  problems: string[];
}

// Typed by hand: the tsconfig has no DOM lib. Runs before the page's own content, outside its CSP.
const REPORT_CSP = `document.addEventListener('securitypolicyviolation', (event) => {
  window.__reportCspViolation(event.violatedDirective + ' blocked ' + (event.blockedURI || '(inline)') + ' on ' + event.documentURI);
});`;

describe.skipIf(!hasChromium)('login and consent in Chromium', { concurrent: false }, () => {
  let browser: Browser;
  let shared: BrowserWindow | undefined;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
  });

  /**
   * The browser window as if new: no cookies (so no understudy session), a blank page, nothing
   * heard yet. One context for the file, emptied before each test: a new context and page per
   * test would cost half a second or more each on a loaded machine.
   */
  async function freshWindow(): Promise<BrowserWindow> {
    shared ??= await openWindow();
    await shared.page.goto('about:blank');
    await shared.context.clearCookies();
    shared.problems.length = 0;
    return shared;
  }

  async function openWindow(): Promise<BrowserWindow> {
    const context = await browser.newContext({ viewport: { width: 900, height: 700 } });
    const problems: string[] = [];
    await context.exposeBinding('__reportCspViolation', (_source, text: string) => {
      problems.push(`CSP violation: ${text}`);
    });
    await context.addInitScript(REPORT_CSP);
    // Shorter than the test's timeout, so a wait that never ends says which one it was.
    context.setDefaultTimeout(8_000);
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() !== 'error' || excused(message.text(), message.location().url, page.url())) return;
      problems.push(`console error on ${page.url()}: ${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => problems.push(`page error on ${page.url()}: ${error.message}`));
    return { context, page, problems };
  }

  describe.each<ProfileName>(['idcs', 'rfc9068'])('%s profile', (profile) => {
    let server: UnderstudyServer;
    let callback: ClientCallback;
    let config: client.Configuration;
    const paths = PAGES[profile];

    beforeAll(async () => {
      callback = await startClientCallback();
      server = await createServer({
        port: 0,
        profile,
        config: {
          users: Object.values(PEOPLE).map((p) => ({ ...p, email: `${p.username}@example.test` })),
          clients: [
            {
              id: 'web-app',
              secret: 'web-secret',
              name: 'Analytical Engine',
              grants: ['authorization_code', 'refresh_token'],
              redirectUris: [callback.redirectUri],
              postLogoutRedirectUris: [callback.signedOutUri],
            },
          ],
        },
      });
      const discovery = profile === 'idcs' ? new URL('/.well-known/openid-configuration', server.url) : new URL(server.url);
      config = await client.discovery(discovery, 'web-app', 'web-secret', undefined, { execute: [client.allowInsecureRequests] });
    });
    afterAll(async () => {
      await server?.close();
      await callback?.close();
    });

    interface Authorization {
      url: string;
      state: string;
      nonce: string;
      verifier: string;
    }

    /** An authorization URL as openid-client builds it: confidential client, PKCE S256, state and nonce. */
    async function authorization(extra: Record<string, string> = {}): Promise<Authorization> {
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: callback.redirectUri,
        scope: 'openid profile',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
        ...extra,
      });
      return { url: url.href, state, nonce, verifier };
    }

    const pathOf = (page: Page) => new URL(page.url()).pathname;
    const atCallback = (url: URL) => url.href.startsWith(`${callback.redirectUri}?`);
    const steps = () => server.journal.entries().map((e) => e.interaction);
    const count = (step: string) => steps().filter((s) => s === step).length;

    /** The login page, by keyboard only: autofocus puts the caret in the user name field. */
    async function typeCredentials(page: Page, username: string, password: string): Promise<void> {
      await page.locator('#username:focus').waitFor();
      await page.keyboard.type(username);
      await page.keyboard.press('Tab');
      expect(await page.locator(':focus').getAttribute('id')).toBe('password');
      await page.keyboard.type(password);
    }

    async function signIn(page: Page, who: Person, next: 'consent' | 'callback'): Promise<void> {
      expect(pathOf(page)).toBe(paths.login);
      await typeCredentials(page, who.username, who.password);
      await Promise.all([page.waitForURL((url) => (next === 'consent' ? url.pathname === paths.consent : atCallback(url))), page.keyboard.press('Enter')]);
    }

    /** The consent page: Allow has the focus; Enter or Space presses it. */
    async function allow(page: Page, key: 'Enter' | 'Space' = 'Enter'): Promise<void> {
      expect(pathOf(page)).toBe(paths.consent);
      await page.locator('button:focus').waitFor();
      expect(await page.locator(':focus').textContent()).toBe('Allow');
      await Promise.all([page.waitForURL(atCallback), page.keyboard.press(key)]);
    }

    /** What the client's callback received last, which must be where the browser is. */
    function lastCallback(page: Page): URL {
      const last = callback.received.at(-1) as URL;
      expect(last.href).toBe(page.url());
      return last;
    }

    async function redeem(page: Page, who: Person, auth: Authorization) {
      const tokens = await client.authorizationCodeGrant(config, lastCallback(page), {
        pkceCodeVerifier: auth.verifier,
        expectedState: auth.state,
        expectedNonce: auth.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      expect(claims?.sub).toBe(who.username);
      expect(claims?.nonce).toBe(auth.nonce);
      return tokens;
    }

    it('signs in and consents by keyboard, lands on the callback, and openid-client redeems the code and verifies the ID token', async () => {
      const who = PEOPLE.ada;
      const { page, problems } = await freshWindow();
      const auth = await authorization();
      await page.goto(auth.url);
      expect(await page.title()).toBe('Sign In');
      await signIn(page, who, 'consent');
      expect(await page.title()).toBe('Allow access');
      expect(await page.getByText('Signed in as').textContent()).toContain(who.displayName);
      await allow(page, 'Enter');

      const answer = lastCallback(page);
      expect(answer.pathname).toBe('/callback');
      expect(answer.searchParams.get('state')).toBe(auth.state);
      expect(answer.searchParams.get('code')).toBeTruthy();
      expect(answer.searchParams.get('iss')).toBe(profile === 'rfc9068' ? server.urls.issuer : null);
      const tokens = await redeem(page, who, auth);
      expect(tokens.access_token).toBeTruthy();
      expect(problems).toEqual([]);
    });

    it('shows login, consent and error pages without a CSP violation or console error, and the watcher does catch them', async () => {
      const who = PEOPLE.grace;
      const { page, problems } = await freshWindow();
      const auth = await authorization();
      const first = await page.goto(auth.url);
      expect(first?.status()).toBe(200);
      const csp = (await first?.allHeaders())?.['content-security-policy'] ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain(`form-action 'self' ${callback.origin}`);
      // The wrong-password page, then the consent page, then the consent form's 303 to the client.
      await typeCredentials(page, who.username, 'not-the-password');
      await Promise.all([page.getByRole('alert').waitFor(), page.keyboard.press('Enter')]);
      await page.keyboard.press('Tab');
      await page.keyboard.type(who.password);
      await Promise.all([page.waitForURL((url) => url.pathname === paths.consent), page.keyboard.press('Enter')]);
      await allow(page);
      expect(lastCallback(page).searchParams.get('code')).toBeTruthy();
      // An error page: an expired or foreign interaction.
      const stale = await page.goto(`${server.url}${paths.login}?interaction=nope`);
      expect(stale?.status()).toBe(400);
      expect(problems).toEqual([]);

      // A control: the same watcher sees what the CSP blocks (an image, a form posted elsewhere).
      const control = await freshWindow();
      await control.page.goto((await authorization()).url);
      await control.page.evaluate(`document.body.appendChild(Object.assign(document.createElement('img'), { src: 'http://127.0.0.1:9/x.png' }))`);
      await control.page.evaluate(`(() => { const form = document.querySelector('form'); form.action = 'http://127.0.0.1:9/steal'; form.requestSubmit(form.querySelector('button[value=cancel]')); })()`);
      await expect.poll(() => control.problems.filter((p) => p.startsWith('CSP violation: img-src')).length).toBe(1);
      await expect.poll(() => control.problems.filter((p) => p.startsWith('CSP violation: form-action')).length).toBe(1);
      expect(control.problems.some((p) => p.startsWith('console error') && p.includes('Content Security Policy'))).toBe(true);
    });

    it('skips the login while the session lasts, asks consent only for new scopes, shows the login on prompt=login, and again after logout', async () => {
      const who = PEOPLE.alan;
      const { page, problems } = await freshWindow();
      const firstAuth = await authorization();
      await page.goto(firstAuth.url);
      await signIn(page, who, 'consent');
      await allow(page);
      await redeem(page, who, firstAuth);

      // Same scopes: consent given, session live: straight back to the client.
      const loginsShown = count('login_shown');
      const again = await authorization();
      expect(hops(await page.goto(again.url))).toEqual([paths.authorize, '/callback']);
      expect(atCallback(new URL(page.url()))).toBe(true);
      await redeem(page, who, again);

      // A scope not consented to yet: the consent page, no login.
      const wider = await authorization({ scope: 'openid profile email' });
      expect(hops(await page.goto(wider.url))).toEqual([paths.authorize, paths.consent]);
      expect(await page.locator('ul.scopes').textContent()).toContain('email');
      await allow(page, 'Space');
      await redeem(page, who, wider);
      expect(count('login_shown')).toBe(loginsShown);

      // prompt=login: the login page although the session lives; consent is already given.
      const forced = await authorization({ prompt: 'login' });
      expect(hops(await page.goto(forced.url))).toEqual([paths.authorize, paths.login]);
      await signIn(page, who, 'callback');
      const tokens = await redeem(page, who, forced);
      expect(count('login_shown')).toBe(loginsShown + 1);

      // Logout: back to the registered post-logout URI with the state, and the next authorize asks for a login.
      const logout = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token as string, post_logout_redirect_uri: callback.signedOutUri, state: 'bye' });
      expect(hops(await page.goto(logout.href))).toEqual([new URL(server.urls.logoutUrl).pathname, '/signed-out']);
      expect(page.url()).toBe(`${callback.signedOutUri}?state=bye`);
      expect(callback.received.at(-1)?.href).toBe(page.url());
      expect((await page.context().cookies(server.url)).map((c) => c.name)).not.toContain('understudy_session');
      const after = await authorization();
      expect(hops(await page.goto(after.url))).toEqual([paths.authorize, paths.login]);
      await signIn(page, who, 'callback');
      await redeem(page, who, after);
      expect(problems).toEqual([]);
    });

    it('keeps the user name after a wrong password, and sends Deny back to the client as access_denied with the state', async () => {
      const who = PEOPLE.barbara;
      const { page, problems } = await freshWindow();
      const auth = await authorization();
      await page.goto(auth.url);
      await typeCredentials(page, who.username, 'babbage');
      await Promise.all([page.getByRole('alert').waitFor(), page.keyboard.press('Enter')]);
      expect(pathOf(page)).toBe(paths.login);
      expect(await page.getByRole('alert').textContent()).toBe(WRONG_PASSWORD);
      expect(await page.getByLabel('User name').inputValue()).toBe(who.username);
      expect(await page.getByLabel('Password').inputValue()).toBe('');
      // Focus is back in the user name, which is filled in: Tab to the password.
      await page.locator('#username:focus').waitFor();
      await page.keyboard.press('Tab');
      await page.keyboard.type(who.password);
      await Promise.all([page.waitForURL((url) => url.pathname === paths.consent), page.keyboard.press('Enter')]);

      await page.locator('button:focus').waitFor();
      await page.keyboard.press('Tab');
      expect(await page.locator(':focus').textContent()).toBe('Deny');
      await Promise.all([page.waitForURL(atCallback), page.keyboard.press('Enter')]);
      const answer = lastCallback(page);
      expect(answer.searchParams.get('error')).toBe('access_denied');
      expect(answer.searchParams.get('state')).toBe(auth.state);
      expect(answer.searchParams.get('code')).toBeNull();
      expect(problems).toEqual([]);
    });

    it('sends Cancel on the login page back to the client as access_denied with the state', async () => {
      const { page, problems } = await freshWindow();
      const auth = await authorization();
      await page.goto(auth.url);
      await page.locator('#username:focus').waitFor();
      // User name, password, Sign In, Cancel: Cancel needs no credentials (formnovalidate).
      for (let i = 0; i < 3; i += 1) await page.keyboard.press('Tab');
      expect(await page.locator(':focus').textContent()).toBe('Cancel');
      await Promise.all([page.waitForURL(atCallback), page.keyboard.press('Enter')]);
      const answer = lastCallback(page);
      expect(answer.searchParams.get('error')).toBe('access_denied');
      expect(answer.searchParams.get('state')).toBe(auth.state);
      await expect(client.authorizationCodeGrant(config, answer, { pkceCodeVerifier: auth.verifier, expectedState: auth.state })).rejects.toMatchObject({ error: 'access_denied' });
      expect(problems).toEqual([]);
    });

    it('keeps the browser on understudy for an unregistered redirect_uri: the client hears nothing', async () => {
      const { page, problems } = await freshWindow();
      const before = callback.received.length;
      const auth = await authorization({ redirect_uri: `${callback.origin}/not-registered` });
      const response = await page.goto(auth.url);
      expect(response?.status()).toBe(400);
      expect(page.url()).toBe(auth.url);
      if (profile === 'idcs') {
        // IDCS answers with a JSON body, as the real one does.
        expect(response?.headers()['content-type']).toContain('application/json');
        const body = (await response?.json()) as { error: string; error_description: string };
        expect(body.error).toBe('invalid_redirect_uri');
        expect(body.error_description).toContain(`${callback.origin}/not-registered`);
        expect(await page.locator('body').textContent()).toContain('invalid_redirect_uri');
      } else {
        expect(await page.title()).toBe('Sign-in error');
        expect(await page.getByRole('alert').textContent()).toContain('invalid_redirect_uri');
        expect(response?.headers()['content-security-policy']).toContain("default-src 'none'");
      }
      expect(callback.received.length).toBe(before);
      expect(problems).toEqual([]);
    });

    it('labels the inputs and names the buttons', async () => {
      const who = PEOPLE.donald;
      const { page, problems } = await freshWindow();
      await page.goto((await authorization()).url);
      const username = page.getByRole('textbox', { name: 'User name', exact: true });
      expect(await username.getAttribute('id')).toBe('username');
      expect(await page.getByLabel('Password', { exact: true }).getAttribute('type')).toBe('password');
      expect(await page.getByRole('button', { name: 'Sign In', exact: true }).count()).toBe(1);
      expect(await page.getByRole('button', { name: 'Cancel', exact: true }).count()).toBe(1);
      const names = async () => (await page.getByRole('button').allTextContents()).map((t) => t.trim());
      expect(await names()).toEqual(['Sign In', 'Cancel']);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign In');
      expect(await page.locator('html').getAttribute('lang')).toBe('en');

      await signIn(page, who, 'consent');
      expect(await names()).toEqual(['Allow', 'Deny']);
      expect(await page.getByRole('button', { name: 'Allow', exact: true }).count()).toBe(1);
      expect(await page.getByRole('button', { name: 'Deny', exact: true }).count()).toBe(1);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Allow access?');
      expect(await page.getByRole('listitem').allTextContents()).toContain('openid');
      expect(problems).toEqual([]);
    });
  });
});
