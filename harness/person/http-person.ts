/**
 * A person at a browser, played over plain HTTP: follows understudy's redirects, fills in the
 * login form, answers the consent page, and stops at the first redirect that leaves the server
 * or reaches the client's redirect URI, whose URL it returns. Cookies are kept, so a second
 * sign-in in the same "browser" reuses the session, as a real browser's would.
 */
import { CookieJar } from './cookie-jar.ts';

/** What the person does on understudy's pages. */
export interface PersonChoices {
  username?: string;
  password?: string;
  /** allow (default) or deny on the consent page. */
  consent?: 'allow' | 'deny';
  /** Cancel on the login page instead of logging in. */
  cancelLogin?: boolean;
}

/** One page or redirect the person went through. */
export interface Step {
  method: string;
  url: string;
  status: number;
  /** The page's title ("Sign In", "Consent"...), for pages. */
  page?: string;
}

/** Pages and redirects a sign-in may take before the person gives up (login, consent, and their redirects). */
const MAX_HOPS = 12;

/** The person could not go on: an error page, a refused login, a form it does not know. */
export class PersonError extends Error {}

export class HttpPerson {
  readonly cookies = new CookieJar();
  readonly steps: Step[] = [];

  readonly origin: string;
  readonly defaults: PersonChoices;
  /** URLs the person stops at even on the server's origin (query aside): the client's redirect URIs. */
  readonly stopAt: readonly string[];

  constructor(origin: string, defaults: PersonChoices = {}, options: { stopAt?: readonly (string | undefined)[] } = {}) {
    this.origin = origin;
    this.defaults = defaults;
    this.stopAt = (options.stopAt ?? []).filter((url): url is string => url !== undefined);
  }

  async request(method: string, url: string, form?: URLSearchParams): Promise<Response> {
    const headers: Record<string, string> = {};
    const cookie = this.cookies.header();
    if (cookie) headers.cookie = cookie;
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body: form, redirect: 'manual' });
    } catch (error) {
      throw new PersonError(`the browser could not open ${url.slice(0, 200)}: ${describeFetchError(error)}`);
    }
    this.cookies.store(response.headers.getSetCookie());
    return response;
  }

  /** Where a redirect to `url` ends the person's part: off the server, or at the client's redirect URI. */
  leaves(url: string): boolean {
    return leavesServer(url, this.origin, this.stopAt);
  }

  /**
   * Opens `startUrl` and follows its redirects, as for a logout: where the browser ends (the page
   * it shows, or the redirect that leaves the server).
   */
  async visit(startUrl: string): Promise<{ url: string; status: number; page?: string }> {
    let url = startUrl;
    for (let hop = 0; hop < MAX_HOPS; hop += 1) {
      // Off the server (a real IDCS, the client's own page): the person's part ends there, unfetched.
      if (this.leaves(url)) return { url, status: 0 };
      const response = await this.request('GET', url);
      const location = response.headers.get('location');
      if (!location) {
        const html = await response.text();
        const page = /<title>([^<]*)<\/title>/.exec(html)?.[1];
        this.steps.push({ method: 'GET', url, status: response.status, page });
        return { url, status: response.status, ...(page ? { page } : {}) };
      }
      this.steps.push({ method: 'GET', url, status: response.status });
      url = new URL(location, url).href;
    }
    throw new PersonError(`${startUrl} took more than ${MAX_HOPS} redirects`);
  }

  /**
   * Signs in from `startUrl` (an authorization or end-session URL); returns the URL the browser
   * is finally sent to. @throws PersonError when a page stops it (an error page, a refused login).
   */
  async signIn(startUrl: string, choices: PersonChoices = {}): Promise<string> {
    const wanted = { consent: 'allow' as const, ...this.defaults, ...choices };
    let response = await this.request('GET', startUrl);
    let url = startUrl;
    for (let hop = 0; hop < MAX_HOPS; hop += 1) {
      const html = response.status === 200 ? await response.text() : '';
      const title = /<title>([^<]*)<\/title>/.exec(html)?.[1];
      this.steps.push({ method: 'GET', url, status: response.status, page: title });
      const location = response.headers.get('location');
      if (location) {
        const next = new URL(location, url).href;
        if (this.leaves(next)) return next;
        url = next;
        response = await this.request('GET', next);
        continue;
      }
      if (response.status !== 200) throw new PersonError(`the browser stopped at ${response.status} ${url}: ${preview(html || (await response.text()))}`);
      const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1]?.replaceAll('&#38;', '&');
      const interaction = /name="interaction" value="([^"]+)"/.exec(html)?.[1];
      if (!action || !interaction) throw new PersonError(`the browser stopped at a page with no form to answer: ${title ?? url}: ${preview(html)}`);
      const form = new URLSearchParams({ interaction });
      if (title === 'Sign In') {
        if (wanted.cancelLogin) form.set('action', 'cancel');
        else {
          if (wanted.username === undefined) throw new PersonError('the login page asks for a user, and the person was given none');
          form.set('action', 'login');
          form.set('username', wanted.username);
          form.set('password', wanted.password ?? '');
        }
      } else {
        form.set('action', wanted.consent);
      }
      url = new URL(action, url).href;
      response = await this.request('POST', url, form);
      if (response.status === 200 && title === 'Sign In' && !wanted.cancelLogin) {
        const again = await response.text();
        if (/role="alert"/.test(again)) throw new PersonError(`login refused for ${wanted.username}`);
        throw new PersonError('the login page answered 200 without an error');
      }
    }
    throw new PersonError(`the sign-in took more than ${MAX_HOPS} pages and redirects`);
  }
}

/**
 * A URL the person does not open: one off the server's origin, or one of the client's redirect
 * URIs (query and fragment aside), where the client takes over.
 */
export function leavesServer(url: string, origin: string, stopAt: readonly string[]): boolean {
  return !url.startsWith(origin) || stopAt.includes(url.split(/[?#]/)[0] as string);
}

function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}

function preview(text: string): string {
  const flat = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}...` : flat;
}
