/** Control routes for sign-ins: end a user's sessions, withdraw a consent, the demo web app's callback page. */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type UnderstudyServer } from '../../server/index.ts';
import { HttpPerson } from '../support/http-person.ts';

let server: UnderstudyServer;
afterEach(() => server?.close());

const control = (path: string, body: unknown) =>
  fetch(`${server.urls.controlUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('sign-in controls', () => {
  it('POST /sessions/end ends the sessions of a user: the next authorization asks to log in again', async () => {
    server = await createServer({ port: 0 });
    const url = `${server.urls.authorizeUrl}?client_id=demo-web-app&response_type=code&scope=openid`;
    // The embedded web app's redirect URI is a page of the server itself: follow only the sign-in pages.
    const signIn = new HttpPerson(`${server.url}/ui/`, { username: 'demo.user', password: 'demo-password' });
    await signIn.signIn(url);
    const ended = await control('/sessions/end', { username: 'demo.user' });
    expect(await ended.json()).toEqual({ ended: 1 });
    const again = await signIn.request('GET', url);
    expect(again.headers.get('location')).toContain('/ui/v1/signin?interaction=');
  });

  it('refuses bodies that name no user, saying what to send', async () => {
    server = await createServer({ port: 0 });
    for (const [path, body] of [['/sessions/end', {}], ['/consents/withdraw', { username: 7 }], ['/consents/withdraw', { username: 'u', clientId: '' }]] as const) {
      const answer = await control(path, body);
      expect(answer.status, path).toBe(400);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(((await answer.json()) as { detail: string }).detail).toMatch(/username|clientId/);
    }
  });

  it('GET /callback shows what came back to the demo web app, and a command that redeems the code', async () => {
    server = await createServer({ port: 0 });
    const signIn = new HttpPerson(`${server.url}/ui/`, { username: 'demo.user', password: 'demo-password' });
    const callback = await signIn.signIn(`${server.urls.authorizeUrl}?client_id=demo-web-app&response_type=code&scope=openid&state=abc`);
    expect(callback.startsWith(`${server.url}/_understudy/callback?code=`)).toBe(true);
    const page = await fetch(callback);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('<code>state</code> = <code>abc</code>');
    expect(html).toContain('curl -s -u demo-web-app:demo-web-secret -d grant_type=authorization_code');
  });
});

describe('the demo callback page', () => {
  it('shows no command for a code that is not of understudy\'s shape (no shell injection from a crafted link)', async () => {
    server = await createServer({ port: 0 });
    const page = await fetch(`${server.urls.controlUrl}/callback?${new URLSearchParams({ code: "x' ; echo PWNED ; '" })}`);
    const html = await page.text();
    expect(html).not.toContain('curl');
    expect(html).toContain('x&#39; ; echo PWNED ; &#39;');
  });
});
