/**
 * The control API's guard, as a unit: a test cannot easily connect from a non-loopback address,
 * so guardControl() is called with a fake Koa context.
 */
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { guardControl, isLoopback } from '../../server/control/loopback.ts';
import { Problem } from '../../server/http/problem.ts';
import type { HttpContext } from '../../server/http/types.ts';
import { start } from '../api/support/harness.ts';

const ADMIN_TOKEN = 'a-long-admin-token-0123456789';

/** The parts of a Koa context guardControl reads: the socket's addresses, the method and headers. */
function fakeCtx(remoteAddress: string | undefined, headers: Record<string, string> = {}, method = 'GET', localAddress = '127.0.0.1'): HttpContext {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    req: { socket: { remoteAddress, localAddress }, headers: lower },
    method,
    headers: lower,
    get: (name: string) => lower[name.toLowerCase()] ?? '',
  } as unknown as HttpContext;
}

function problemOf(run: () => void): Problem {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(Problem);
    return error as Problem;
  }
  throw new Error('expected a Problem to be thrown');
}

describe('isLoopback', () => {
  it.each(['127.0.0.1', '127.1.2.3', '127.255.255.254', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '::ffff:7f00:1'])('%s is loopback', (address) => {
    expect(isLoopback(address)).toBe(true);
  });

  it.each(['10.0.0.5', '192.168.1.1', '::ffff:10.0.0.5', '2001:db8::1', '0.0.0.0', '::', '128.0.0.1', ''])('%s is not loopback', (address) => {
    expect(isLoopback(address)).toBe(false);
  });

  it.each(['127.evil.example', '127.0.0.1.evil.example', '::ffff:127.evil.example', '127.1', 'localhost'])('%s is a name, not a loopback address', (name) => {
    expect(isLoopback(name)).toBe(false);
  });

  it('an unknown address (socket gone) is not loopback', () => {
    expect(isLoopback(undefined)).toBe(false);
  });
});

describe('guardControl', () => {
  it('lets a loopback caller through, with or without an admin token configured', () => {
    expect(() => guardControl(fakeCtx('127.0.0.1'), undefined)).not.toThrow();
    expect(() => guardControl(fakeCtx('::1'), ADMIN_TOKEN)).not.toThrow();
    expect(() => guardControl(fakeCtx('::ffff:127.0.0.1', { authorization: 'Bearer wrong' }), ADMIN_TOKEN)).not.toThrow();
  });

  it('refuses a remote caller with 403 when no admin token is configured', () => {
    const problem = problemOf(() => guardControl(fakeCtx('10.0.0.5'), undefined));
    expect(problem.status).toBe(403);
    expect(problem.title).toBe('Forbidden');
    expect(problem.message).toMatch(/adminToken/);
  });

  it('refuses a remote caller with 403 even when it sends a bearer token, if none is configured', () => {
    const problem = problemOf(() => guardControl(fakeCtx('10.0.0.5', { authorization: `Bearer ${ADMIN_TOKEN}` }), undefined));
    expect(problem.status).toBe(403);
  });

  it('lets a remote caller with the right admin bearer token through', () => {
    expect(() => guardControl(fakeCtx('10.0.0.5', { authorization: `Bearer ${ADMIN_TOKEN}` }), ADMIN_TOKEN)).not.toThrow();
    expect(() => guardControl(fakeCtx('10.0.0.5', { authorization: `bearer ${ADMIN_TOKEN}` }), ADMIN_TOKEN)).not.toThrow();
  });

  it.each([
    ['a wrong token', `Bearer not-the-admin-token`],
    ['a prefix of the token', `Bearer ${ADMIN_TOKEN.slice(0, -1)}`],
    ['the token with extra characters', `Bearer ${ADMIN_TOKEN}x`],
    ['the token under the Basic scheme', `Basic ${ADMIN_TOKEN}`],
    ['no Authorization header', undefined],
    ['an empty bearer', 'Bearer '],
  ])('refuses a remote caller with 401 for %s', (_what, authorization) => {
    const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
    const problem = problemOf(() => guardControl(fakeCtx('10.0.0.5', headers), ADMIN_TOKEN));
    expect(problem.status).toBe(401);
    expect(problem.title).toBe('Unauthorized');
  });

  it('treats an unknown remote address as remote', () => {
    expect(problemOf(() => guardControl(fakeCtx(undefined), undefined)).status).toBe(403);
  });
});

