/**
 * Transport faults (FAULTS.md "transport faults": delay, hang, reset, empty reply, truncated
 * body) as a real client sees them over a socket, and the journal's `transport` field.
 * The only real waits here are the hang/abort/delay ones, each well under a second.
 */
import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { DEMO_CLIENT, basic, expectFault, fetchFailure, FORM, read, startFaultServer, type FaultServer } from './support.ts';

/** Aborts after `ms` real milliseconds: a client-side timeout. */
function timeout(ms: number): AbortSignal {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), ms).unref();
  return controller.signal;
}

/** Waits until the rule has matched `count` requests (the request reached the fault layer). */
async function waitForMatch(s: FaultServer, id: string, count = 1): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const rule = (await s.listFaults()).find((r) => r.id === id);
    if (rule && rule.matched >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`rule ${id} never matched ${count} request(s)`);
}

describe('token.hang', () => {
  it('never answers: a client timeout (AbortController, 150 ms) rejects with AbortError; journaled as abandoned, status 0', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.hang' });
    const started = performance.now();
    const failure = await fetchFailure(fetch(s.tokenUrl, { ...s.tokenInit(), signal: timeout(150) }));
    const elapsed = performance.now() - started;
    expect(failure.name).toBe('AbortError');
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(1000);

    const entry = await s.lastEntry(1);
    expect(entry).toMatchObject({ endpoint: 'token', status: 0, transport: 'abandoned', decision: 'rejected', reason: 'the client gave up waiting' });
    expect(entry.durationMs).toBeGreaterThanOrEqual(100);
    expectFault(entry, id, 'token.hang', 'hang');
    expect(entry.faults?.[0]?.effect).toBe('held without an answer');
  });

  it('a hung request is released with a normal 200 when the rule is DELETEd', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.hang' });
    let settled = false;
    const pending = fetch(s.tokenUrl, s.tokenInit()).then(async (response) => {
      settled = true;
      return read(response);
    });
    await waitForMatch(s, id);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);

    expect((await s.deleteFault(id)).status).toBe(204);
    const reply = await pending;
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(typeof reply.json.access_token).toBe('string');

    const entry = await s.lastEntry(1);
    expect(entry).toMatchObject({ status: 200, decision: 'issued' });
    expect(entry.transport).toBeUndefined();
    expect(entry.faults).toEqual([
      { rule: id, preset: 'token.hang', action: 'hang', effect: 'held without an answer' },
      { rule: id, preset: 'token.hang', action: 'hang', effect: 'released when the rule was removed' },
    ]);
    // And the next request is not held.
    expect((await s.token()).status).toBe(200);
  });

  it('a request whose client gave up just before the rule was removed is journaled as abandoned, never as answered', async () => {
    for (let round = 0; round < 3; round += 1) {
      const s = await startFaultServer();
      const id = await s.addFault({ preset: 'token.hang' });
      const controller = new AbortController();
      const pending = fetchFailure(fetch(s.tokenUrl, { ...s.tokenInit(), signal: controller.signal }));
      await waitForMatch(s, id);
      // The client hangs up and the rule goes in the same turn, before the server hears the close.
      controller.abort();
      s.server.faults.remove(id);
      expect((await pending).name).toBe('AbortError');
      await s.server.settle();
      const entry = s.server.journal.entries().at(-1);
      expect(entry).toMatchObject({ status: 0, transport: 'abandoned', decision: 'rejected', reason: 'the client gave up waiting' });
      expect(entry?.issued).toBeUndefined();
    }
  });

  it('at the end of a harness run (settle with endHeld) a request still held is journaled as reset, the client never answered', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.hang' });
    const pending = fetchFailure(fetch(s.tokenUrl, s.tokenInit()));
    await waitForMatch(s, id);
    expect(await s.server.settle({ endHeld: true })).toBe(true);
    expect((await pending).name).toBe('TypeError');
    expect(s.server.journal.entries().at(-1)).toMatchObject({ status: 0, transport: 'reset', reason: 'still held, without an answer, when the harness ended the run' });
    expect(s.server.hungRequests()).toBe(0);
  });

  it('a hung request is dropped when the server closes', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.hang' });
    const pending = fetchFailure(fetch(s.tokenUrl, s.tokenInit()));
    await waitForMatch(s, id);
    await s.server.close();
    const failure = await pending;
    expect(failure.name).toBe('TypeError');
    const entry = s.server.journal.entries().at(-1);
    expect(entry).toMatchObject({ status: 0, transport: 'reset', reason: 'the server stopped while the request hung' });
  });
});

