/**
 * A person at a browser, played over plain HTTP: follows understudy's redirects, fills in the
 * login form, answers the consent page, and stops at the first redirect that leaves the server
 * (the client's redirect URI), whose URL it returns. Cookies are kept, so a second sign-in in
 * the same "browser" reuses the session.
 */
import { CookieJar } from './cookie-jar.ts';

export interface PersonChoices {
  username?: string;
  password?: string;
  /** allow (default) or deny on the consent page; cancel on the login page. */
  consent?: 'allow' | 'deny';
  cancelLogin?: boolean;
}

export interface Step {
  method: string;
  url: string;
  status: number;
  /** login, consent, or the page's title for other pages. */
  page?: string;
}

export class HttpPerson {
  readonly cookies = new CookieJar();
  readonly steps: Step[] = [];

  readonly origin: string;
  readonly defaults: PersonChoices;

  constructor(origin: string, defaults: PersonChoices = {}) {
    this.origin = origin;
    this.defaults = defaults;
  }

  async request(method: string, url: string, form?: URLSearchParams): Promise<Response> {
    const headers: Record<string, string> = {};
    const cookie = this.cookies.header();
    if (cookie) headers.cookie = cookie;
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(url, { method, headers, body: form, redirect: 'manual' });
    this.cookies.store(response.headers.getSetCookie());
    return response;
  }

  /** Signs in from `authorizeUrl`; returns the URL the browser is finally sent to outside the server. */
  async signIn(authorizeUrl: string, choices: PersonChoices = {}): Promise<string> {
    const wanted = { username: 'ada', password: 'lovelace', consent: 'allow' as const, ...this.defaults, ...choices };
    let response = await this.request('GET', authorizeUrl);
    let url = authorizeUrl;
    for (let hop = 0; hop < 12; hop += 1) {
      const html = response.status === 200 ? await response.text() : '';
      const title = /<title>([^<]*)<\/title>/.exec(html)?.[1];
      this.steps.push({ method: 'GET', url, status: response.status, page: title });
      const location = response.headers.get('location');
      if (location) {
        const next = new URL(location, url).href;
        if (!next.startsWith(this.origin)) return next;
        url = next;
        response = await this.request('GET', next);
        continue;
      }
      if (response.status !== 200) throw new Error(`unexpected ${response.status} at ${url}: ${html || (await response.text())}`);
      const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1]?.replaceAll('&#38;', '&');
      const interaction = /name="interaction" value="([^"]+)"/.exec(html)?.[1];
      if (!action || !interaction) throw new Error(`no form at ${url}: ${html.slice(0, 300)}`);
      const form = new URLSearchParams({ interaction });
      if (title === 'Sign In') {
        if (wanted.cancelLogin) form.set('action', 'cancel');
        else {
          form.set('action', 'login');
          form.set('username', wanted.username);
          form.set('password', wanted.password);
        }
      } else {
        form.set('action', wanted.consent);
      }
      url = new URL(action, url).href;
      response = await this.request('POST', url, form);
      if (response.status === 200 && title === 'Sign In' && !wanted.cancelLogin) {
        const again = await response.text();
        if (/role="alert"/.test(again)) throw new Error(`login refused for ${wanted.username}`);
        throw new Error('login page answered 200 without an error');
      }
    }
    throw new Error('too many steps');
  }
}
