/**
 * The dashboard over HTTP: the page and its assets (types, no-store, a CSP without inline
 * script), the event stream (snapshot, then live entries and state changes), that a closed
 * connection unsubscribes, that nothing of it is journaled, and the control API's guard.
 */
import { readdirSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { JournalEntry } from '../../server/index.ts';
import { DASHBOARD_CSP, DASHBOARD_MODULES } from '../../server/dashboard/dashboard-routes.ts';
import type { DashboardSnapshot } from '../../server/dashboard/event-stream.ts';
import { startServer, type UnderstudyServer } from '../support/start-server.ts';
import { readSse, type SseReader } from './sse-reader.ts';

const servers: UnderstudyServer[] = [];
const readers: SseReader[] = [];

afterEach(async () => {
  await Promise.all(readers.splice(0).map((reader) => reader.cancel()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(options: Parameters<typeof startServer>[0] = {}) {
  const server = await startServer(options);
  servers.push(server);
  return server;
}

async function connect(server: UnderstudyServer, signal?: AbortSignal) {
  const response = await fetch(`${server.urls.controlUrl}/events`, { signal });
  const reader = readSse(response.body as ReadableStream<Uint8Array>);
  readers.push(reader);
  return { response, reader };
}

function token(server: UnderstudyServer, clientId = 'demo-client', secret = 'demo-secret') {
  return fetch(server.urls.tokenUrl, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
}

function control(server: UnderstudyServer, method: string, path: string, body?: unknown) {
  return fetch(`${server.urls.controlUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

describe('GET /_understudy/ (the page)', () => {
  it.each(['/_understudy', '/_understudy/'])('%s serves the HTML page, never cached, under a strict CSP', async (path) => {
    const server = await start();
    const response = await fetch(`${server.url}${path}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toBe(DASHBOARD_CSP);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await response.text();
    expect(html).toContain('<script type="module" src="/_understudy/assets/dashboard.js"></script>');
    // No inline script or style the CSP would block.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=/);
  });

  it.each([
    ['dashboard.js', 'text/javascript; charset=utf-8', '// @ts-check'],
    ['shared.js', 'text/javascript; charset=utf-8', 'export function byId'],
    ['stream.js', 'text/javascript; charset=utf-8', 'export function connect'],
    ['table.js', 'text/javascript; charset=utf-8', 'export function addRows'],
    ['timeline.js', 'text/javascript; charset=utf-8', 'export function setClock'],
    ['controls.js', 'text/javascript; charset=utf-8', 'export function wireControls'],
    ['sequence.js', 'text/javascript; charset=utf-8', 'export class SignIns'],
    ['signins.js', 'text/javascript; charset=utf-8', 'export function addSignInSteps'],
    ['tabs.js', 'text/javascript; charset=utf-8', 'export function wireTabs'],
    ['dashboard.css', 'text/css; charset=utf-8', ':root'],
  ])('serves %s as %s, under the same CSP as the page', async (name, type, start_) => {
    const server = await start();
    const response = await fetch(`${server.urls.controlUrl}/assets/${name}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(type);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);
    expect(await response.text()).toContain(start_);
  });

  it('serves every module the entry imports, directly or not, and every file of assets/ (none forgotten)', async () => {
    const server = await start();
    const seen = new Set<string>();
    const pending = ['dashboard.js'];
    for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
      if (seen.has(name)) continue;
      seen.add(name);
      const response = await fetch(`${server.urls.controlUrl}/assets/${name}`);
      expect(response.status, name).toBe(200);
      expect(response.headers.get('content-type'), name).toBe('text/javascript; charset=utf-8');
      const source = await response.text();
      // Relative specifiers only: the CSP allows this origin alone, and there is no import map.
      for (const [, specifier] of source.matchAll(/^import .* from '([^']+)';$/gm)) {
        expect(specifier, `${name} imports ${specifier}`).toMatch(/^\.\/[a-z-]+\.js$/);
        pending.push((specifier as string).slice(2));
      }
    }
    expect([...seen].sort()).toEqual([...DASHBOARD_MODULES].sort());
    const files = readdirSync(new URL('../../server/dashboard/assets/', import.meta.url));
    expect(files.sort()).toEqual([...DASHBOARD_MODULES, 'dashboard.css', 'index.html'].sort());
  });

  it.each(['/assets/other.js', '/assets/..%2Fdashboard-routes.ts', '/assets/%2e%2e%2fevent-stream.ts', '/assets/..%2F..%2Fkeys%2Fkey-ring.ts', '/assets/%2E%2E%2Fassets%2Fshared.js', '/assets/Shared.js', '/assets/shared.ts', '/assets/toString', '/assets/__proto__'])('answers 404 for %s: only the page\'s own assets are served', async (path) => {
    const server = await start();
    const response = await fetch(`${server.urls.controlUrl}${path}`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });

  it('the page, its assets and the event stream are not journaled', async () => {
    const server = await start();
    await (await fetch(`${server.urls.controlUrl}/`)).text();
    await (await fetch(`${server.urls.controlUrl}/assets/dashboard.js`)).text();
    const { reader } = await connect(server);
    await reader.nextNamed('snapshot');
    await reader.cancel();
    expect(server.journal.entries()).toEqual([]);
  });
});

describe('GET /_understudy/events', () => {
  it('answers text/event-stream with a snapshot of the journal and the state', async () => {
    const server = await start();
    await (await token(server)).text();
    await control(server, 'POST', '/faults', { preset: 'token.temporarily_unavailable', match: { nth: 5 } });
    const { response, reader } = await connect(server);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const snapshot = await reader.nextNamed<DashboardSnapshot>('snapshot');
    expect(snapshot.entries.map((e) => [e.endpoint, e.status])).toEqual([['token', 200]]);
    expect(snapshot.entries[0]?.issued?.jti).toMatch(/^[0-9a-f]{32}$/);
    expect(snapshot.faults.map((f) => f.preset)).toEqual(['token.temporarily_unavailable']);
    expect(snapshot.clock.frozen).toBe(false);
    expect(snapshot.signing).toBe(server.keys.current.kid);
  });

  it('then sends each journal entry as it is recorded, with the faults that touched it', async () => {
    const server = await start();
    const { reader } = await connect(server);
    await reader.nextNamed('snapshot');
    await (await token(server)).text();
    const first = await reader.nextNamed<JournalEntry>('entry');
    expect(first).toMatchObject({ seq: 1, endpoint: 'token', status: 200, clientId: 'demo-client' });

    await control(server, 'POST', '/faults', { preset: 'token.temporarily_unavailable' });
    expect((await reader.nextNamed<{ faults: { preset: string }[] }>('faults')).faults.map((f) => f.preset)).toEqual(['token.temporarily_unavailable']);
    await (await token(server)).text();
    const faulted = await reader.nextNamed<JournalEntry>('entry');
    expect(faulted).toMatchObject({ seq: 2, status: 503, error: 'temporarily_unavailable' });
    expect(faulted.faults?.[0]).toMatchObject({ preset: 'token.temporarily_unavailable' });
    // The rule's counter moved: the page's list of active faults follows.
    expect((await reader.nextNamed<{ faults: { applied: number }[] }>('faults')).faults[0]?.applied).toBe(1);
  });

  it('sends clock changes, key rotations, revocations and journal clears made through the control API', async () => {
    const server = await start();
    const { reader } = await connect(server);
    await reader.nextNamed('snapshot');
    await control(server, 'POST', '/clock/advance', { seconds: 3600 });
    expect((await reader.nextNamed<{ offset: number }>('clock')).offset).toBeCloseTo(3600, 0);
    const rotated = (await (await control(server, 'POST', '/keys/rotate', {})).json()) as { kid: string; previous: string };
    expect(await reader.nextNamed('keys')).toEqual({ signing: rotated.kid, keys: [{ kid: rotated.kid }, { kid: rotated.previous, retiredAt: expect.any(Number) }] });
    await control(server, 'POST', '/tokens/revoke', { jti: 'abc123' });
    expect(await reader.nextNamed('revoked')).toMatchObject({ jti: 'abc123', time: expect.any(Number) });
    await control(server, 'DELETE', '/journal');
    expect(await reader.nextNamed('cleared')).toEqual({});
  });

  it('sends revocations, journal clears, fault changes and key rotations made in process, not only through the control API', async () => {
    const server = await start();
    const { reader } = await connect(server);
    await reader.nextNamed('snapshot');
    server.revoke({ jti: 'in-process-jti' });
    expect(await reader.nextNamed('revoked')).toEqual({ jti: 'in-process-jti', time: expect.any(Number) });
    server.revoke({ clientId: 'demo-client' });
    expect(await reader.nextNamed('revoked')).toMatchObject({ clientId: 'demo-client' });
    server.journal.clear();
    expect(await reader.nextNamed('cleared')).toEqual({});
    const rule = server.faults.add({ preset: 'token.temporarily_unavailable' });
    expect((await reader.nextNamed<{ faults: { id: string }[] }>('faults')).faults.map((f) => f.id)).toEqual([rule.id]);
    server.faults.remove(rule.id);
    expect(await reader.nextNamed('faults')).toEqual({ faults: [] });
    const key = await server.keys.rotate();
    expect(await reader.nextNamed('keys')).toMatchObject({ signing: key.kid });
  });

  it('sends the key list when a grace period ends as the control API advances the clock: the old key leaves the page', async () => {
    const server = await start();
    await control(server, 'POST', '/clock/freeze');
    const rotated = (await (await control(server, 'POST', '/keys/rotate', { grace: 300 })).json()) as { kid: string; previous: string };
    const { reader } = await connect(server);
    const snapshot = await reader.nextNamed<DashboardSnapshot>('snapshot');
    expect(snapshot.keys.map((key) => key.kid)).toEqual([rotated.kid, rotated.previous]);
    await control(server, 'POST', '/clock/advance', { seconds: 300 });
    expect(await reader.nextNamed('keys')).toEqual({ signing: rotated.kid, keys: [{ kid: rotated.kid }] });
  });

  it('a newly connected page gets the revocations made before it connected', async () => {
    const server = await start();
    await control(server, 'POST', '/tokens/revoke', { clientId: 'demo-client' });
    const { reader } = await connect(server);
    const snapshot = await reader.nextNamed<DashboardSnapshot>('snapshot');
    expect(snapshot.revocations).toEqual([{ time: expect.any(Number), clientId: 'demo-client' }]);
  });

  it('a newly connected page gets the revocations made in process before it connected', async () => {
    const server = await start();
    server.revoke({ jti: 'early-jti' });
    const { reader } = await connect(server);
    const snapshot = await reader.nextNamed<DashboardSnapshot>('snapshot');
    expect(snapshot.revocations).toEqual([{ time: expect.any(Number), jti: 'early-jti' }]);
  });

  it('unsubscribes from the journal and the clock when the client disconnects', async () => {
    const server = await start();
    const unsubscribed: string[] = [];
    const spyOnUnsubscribe = <T extends object>(target: T, method: string) => {
      const original = (target as Record<string, (listener: unknown) => () => void>)[method] as (listener: unknown) => () => void;
      vi.spyOn(target as Record<string, (listener: unknown) => () => void>, method).mockImplementation((listener: unknown) => {
        const off = original.call(target, listener);
        return () => {
          unsubscribed.push(method);
          off();
        };
      });
    };
    spyOnUnsubscribe(server.journal, 'subscribe');
    spyOnUnsubscribe(server.clock, 'onChange');
    const abort = new AbortController();
    const { reader } = await connect(server, abort.signal);
    await reader.nextNamed('snapshot');
    expect(unsubscribed).toEqual([]);
    abort.abort();
    // The server sees the closed connection a moment after the client.
    // The clock twice: the stream's clock events, and its watch on grace periods.
    await vi.waitFor(() => expect(unsubscribed.sort()).toEqual(['onChange', 'onChange', 'subscribe']), { timeout: 10_000, interval: 20 });
    // The journal and the clock go on as before.
    expect((await token(server)).status).toBe(200);
    expect((await control(server, 'POST', '/clock/advance', { seconds: 1 })).status).toBe(200);
    expect(server.journal.entries()).toHaveLength(1);
  });

  it('server.close() ends open event streams instead of waiting for them', async () => {
    const server = await start();
    const { reader } = await connect(server);
    await reader.nextNamed('snapshot');
    servers.splice(servers.indexOf(server), 1);
    await server.close();
    await expect(reader.next(2000)).rejects.toThrow();
  });
});

describe('the dashboard behind the control API guard', () => {
  const external = Object.values(networkInterfaces())
    .flat()
    .find((address) => address && address.family === 'IPv4' && !address.internal)?.address;

  it.skipIf(!external)('with an admin token configured, a non-loopback caller needs it for the page and the events (401 without)', async () => {
    const server = await start({ host: '0.0.0.0', config: { control: { adminToken: 'a-long-admin-token-0123456789' } } });
    const remote = (path: string, headers: Record<string, string> = {}) => fetch(`http://${external}:${new URL(server.url).port}/_understudy${path}`, { headers });
    expect((await remote('/')).status).toBe(401);
    expect((await remote('/events')).status).toBe(401);
    const allowed = await remote('/', { authorization: 'Bearer a-long-admin-token-0123456789' });
    expect(allowed.status).toBe(200);
    await allowed.text();
  });

  it.skipIf(!external)('without an admin token configured, a non-loopback caller gets 403', async () => {
    const server = await start({ host: '0.0.0.0' });
    const response = await fetch(`http://${external}:${new URL(server.url).port}/_understudy/events`);
    expect(response.status).toBe(403);
    await response.text();
  });
});