describe('guardControl against browser attacks on a loopback server', () => {
  it.each(['127.0.0.1:9400', 'localhost:9400', 'localhost', 'LOCALHOST', 'dash.localhost:9400', '[::1]:9400', '[0:0:0:0:0:0:0:1]:9400', '127.0.0.1', '127.1.2.3:9400'])('accepts Host %s', (host) => {
    expect(() => guardControl(fakeCtx('127.0.0.1', { host }, 'POST'), undefined)).not.toThrow();
  });

  // A rebinding attacker picks the name; any name that merely starts like an address is theirs.
  it.each(['127.evil.example', '127.evil.example:9400', '127.0.0.1.evil.example:9400', 'x@127.0.0.1:9400', '127.0.0.1:9400:1', '[::1', '[127.0.0.1]:9400', '[::1]evil.example'])(
    'refuses Host %s with 403',
    (host) => {
      const problem = problemOf(() => guardControl(fakeCtx('127.0.0.1', { host }), undefined));
      expect(problem.status).toBe(403);
      expect(problem.message).toContain(host);
    },
  );

  it('accepts the address the client connected to as Host (a server bound to a LAN address, called from itself)', () => {
    expect(() => guardControl(fakeCtx('127.0.0.1', { host: '192.168.1.20:9400' }, 'GET', '::ffff:192.168.1.20'), undefined)).not.toThrow();
  });

  it('refuses a foreign Host (DNS rebinding: evil.example resolved to 127.0.0.1) with 403 naming the Host', () => {
    const problem = problemOf(() => guardControl(fakeCtx('127.0.0.1', { host: 'evil.example:9400' }), undefined));
    expect(problem.status).toBe(403);
    expect(problem.message).toContain('evil.example:9400');
    expect(problem.message).toMatch(/DNS rebinding/);
  });

  it('refuses a state-changing request from another origin (cross-site form or no-cors fetch)', () => {
    const problem = problemOf(() => guardControl(fakeCtx('127.0.0.1', { host: '127.0.0.1:9400', origin: 'https://evil.example' }, 'POST'), undefined));
    expect(problem.status).toBe(403);
    expect(problem.message).toContain('https://evil.example');
    expect(problemOf(() => guardControl(fakeCtx('127.0.0.1', { host: '127.0.0.1:9400', origin: 'null' }, 'DELETE'), undefined)).status).toBe(403);
  });

  it('refuses a state-changing request whose Origin is on another port, scheme or name of the machine', () => {
    for (const origin of ['http://127.0.0.1:9401', 'http://localhost:9400', 'file://', 'http://127.0.0.1:9400.evil.example', 'not a url']) {
      expect(problemOf(() => guardControl(fakeCtx('127.0.0.1', { host: '127.0.0.1:9400', origin }, 'POST'), undefined)).status, origin).toBe(403);
    }
  });

  it('refuses a rebinding page posting from its own origin: its Host is not this machine, whatever the Origin says', () => {
    const problem = problemOf(() => guardControl(fakeCtx('127.0.0.1', { host: '127.evil.example:9400', origin: 'http://127.evil.example:9400' }, 'POST'), undefined));
    expect(problem.status).toBe(403);
    expect(problem.message).toMatch(/DNS rebinding/);
  });

  it('compares Origin and Host as URLs: letter case, a default port and an IPv6 address written as in the URL', () => {
    for (const [host, origin] of [
      ['LOCALHOST:9400', 'http://localhost:9400'],
      ['127.0.0.1:80', 'http://127.0.0.1'],
      ['127.0.0.1', 'http://127.0.0.1:80'],
      ['[::1]:9400', 'http://[::1]:9400'],
      ['127.0.0.1:9400', 'https://127.0.0.1:9400'],
    ] as const) {
      expect(() => guardControl(fakeCtx('127.0.0.1', { host, origin }, 'POST'), undefined), `${host} ${origin}`).not.toThrow();
    }
  });

  it('lets the dashboard (same origin), reads from anywhere on the machine, and non-browser clients (no Origin) through', () => {
    expect(() => guardControl(fakeCtx('127.0.0.1', { host: '127.0.0.1:9400', origin: 'http://127.0.0.1:9400' }, 'POST'), undefined)).not.toThrow();
    expect(() => guardControl(fakeCtx('127.0.0.1', { host: '127.0.0.1:9400', origin: 'https://evil.example' }, 'GET'), undefined)).not.toThrow();
    expect(() => guardControl(fakeCtx('127.0.0.1', { host: '127.0.0.1:9400' }, 'POST'), undefined)).not.toThrow();
  });
});

/** The status of a GET sent with this Host header (fetch would always send the URL's own host). */
function statusWithHost(url: string, host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    request(url, { headers: { host } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });
}

describe('the guard in the running server', () => {
  it('answers a rebinding page with 403 and a cross-site POST with 403, over HTTP', async () => {
    const h = await start();
    // fetch always sends the URL's host; node:http sends the Host a rebinding page's request has.
    const rebinding = await new Promise<number>((resolve, reject) => {
      request(`${h.url}/_understudy/clock`, { headers: { host: 'evil.example' } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(rebinding).toBe(403);
    const { port } = new URL(h.url);
    expect(await statusWithHost(`${h.url}/_understudy/clock`, '127.evil.example')).toBe(403);
    expect(await statusWithHost(`${h.url}/_understudy/clock`, `127.evil.example:${port}`)).toBe(403);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'localhost']) {
      expect(await statusWithHost(`${h.url}/_understudy/clock`, host), host).toBe(200);
    }
    const crossSite = await fetch(`${h.url}/_understudy/keys/rotate`, { method: 'POST', headers: { origin: 'https://evil.example' } });
    expect(crossSite.status).toBe(403);
    expect((await h.control('GET', '/keys')).body).toMatchObject({ signing: 'SIGNING_KEY' });
  });

  it('a loopback caller needs no admin token even when one is configured', async () => {
    const h = await start({ control: { adminToken: ADMIN_TOKEN } });
    expect((await h.control('GET', '/clock')).status).toBe(200);
  });
});
