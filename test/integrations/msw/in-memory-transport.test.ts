// The in-memory transport carries a Fetch Request through Node's HTTP client and server with no
// port, and maps what a connection does (answers, resets, cuts, is abandoned) to what fetch sees.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createInMemoryTransport, type InMemoryTransport } from '../../../integrations/msw/in-memory-transport.ts';

/** For vi.waitFor: its 1 s default is too short on a loaded 2-core machine. */
const WAIT = { timeout: 10_000 } as const;

let transport: InMemoryTransport | undefined;
afterEach(() => transport?.close());

function over(listener: (req: IncomingMessage, res: ServerResponse) => void): InMemoryTransport {
  transport = createInMemoryTransport(listener);
  return transport;
}

describe('createInMemoryTransport', () => {
  it('carries method, path, query, headers and body, and brings back status, headers and body', async () => {
    const seen: Record<string, unknown> = {};
    const t = over((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        Object.assign(seen, { method: req.method, url: req.url, host: req.headers.host, auth: req.headers.authorization, length: req.headers['content-length'], body, address: req.socket.remoteAddress });
        res.writeHead(201, 'Made', { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] });
        res.end('{"ok":true}');
      });
    });
    const response = await t.send(new Request('https://idcs-1.example.com/oauth2/v1/token?x=1', { method: 'POST', headers: { authorization: 'Basic abc' }, body: 'grant_type=client_credentials' }));
    expect(seen).toEqual({ method: 'POST', url: '/oauth2/v1/token?x=1', host: 'idcs-1.example.com', auth: 'Basic abc', length: '29', body: 'grant_type=client_credentials', address: '127.0.0.1' });
    expect(response.status).toBe(201);
    expect(response.statusText).toBe('Made');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await response.json()).toEqual({ ok: true });
    await vi.waitFor(() => expect(t.openConnections).toBe(0), WAIT);
  });

  it('answers HEAD and 204 with a null body', async () => {
    const t = over((req, res) => {
      res.statusCode = req.method === 'HEAD' ? 200 : 204;
      res.setHeader('content-length', '5');
      res.end(req.method === 'HEAD' ? undefined : '');
    });
    expect((await t.send(new Request('http://h.test/', { method: 'HEAD' }))).body).toBeNull();
    expect((await t.send(new Request('http://h.test/', { method: 'DELETE' }))).status).toBe(204);
  });

  it('resolves Response.error() when the connection is reset or closed without an answer', async () => {
    const t = over((req) => (req.url === '/reset' ? req.socket.destroy(new Error('reset')) : req.socket.end()));
    expect((await t.send(new Request('http://h.test/reset'))).type).toBe('error');
    expect((await t.send(new Request('http://h.test/empty'))).type).toBe('error');
  });

  it('hands out the bytes received before a cut, then fails the body read', async () => {
    const t = over((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"access_token":', () => res.destroy());
    });
    const response = await t.send(new Request('http://h.test/'));
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('{"access_token":');
    await expect(reader.read()).rejects.toThrow();
  });

  it('closes the server side of the connection when the request signal aborts', async () => {
    const closed = vi.fn();
    const arrived = vi.fn();
    const t = over((req) => {
      arrived();
      req.socket.once('close', closed);
    });
    const controller = new AbortController();
    const pending = t.send(new Request('http://h.test/', { signal: controller.signal }));
    await vi.waitFor(() => expect(arrived).toHaveBeenCalled(), WAIT);
    controller.abort();
    expect((await pending).type).toBe('error');
    await vi.waitFor(() => expect(closed).toHaveBeenCalled(), WAIT);
  });

  it('closes the server side of the connection when the client cancels a body still arriving', async () => {
    const closed = vi.fn();
    const t = over((req, res) => {
      req.socket.once('close', closed);
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"access_token":');
    });
    const response = await t.send(new Request('http://h.test/'));
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('{"access_token":');
    expect(closed).not.toHaveBeenCalled();
    await reader.cancel();
    await vi.waitFor(() => expect(closed).toHaveBeenCalled(), WAIT);
    expect(t.openConnections).toBe(0);
  });

  it('closes open connections on close() and refuses later requests with the fix', async () => {
    const closed = vi.fn();
    const arrived = vi.fn();
    const t = over((req) => {
      arrived();
      req.socket.once('close', closed);
    });
    const pending = t.send(new Request('http://h.test/'));
    await vi.waitFor(() => expect(arrived).toHaveBeenCalled(), WAIT);
    expect(t.openConnections).toBe(1);
    t.close();
    expect((await pending).type).toBe('error');
    expect(closed).toHaveBeenCalled();
    expect(t.openConnections).toBe(0);
    await expect(t.send(new Request('http://h.test/late'))).rejects.toThrow(/arrived after close\(\); remove these handlers from msw/);
  });
});
