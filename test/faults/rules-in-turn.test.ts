/**
 * Several answering rules on one request answer in turn: a rule that lets the request through
 * (an allowed caller, a met requirement, a budget not spent, a released hang) hands it to the
 * next rule, and a rule's counters move only when it acts.
 */
import { describe, expect, it } from 'vitest';
import { DEMO_AUDIENCE, DEMO_SCOPE, decodePayload, expectIdcsError, startFaultServer } from './support.ts';

const counters = async (s: Awaited<ReturnType<typeof startFaultServer>>) =>
  Object.fromEntries((await s.listFaults()).map((rule) => [rule.id, { matched: rule.matched, applied: rule.applied }]));

describe('answering rules in turn', () => {
  it('a firewall that allows the caller hands the request to the next rule, which answers', async () => {
    const s = await startFaultServer();
    await s.addFault({ id: 'gateway', preset: 'token.firewall', params: { allow: ['127.0.0.1', '::1', '::ffff:127.0.0.1'] } });
    await s.addFault({ id: 'outage', preset: 'token.server_error' });
    const reply = await s.token();
    expectIdcsError(reply, 500, 'server_error');
    const entry = await s.lastEntry();
    expect(entry.faults?.map((f) => f.rule)).toEqual(['outage']);
    expect(await counters(s)).toEqual({ gateway: { matched: 1, applied: 0 }, outage: { matched: 1, applied: 1 } });
  });

  it('a met requirement, then a budget within limits, then an error: the error answers', async () => {
    const s = await startFaultServer();
    await s.addFault({ id: 'tenant', preset: 'token.require_header' });
    await s.addFault({ id: 'budget', action: { type: 'rate_limit', retryAfter: 30, limit: 5, window: 60 }, match: { endpoint: 'token' } });
    await s.addFault({ id: 'down', preset: 'token.temporarily_unavailable' });
    const reply = await s.token({ headers: { 'X-Tenant-Id': 'acme' } });
    expect(reply.status).toBe(503);
    expect(await counters(s)).toEqual({ tenant: { matched: 1, applied: 0 }, budget: { matched: 1, applied: 0 }, down: { matched: 1, applied: 1 } });
  });

  it('a rule the request never reached, because an earlier one answered, counts nothing (nth still means its nth)', async () => {
    const s = await startFaultServer();
    await s.addFault({ id: 'first', preset: 'token.server_error', match: { times: 2 } });
    await s.addFault({ id: 'second', preset: 'token.temporarily_unavailable', match: { nth: 1 } });
    expect((await s.token()).status).toBe(500);
    expect((await s.token()).status).toBe(500);
    // The third request is the first that reaches "second".
    expect((await s.token()).status).toBe(503);
    expect((await s.token()).status).toBe(200);
    expect(await counters(s)).toEqual({ first: { matched: 4, applied: 2 }, second: { matched: 2, applied: 1 } });
  });

  it('a released hang hands the request to the next rule', async () => {
    const s = await startFaultServer();
    const hang = await s.addFault({ preset: 'token.hang' });
    await s.addFault({ id: 'after', preset: 'token.server_error' });
    const pending = s.token();
    await s.waitForEntries(0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await s.deleteFault(hang);
    const reply = await pending;
    expectIdcsError(reply, 500, 'server_error');
    expect((await s.lastEntry()).faults?.map((f) => f.effect)).toEqual(['held without an answer', 'released when the rule was removed', 'answered 500 server_error']);
  });

  it('a token tweak counts only the requests issued a token for it to change', async () => {
    const s = await startFaultServer();
    await s.addFault({ id: 'down', preset: 'token.temporarily_unavailable', match: { nth: 1 } });
    await s.addFault({ id: 'stringy', preset: 'token.expires_in_string' });
    expect((await s.token()).status).toBe(503);
    expect((await s.lastEntry()).faults?.map((f) => f.rule)).toEqual(['down']);
    const served = await s.token();
    expect(served.json.expires_in).toBe('3600');
    // "stringy" counts only the request that reached its step: the one issued a token.
    expect(await counters(s)).toEqual({ down: { matched: 2, applied: 1 }, stringy: { matched: 1, applied: 1 } });
  });
});

describe('match.scope compares scope values', () => {
  it('a rule for "rea" matches neither read nor thread; the bare and fully-qualified forms are one scope', async () => {
    const s = await startFaultServer();
    await s.addFault({ id: 'partial', preset: 'token.server_error', match: { scope: 'consumer' } });
    expect((await s.token({ form: { scope: `${DEMO_AUDIENCE}${DEMO_SCOPE}` } })).status).toBe(200);
    await s.deleteFault('partial');
    await s.addFault({ id: 'bare', preset: 'token.server_error', match: { scope: DEMO_SCOPE } });
    expect((await s.token({ form: { scope: `${DEMO_AUDIENCE}${DEMO_SCOPE}` } })).status).toBe(500);
    expect((await s.token({ form: { scope: DEMO_SCOPE } })).status).toBe(500);
  });
});

describe('token.reissue_cached', () => {
  it('hands a cached token only to a request for the same scope; the journal says what was handed', async () => {
    const s = await startFaultServer({
      config: {
        resources: [{ name: 'payroll', audience: 'https://payroll.test:443', scopes: ['read', 'write'] }],
        clients: [{ id: 'demo-client', secret: 'demo-secret', scopes: ['read', 'write'] }],
      },
    });
    await s.addFault({ preset: 'token.reissue_cached' });
    const read = await s.token({ form: { scope: 'read' } });
    const write = await s.token({ form: { scope: 'write' } });
    expect(write.json.access_token).not.toBe(read.json.access_token);
    expect(decodePayload(write.json.access_token).scope).toBe('write');
    const again = await s.token({ form: { scope: 'read' } });
    expect(again.json.access_token).toBe(read.json.access_token);
    const entry = await s.lastEntry();
    expect(entry.grantedScope).toBe('read');
    expect(entry.issued?.jti).toBe(decodePayload(read.json.access_token).jti);
  });

  it('on a refresh, the cached access token comes with the new refresh token, which works', async () => {
    const s = await startFaultServer({
      config: {
        users: [{ username: 'ada', password: 'lovelace' }],
        clients: [{ id: 'demo-client', secret: 'demo-secret', grants: ['password', 'refresh_token'] }],
      },
    });
    const login = await s.token({ form: { grant_type: 'password', username: 'ada', password: 'lovelace', scope: `${DEMO_SCOPE} offline_access` } });
    expect(login.status, login.text).toBe(200);
    await s.addFault({ preset: 'token.reissue_cached' });
    const first = await s.token({ form: { grant_type: 'refresh_token', refresh_token: login.json.refresh_token } });
    expect(first.status, first.text).toBe(200);
    const second = await s.token({ form: { grant_type: 'refresh_token', refresh_token: first.json.refresh_token } });
    expect(second.status, second.text).toBe(200);
    expect(second.json.access_token).toBe(first.json.access_token);
    expect(second.json.refresh_token).not.toBe(first.json.refresh_token);
    const third = await s.token({ form: { grant_type: 'refresh_token', refresh_token: second.json.refresh_token } });
    expect(third.status, third.text).toBe(200);
  });

  it('never hands out again a cached token revoked since (control API or RFC 7009)', async () => {
    const s = await startFaultServer();
    await s.addFault({ preset: 'token.reissue_cached' });
    const first = (await s.token()).json.access_token as string;
    expect((await s.token()).json.access_token).toBe(first);
    const revoked = await s.send('/_understudy/tokens/revoke', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jti: decodePayload(first).jti }) });
    expect(revoked.status, revoked.text).toBeLessThan(300);
    const fresh = (await s.token()).json.access_token as string;
    expect(fresh).not.toBe(first);
    expect((await s.api(fresh)).status).toBe(200);
    // The fresh one is cached in turn.
    expect((await s.token()).json.access_token).toBe(fresh);
  });
});

describe('token answer members in IDCS order, whatever the tweaks', () => {
  it('a token_response scope on a refresh comes before refresh_token', async () => {
    const s = await startFaultServer({
      config: {
        users: [{ username: 'ada', password: 'lovelace' }],
        clients: [{ id: 'demo-client', secret: 'demo-secret', grants: ['password', 'refresh_token'] }],
      },
    });
    await s.addFault({ action: { type: 'token_response', scope: 'narrow' }, match: { endpoint: 'token' } });
    const login = await s.token({ form: { grant_type: 'password', username: 'ada', password: 'lovelace', scope: `${DEMO_SCOPE} offline_access` } });
    expect(Object.keys(login.json)).toEqual(['access_token', 'token_type', 'expires_in', 'scope', 'refresh_token']);
  });
});
