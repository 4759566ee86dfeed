/**
 * The fault rules through the control API (/_understudy/faults) and through createServer's
 * configuration: validation with RFC 9457 problems naming the field, listing with counters,
 * removal, presets, and rules active from the start.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, createServer } from '../../server/index.ts';
import { expectFault, startFaultServer, wrap, type FaultServer, type Reply } from './support.ts';

function expectProblem(reply: Reply, status: number, paths: string[]): void {
  expect(reply.status, reply.text).toBe(status);
  expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(reply.json).toMatchObject({ type: 'about:blank', title: 'Invalid fault rule', status });
  expect((reply.json.issues as { path: string }[]).map((i) => i.path)).toEqual(paths);
  expect(reply.json.detail).toMatch(/^Invalid fault rule: /);
}

async function expectNoRules(s: FaultServer): Promise<void> {
  expect(await s.listFaults()).toEqual([]);
}

describe('POST /_understudy/faults: refusals', () => {
  it('an unknown preset: 400 naming "preset" and the close names; nothing added', async () => {
    const s = await startFaultServer();
    const reply = await s.postFault({ preset: 'token.rate_limit' });
    expectProblem(reply, 400, ['preset']);
    expect(reply.json.detail).toContain('unknown preset token.rate_limit');
    expect(reply.json.detail).toContain('token.rate_limited');
    await expectNoRules(s);
  });

  it('bad params: 400 naming params.<field>', async () => {
    const s = await startFaultServer();
    const reply = await s.postFault({ preset: 'token.rate_limited', params: { retryAfter: -1 } });
    expectProblem(reply, 400, ['params.retryAfter']);
    const unknown = await s.postFault({ preset: 'token.rate_limited', params: { retry: 3 } });
    expectProblem(unknown, 400, ['params']);
    expect(unknown.json.issues[0].message).toContain('retry');
    await expectNoRules(s);
  });

  it('an unknown action type: 400 naming action.type and the known types', async () => {
    const s = await startFaultServer();
    const reply = await s.postFault({ action: { type: 'explode' } });
    expectProblem(reply, 400, ['action.type']);
    expect(reply.json.issues[0].message).toContain('oauth_error');
    await expectNoRules(s);
  });

  it('a bad field inside a known action: 400 naming it', async () => {
    const s = await startFaultServer();
    expectProblem(await s.postFault({ action: { type: 'respond', status: 99 } }), 400, ['action.status']);
    expectProblem(await s.postFault({ action: { type: 'require' } }), 400, ['action']);
    await expectNoRules(s);
  });

  it('a match with an unknown field: 400 naming match and the field', async () => {
    const s = await startFaultServer();
    const reply = await s.postFault({ preset: 'token.hang', match: { endpont: 'token' } });
    expectProblem(reply, 400, ['match']);
    expect(reply.json.issues[0].message).toContain('endpont');
    expectProblem(await s.postFault({ preset: 'token.hang', match: { endpoint: 'tokens' } }), 400, ['match.endpoint']);
    await expectNoRules(s);
  });

  it('preset and action together, params on a full rule, an empty body, a bad id', async () => {
    const s = await startFaultServer();
    expectProblem(await s.postFault({ preset: 'token.hang', action: { type: 'hang' } }), 400, ['']);
    expectProblem(await s.postFault({ action: { type: 'hang' }, params: {} }), 400, ['params']);
    const empty = await s.send('/_understudy/faults', { method: 'POST' });
    expectProblem(empty, 400, ['']);
    expectProblem(await s.postFault({ id: 'has space', preset: 'token.hang' }), 400, ['id']);
    await expectNoRules(s);
  });

  it('a duplicate id: 400 naming id; the first rule stays', async () => {
    const s = await startFaultServer();
    await s.addFault({ id: 'x', preset: 'token.server_error' });
    expectProblem(await s.postFault({ id: 'x', preset: 'token.hang' }), 400, ['id']);
    const rules = await s.listFaults();
    expect(rules.map((r) => [r.id, r.preset])).toEqual([['x', 'token.server_error']]);
  });

  it('non-JSON: 415 / 400 problems', async () => {
    const s = await startFaultServer();
    const text = await s.send('/_understudy/faults', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'token.hang' });
    expect(text.status).toBe(415);
    const broken = await s.send('/_understudy/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"preset":' });
    expect(broken.status).toBe(400);
    expect(broken.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    await expectNoRules(s);
  });

  it('a refused rule changes nothing on the wire', async () => {
    const s = await startFaultServer();
    await s.postFault({ preset: 'token.server_error', params: { status: 200 } });
    expect((await s.token()).status).toBe(200);
    expect((await s.lastEntry()).faults).toBeUndefined();
  });
});

describe('POST / GET / DELETE /_understudy/faults', () => {
  it('POST answers 201 {id, rule}: the expanded rule, stamped with the virtual time', async () => {
    const s = await startFaultServer();
    await s.advance(1000);
    const now = (await s.send('/_understudy/clock')).json.now as number;
    const reply = await s.postFault({ preset: 'token.rate_limited', params: { retryAfter: 7 }, match: { times: 2 } });
    expect(reply.status).toBe(201);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    expect(reply.json).toEqual({
      id: 'f1',
      rule: {
        id: 'f1',
        preset: 'token.rate_limited',
        description: 'the token endpoint rate-limits the client',
        match: { endpoint: 'token', times: 2 },
        action: { type: 'rate_limit', retryAfter: 7 },
        addedAt: expect.any(Number),
      },
    });
    expect(Math.abs(reply.json.rule.addedAt - now)).toBeLessThanOrEqual(1);
    expect((await s.postFault({ preset: 'token.hang' })).json.id).toBe('f2');
  });

  it('GET lists the rules in order with matched and applied counters', async () => {
    const s = await startFaultServer();
    const a = await s.addFault({ id: 'a', preset: 'token.server_error', match: { nth: 2 } });
    const b = await s.addFault({ preset: 'api.server_error' });
    for (let i = 0; i < 3; i += 1) await s.token();
    const rules = await s.listFaults();
    expect(rules.map((r) => r.id)).toEqual([a, b]);
    expect(rules[0]).toMatchObject({ id: 'a', preset: 'token.server_error', matched: 3, applied: 1, action: { type: 'oauth_error', error: 'server_error' } });
    expect(rules[1]).toMatchObject({ id: b, matched: 0, applied: 0 });
    expect((await s.journal()).map((e) => e.status)).toEqual([200, 500, 200]);
  });

  it('DELETE /faults/{id}: 204, then gone; an unknown id: 404 problem', async () => {
    const s = await startFaultServer();
    const id = await s.addFault({ id: 'a:b.c-d_1', preset: 'token.server_error' });
    const removed = await s.deleteFault(id);
    expect(removed.status).toBe(204);
    expect(removed.text).toBe('');
    await expectNoRules(s);
    const missing = await s.deleteFault(id);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(missing.json).toMatchObject({ status: 404, title: 'Not found' });
    expect(missing.json.detail).toContain(id);
    expect((await s.deleteFault('never-was')).status).toBe(404);
  });

  it('DELETE /faults removes every rule and answers {removed}', async () => {
    const s = await startFaultServer();
    await s.addFault({ preset: 'token.server_error' });
    await s.addFault({ preset: 'api.hang' });
    const reply = await s.send('/_understudy/faults', { method: 'DELETE' });
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ removed: 2 });
    await expectNoRules(s);
    expect((await s.send('/_understudy/faults', { method: 'DELETE' })).json).toEqual({ removed: 0 });
    expect((await s.token()).status).toBe(200);
  });

  it('other methods: 405 with Allow', async () => {
    const s = await startFaultServer();
    const reply = await s.send('/_understudy/faults', { method: 'PUT' });
    expect(reply.status).toBe(405);
    expect(reply.headers.get('allow')).toBe('GET, POST, DELETE');
  });

  it('control calls are not journaled', async () => {
    const s = await startFaultServer();
    await s.addFault({ preset: 'token.hang' });
    await s.listFaults();
    await s.postFault({ preset: 'nope' });
    await s.send('/_understudy/faults/presets');
    expect(await s.journal()).toEqual([]);
  });
});

describe('GET /_understudy/faults/presets', () => {
  it('lists every preset with its summary and param names', async () => {
    const s = await startFaultServer();
    const reply = await s.send('/_understudy/faults/presets');
    expect(reply.status).toBe(200);
    const presets = reply.json.presets as { name: string; summary: string; params: string[] }[];
    expect(presets.length).toBeGreaterThanOrEqual(40);
    expect(presets.find((p) => p.name === 'token.rate_limited')).toEqual({
      name: 'token.rate_limited',
      summary: expect.stringContaining('429'),
      params: ['retryAfter', 'format', 'limit', 'window'],
    });
    expect(presets.find((p) => p.name === 'token.hang')?.params).toEqual([]);
    for (const preset of presets) {
      expect(preset.name).toMatch(/^(token|api|authorize|login|id_token|userinfo)\.[a-z0-9_]+$/);
      expect(preset.summary.length).toBeGreaterThan(5);
      // Every listed preset is accepted as-is.
      expect((await s.postFault({ preset: preset.name })).status, preset.name).toBe(201);
    }
  });
});

describe('fault rules from the configuration', () => {
  it('config.faults are active from the first request', async () => {
    const server = await createServer({ port: 0, config: { faults: [{ preset: 'token.server_error', id: 'boom' }] } });
    try {
      const s = wrap(server);
      const rules = await s.listFaults();
      expect(rules).toEqual([expect.objectContaining({ id: 'boom', preset: 'token.server_error', matched: 0, applied: 0 })]);
      const reply = await s.token();
      expect(reply.status).toBe(500);
      expect(reply.json.error).toBe('server_error');
      expectFault(await s.lastEntry(), 'boom', 'token.server_error', 'oauth_error');
      expect((await s.deleteFault('boom')).status).toBe(204);
      expect((await s.token()).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('an invalid config fault makes createServer reject with a ConfigError naming faults[0]...', async () => {
    const attempt = createServer({ port: 0, config: { faults: [{ preset: 'token.rate_limited', params: { retryAfter: 'soon' } }] } });
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    const error = (await attempt.catch((e: unknown) => e)) as ConfigError;
    expect(error.message).toContain('faults[0].params.retryAfter');
    expect(error.issues.map((i) => i.path)).toEqual(['faults[0].params.retryAfter']);
    expect(error.code).toBe('CONFIG_INVALID');
  });

  it('names the index of the bad rule and adds none of them', async () => {
    const error = (await createServer({ port: 0, config: { faults: [{ preset: 'token.hang' }, { preset: 'token.nope' }] } }).catch((e: unknown) => e)) as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('faults[1].preset');
    expect(error.message).toContain('unknown preset token.nope');
  });

  it('a non-array faults setting is a config error too', async () => {
    await expect(createServer({ port: 0, config: { faults: { preset: 'token.hang' } as never } })).rejects.toBeInstanceOf(ConfigError);
  });

  it('createServer({ faults }) adds rules after the config\'s own', async () => {
    const server = await createServer({
      port: 0,
      config: { faults: [{ id: 'from-config', preset: 'token.delay', params: { ms: 1 } }] },
      faults: [{ id: 'from-option', preset: 'token.invalid_scope' }],
    });
    try {
      const s = wrap(server);
      expect((await s.listFaults()).map((r) => r.id)).toEqual(['from-config', 'from-option']);
      expect((await s.token()).status).toBe(400);
      expect((await s.lastEntry()).faults?.map((f) => f.rule)).toEqual(['from-config', 'from-option']);
    } finally {
      await server.close();
    }
  });

  it('createServer({ faults }) alone', async () => {
    const s = await startFaultServer({ faults: [{ preset: 'token.html_error' }] });
    expect((await s.token()).status).toBe(502);
    expectFault(await s.lastEntry(), 'f1', 'token.html_error', 'respond');
  });

  it('an invalid createServer({ faults }) rule rejects with a ConfigError', async () => {
    const error = (await createServer({ port: 0, faults: [{ preset: 'token.hang', params: { x: 1 } }] }).catch((e: unknown) => e)) as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('faults[0].params');
  });

  it('config and option rules sharing an id are refused', async () => {
    const attempt = createServer({ port: 0, config: { faults: [{ id: 'same', preset: 'token.hang' }] }, faults: [{ id: 'same', preset: 'token.reset' }] });
    const error = (await attempt.catch((e: unknown) => e)) as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('faults[1].id');
  });
});