describe('token.reset', () => {
  it('resets the connection: fetch rejects with cause ECONNRESET; journaled as reset, status 0', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.reset' });
    const failure = await fetchFailure(fetch(s.tokenUrl, s.tokenInit()));
    expect(failure).toMatchObject({ name: 'TypeError', message: 'fetch failed', code: 'ECONNRESET' });
    const entry = await s.lastEntry(1);
    expect(entry).toMatchObject({ endpoint: 'token', status: 0, transport: 'reset', decision: 'rejected', reason: 'connection reset by a fault rule' });
    expectFault(entry, id, 'token.reset', 'reset');
    expect(entry.faults?.[0]?.effect).toBe('connection reset');
  });

  it('node:http sees ECONNRESET too, and nothing of a response', async () => {
    const s = await startFaultServer();
    await s.addFault({ preset: 'token.reset' });
    const outcome = await new Promise<{ code?: string; response: boolean }>((resolve) => {
      const req = httpRequest(s.tokenUrl, { method: 'POST', agent: false, headers: { authorization: basic(DEMO_CLIENT.id, DEMO_CLIENT.secret), 'content-type': FORM } }, () =>
        resolve({ response: true }),
      );
      req.on('error', (error: NodeJS.ErrnoException) => resolve({ code: error.code, response: false }));
      req.end('grant_type=client_credentials');
    });
    expect(outcome).toEqual({ code: 'ECONNRESET', response: false });
  });
});

describe('token.empty_reply', () => {
  it('closes without a response: fetch rejects (socket closed); journaled as empty_reply, status 0', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.empty_reply' });
    const failure = await fetchFailure(fetch(s.tokenUrl, s.tokenInit()));
    expect(failure).toMatchObject({ name: 'TypeError', message: 'fetch failed', code: 'UND_ERR_SOCKET' });
    const entry = await s.lastEntry(1);
    expect(entry).toMatchObject({ status: 0, transport: 'empty_reply', decision: 'rejected' });
    expectFault(entry, id, 'token.empty_reply', 'empty_reply');
    expect(entry.faults?.[0]?.effect).toBe('closed without a response');
  });

  it('node:http gets "socket hang up" (no status line at all)', async () => {
    const s = await startFaultServer();
    await s.addFault({ preset: 'token.empty_reply' });
    const outcome = await new Promise<{ code?: string; message?: string }>((resolve) => {
      const req = httpRequest(s.tokenUrl, { method: 'POST', agent: false, headers: { authorization: basic(DEMO_CLIENT.id, DEMO_CLIENT.secret), 'content-type': FORM } }, (res) =>
        resolve({ code: `status ${res.statusCode}` }),
      );
      req.on('error', (error: NodeJS.ErrnoException) => resolve({ code: error.code, message: error.message }));
      req.end('grant_type=client_credentials');
    });
    expect(outcome).toEqual({ code: 'ECONNRESET', message: 'socket hang up' });
  });
});

describe('token.truncated', () => {
  it('sends the status and full Content-Length, then half the body and closes; the body read fails', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.truncated' });
    const response = await fetch(s.tokenUrl, s.tokenInit());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Number(response.headers.get('content-length'))).toBeGreaterThan(100);
    const failure = await fetchFailure(response.text());
    expect(failure).toMatchObject({ name: 'TypeError', message: 'terminated', code: 'UND_ERR_SOCKET' });

    const entry = await s.lastEntry(1);
    // The status line went out, so the journal keeps it; the transport says the body was cut.
    expect(entry).toMatchObject({ status: 200, transport: 'truncated', decision: 'issued' });
    expectFault(entry, id, 'token.truncated', 'truncate');
    expect(entry.faults?.[0]?.effect).toBe('cut the 200 answer after 50% of its body');
  });

  it('exactly half of the declared bytes arrive', async () => {
    const s = await startFaultServer();
    await s.addFault({ preset: 'token.truncated' });
    const { declared, received } = await new Promise<{ declared: number; received: number }>((resolve, reject) => {
      const req = httpRequest(s.tokenUrl, { method: 'POST', agent: false, headers: { authorization: basic(DEMO_CLIENT.id, DEMO_CLIENT.secret), 'content-type': FORM } }, (res) => {
        let received = 0;
        res.on('data', (chunk: Buffer) => (received += chunk.length));
        res.on('error', () => undefined);
        res.on('close', () => resolve({ declared: Number(res.headers['content-length']), received }));
      });
      req.on('error', reject);
      req.end('grant_type=client_credentials');
    });
    expect(received).toBe(Math.floor(declared * 0.5));
  });

  it('a full rule with fraction 0.1 cuts an error answer too', async () => {
    const s = await startFaultServer();
    await s.addFault({ action: { type: 'truncate', fraction: 0.1 }, match: { endpoint: 'token' } });
    const response = await fetch(s.tokenUrl, s.tokenInit({ secret: 'wrong' }));
    expect(response.status).toBe(401);
    await expect(response.text()).rejects.toThrow('terminated');
    expect((await s.lastEntry(1)).faults?.[0]?.effect).toBe('cut the 401 answer after 10% of its body');
  });
});

