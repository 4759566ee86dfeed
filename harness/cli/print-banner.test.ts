import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type UnderstudyConfig, type UnderstudyServer } from '../../server/index.ts';
import { formatBanner } from './print-banner.ts';

const servers: UnderstudyServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function banner(config?: UnderstudyConfig, profile?: 'idcs' | 'rfc9068'): Promise<{ text: string; server: UnderstudyServer }> {
  const server = await createServer({ port: 0, config, profile });
  servers.push(server);
  return { text: formatBanner(server, '1.2.3'), server };
}

const PAYROLL: UnderstudyConfig = {
  resources: [{ audience: 'https://payroll.example.test:443', scopes: ['payroll.read'] }],
  clients: [{ id: 'my app', secret: "p+ss'word", scopes: ['payroll.read'] }],
  api: { routes: [{ method: 'POST', path: '/payroll/v1/runs', scopes: ['payroll.read'], headers: ['X-Request-Id'] }] },
};

describe('formatBanner', () => {
  it('lists the URLs of the running server', async () => {
    const { text, server } = await banner();
    expect(text.split('\n')[0]).toBe(`understudy 1.2.3 is serving the idcs profile at ${server.url}`);
    for (const url of [server.urls.issuer, server.urls.tokenUrl, server.urls.jwksUrl, server.urls.discoveryUrl, server.urls.controlUrl]) {
      expect(text).toContain(url);
    }
  });

  it('writes the scope fully-qualified for idcs and bare for rfc9068', async () => {
    expect((await banner()).text).toContain('--data-urlencode scope=https://api.understudy.test:443urn:opc:resource:consumer::all ');
    expect((await banner(undefined, 'rfc9068')).text).toContain('--data-urlencode scope=urn:opc:resource:consumer::all ');
  });

  it('form-encodes credentials that curl -u would send raw, and calls a POST route with its headers', async () => {
    const { text, server } = await banner(PAYROLL);
    const basic = Buffer.from('my+app:p%2Bss%27word').toString('base64');
    expect(text).toContain(`TOKEN=$(curl -s -H 'Authorization: Basic ${basic}' -d grant_type=client_credentials --data-urlencode scope=https://payroll.example.test:443payroll.read ${server.urls.tokenUrl} |`);
    expect(text).toContain(`curl -s -X POST -H "Authorization: Bearer $TOKEN" -H 'X-Request-Id: understudy-demo' ${server.url}/payroll/v1/runs`);
  });

  it('prints a ready-to-open authorization request for the embedded web app and user, which leads to the login page', async () => {
    const { text, server } = await banner();
    const line = text.split('\n').find((l) => l.includes('/oauth2/v1/authorize?'));
    expect(text).toContain('Sign in as a user (demo.user / demo-password) through the web app demo-web-app');
    const url = new URL((line as string).trim());
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ client_id: 'demo-web-app', response_type: 'code', redirect_uri: `${server.url}/_understudy/callback` });
    const answer = await fetch(url, { redirect: 'manual' });
    expect(answer.status).toBe(302);
    // Relative: the browser stays on the origin it reached the server by.
    expect(answer.headers.get('location')).toMatch(/^\/ui\/v1\/signin\?interaction=/);
  });

  it('says so when no client is configured', async () => {
    const { text } = await banner({ clients: [] });
    expect(text).toContain('No clients are configured');
    expect(text).not.toContain('curl');
  });
});
