/**
 * The person in a real browser: headless Chromium through playwright-core, typing into the login
 * page and pressing its buttons as a person would, with the browser's own cookie and CSP rules.
 * The browser's arrival at the client's redirect URI is caught, not loaded, and handed over.
 */
import { existsSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { HarnessError } from '../errors.ts';
import { leavesServer, PersonError, type PersonChoices } from './http-person.ts';
import type { Person } from './person.ts';

/** Pages a sign-in may show before the person gives up (login, consent, and a retry). */
const MAX_PAGES = 6;
const PAGE_TIMEOUT_MS = 15_000;
/** What the browser shows once it is back at the client: the harness hands the URL over instead. */
const ARRIVED_PAGE = '<!doctype html><title>Back at the client</title>';

export class ChromiumPerson implements Person {
  readonly #browser: Browser;
  readonly #context: BrowserContext;
  readonly #origin: string;
  readonly #stopAt: readonly string[];

  private constructor(browser: Browser, context: BrowserContext, origin: string, stopAt: readonly string[]) {
    this.#browser = browser;
    this.#context = context;
    this.#origin = origin;
    this.#stopAt = stopAt;
  }

  /**
   * Starts headless Chromium: UNDERSTUDY_CHROMIUM, else Debian's /usr/bin/chromium.
   * @throws HarnessError USAGE naming what to install when playwright-core or Chromium is missing.
   */
  static async launch(origin: string, stopAt: readonly (string | undefined)[]): Promise<ChromiumPerson> {
    const executablePath = process.env.UNDERSTUDY_CHROMIUM ?? '/usr/bin/chromium';
    let playwright: typeof import('playwright-core');
    try {
      playwright = await import('playwright-core');
    } catch {
      throw new HarnessError('USAGE', '--browser chromium drives Chromium through playwright-core, which is not installed: npm install playwright-core');
    }
    if (!existsSync(executablePath)) {
      throw new HarnessError('USAGE', `--browser chromium: no Chromium at ${executablePath}; install one (apt-get install chromium) or name it in UNDERSTUDY_CHROMIUM`);
    }
    const browser = await playwright.chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
    return new ChromiumPerson(browser, await browser.newContext(), origin, stopAt.filter((url): url is string => url !== undefined));
  }

  #leaves(url: string): boolean {
    return leavesServer(url, this.#origin, this.#stopAt);
  }

  /**
   * A page whose requests off the server (or to the redirect URI) are caught and answered with a
   * stub, redirects included (playwright's route() does not see those, the DevTools Fetch domain
   * does): `landed()` tells where the browser was sent.
   */
  async #page(): Promise<{ page: Page; landed: () => string | undefined }> {
    const page = await this.#context.newPage();
    page.setDefaultTimeout(PAGE_TIMEOUT_MS);
    let landed: string | undefined;
    const devtools = await this.#context.newCDPSession(page);
    devtools.on('Fetch.requestPaused', (paused: { requestId: string; request: { url: string } }) => {
      const { requestId, request } = paused;
      if (!this.#leaves(request.url)) {
        void devtools.send('Fetch.continueRequest', { requestId }).catch(() => undefined);
        return;
      }
      landed ??= request.url;
      void devtools.send('Fetch.fulfillRequest', { requestId, responseCode: 200, responseHeaders: [{ name: 'content-type', value: 'text/html' }], body: Buffer.from(ARRIVED_PAGE).toString('base64') }).catch(() => undefined);
    });
    await devtools.send('Fetch.enable', { patterns: [{ urlPattern: '*', requestStage: 'Request' }] });
    return { page, landed: () => landed };
  }

  async signIn(authorizationUrl: string, choices: PersonChoices = {}): Promise<string> {
    const { page, landed } = await this.#page();
    try {
      await open(page, authorizationUrl);
      for (let shown = 0; shown < MAX_PAGES; shown += 1) {
        const arrived = landed();
        if (arrived) return arrived;
        const title = await page.title();
        if (title === 'Sign In') {
          if (choices.cancelLogin) await submit(page, 'button[value="cancel"]');
          else {
            if (choices.username === undefined) throw new PersonError('the login page asks for a user, and the person was given none');
            await page.fill('#username', choices.username);
            await page.fill('#password', choices.password ?? '');
            await submit(page, 'button[value="login"]');
            if (!landed() && (await page.title()) === 'Sign In' && (await page.locator('[role="alert"]').count()) > 0) throw new PersonError(`login refused for ${choices.username}`);
          }
        } else if ((await page.locator('button[value="allow"]').count()) > 0) {
          await submit(page, `button[value="${choices.consent ?? 'allow'}"]`);
        } else {
          const text = (await page.locator('body').innerText().catch(() => '')).replace(/\s+/g, ' ').slice(0, 200);
          throw new PersonError(`the browser stopped at "${title}" ${page.url()}: ${text}`);
        }
      }
      const arrived = landed();
      if (arrived) return arrived;
      throw new PersonError(`the sign-in showed more than ${MAX_PAGES} pages`);
    } finally {
      await page.close();
    }
  }

  async visit(url: string): Promise<{ url: string; status: number; page?: string }> {
    if (this.#leaves(url)) return { url, status: 0 };
    const { page, landed } = await this.#page();
    try {
      const response = await open(page, url);
      const arrived = landed();
      if (arrived) return { url: arrived, status: 0 };
      return { url: page.url(), status: response?.status() ?? 0, page: await page.title() };
    } finally {
      await page.close();
    }
  }

  async close(): Promise<void> {
    await this.#browser.close();
  }
}

/** Opens `url` in the page; a page that cannot load is the person's stop, not a crash. */
function open(page: Page, url: string): ReturnType<Page['goto']> {
  return page.goto(url).catch((error: Error) => {
    throw new PersonError(`the browser could not open ${url.slice(0, 200)}: ${error.message.split('\n')[0]}`);
  });
}

/** Presses a form's button and waits for what the browser loads next (a page, or the caught redirect). */
async function submit(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }).catch(() => undefined), page.click(selector)]);
}