describe('token.delay', () => {
  it('with ms 100 the answer is a normal 200, at least 100 ms late', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ preset: 'token.delay', params: { ms: 100 } });
    const started = performance.now();
    const reply = await s.token();
    const elapsed = performance.now() - started;
    expect(reply.status).toBe(200);
    expect(elapsed).toBeGreaterThanOrEqual(100);
    const entry = await s.lastEntry();
    expect(entry).toMatchObject({ status: 200, decision: 'issued' });
    expect(entry.durationMs).toBeGreaterThanOrEqual(99);
    expectFault(entry, id, 'token.delay', 'delay');
    expect(entry.faults?.[0]?.effect).toBe('delayed 100ms');
  });

  it('jitter adds a seeded share of jitterMs', async () => {
    const s = await startFaultServer();
    await s.addFault({ preset: 'token.delay', params: { ms: 10, jitterMs: 40 }, match: { seed: 3 } });
    const effects: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      await s.token();
      effects.push(Number(/^delayed (\d+)ms$/.exec((await s.lastEntry()).faults?.[0]?.effect ?? '')?.[1]));
    }
    for (const ms of effects) {
      expect(ms).toBeGreaterThanOrEqual(10);
      expect(ms).toBeLessThanOrEqual(50);
    }
    expect(new Set(effects).size).toBeGreaterThan(1);
  });

  it('a delay combines with an error rule: late, then the error', async () => {
    const s = await startFaultServer();
    const late = await s.addFault({ preset: 'token.delay', params: { ms: 50 } });
    const error = await s.addFault({ preset: 'token.server_error' });
    const started = performance.now();
    expect((await s.token()).status).toBe(500);
    expect(performance.now() - started).toBeGreaterThanOrEqual(50);
    expect((await s.lastEntry()).faults?.map((f) => f.rule)).toEqual([late, error]);
  });
});

describe('API transport faults', () => {
  it('api.hang: the API call times out on the client (AbortError); journaled as abandoned', async () => {
    const s = await startFaultServer();
    const token = await s.accessToken();
    const id = await s.addFault({ preset: 'api.hang' });
    const failure = await fetchFailure(s.api(token, { signal: timeout(150) }));
    expect(failure.name).toBe('AbortError');
    const entry = await s.lastEntry(2);
    expect(entry).toMatchObject({ endpoint: 'api', status: 0, transport: 'abandoned' });
    expectFault(entry, id, 'api.hang', 'hang');
    // The token endpoint does not hang.
    expect((await s.token()).status).toBe(200);
  });

  it('api.reset: ECONNRESET on the API call; journaled as reset', async () => {
    const s = await startFaultServer();
    const token = await s.accessToken();
    const id = await s.addFault({ preset: 'api.reset' });
    const failure = await fetchFailure(s.api(token));
    expect(failure.code).toBe('ECONNRESET');
    const entry = await s.lastEntry(2);
    expect(entry).toMatchObject({ endpoint: 'api', status: 0, transport: 'reset' });
    expectFault(entry, id, 'api.reset', 'reset');
  });

  it('api.empty_reply: the API call fails with no status line; journaled as empty_reply', async () => {
    const s = await startFaultServer();
    const token = await s.accessToken();
    const id = await s.addFault({ preset: 'api.empty_reply' });
    const failure = await fetchFailure(s.api(token));
    expect(failure.code).toBe('UND_ERR_SOCKET');
    const entry = await s.lastEntry(2);
    expect(entry).toMatchObject({ endpoint: 'api', status: 0, transport: 'empty_reply', route: 'hcm-employees', clientId: 'demo-client' });
    expectFault(entry, id, 'api.empty_reply', 'empty_reply');
  });

  it('api.truncated: the 200 arrives with its Content-Length but the body read fails', async () => {
    const s = await startFaultServer();
    const token = await s.accessToken();
    const id = await s.addFault({ preset: 'api.truncated' });
    const response = await fetch(`${s.url}/hcmRestApi/resources/11.13.18.05/emps`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    const failure = await fetchFailure(response.text());
    expect(failure.code).toBe('UND_ERR_SOCKET');
    const entry = await s.lastEntry(2);
    expect(entry).toMatchObject({ endpoint: 'api', status: 200, transport: 'truncated', decision: 'allowed' });
    expectFault(entry, id, 'api.truncated', 'truncate');
  });

  it('api.delay: the API answers 200, at least ms late', async () => {
    const s = await startFaultServer();
    const token = await s.accessToken();
    const id = await s.addFault({ preset: 'api.delay', params: { ms: 80 } });
    const started = performance.now();
    expect((await s.api(token)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(80);
    const entry = await s.lastEntry();
    expect(entry).toMatchObject({ endpoint: 'api', status: 200, decision: 'allowed' });
    expectFault(entry, id, 'api.delay', 'delay');
  });
});
