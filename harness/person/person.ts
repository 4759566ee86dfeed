import type { PersonChoices } from './http-person.ts';

/**
 * The person the harness plays at a browser: signs in from an authorization URL and ends up at
 * the client's redirect URI, or visits a URL (a logout) and follows where it leads. Over plain
 * HTTP (`HttpPerson`) or in a real browser (`ChromiumPerson`).
 */
export interface Person {
  /** Returns the URL the browser is finally sent to. @throws PersonError when a page stops the person. */
  signIn(authorizationUrl: string, choices?: PersonChoices): Promise<string>;
  /** Follows `url` to where it ends: a page, or a redirect off the server or to the redirect URI. */
  visit(url: string): Promise<{ url: string; status: number; page?: string }>;
  /** Closes the browser, if there is one. */
  close?(): Promise<void>;
}

/** How the harness plays the person: over HTTP (default), or in headless Chromium. */
export type BrowserKind = 'http' | 'chromium';
