// Fault rules act through msw as they do over TCP: OAuth errors and 429s in the IDCS shape,
// and transport faults as fetch sees them (a rejected fetch, a body that breaks off, a hang).
import { createPrivateKey } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_SIGNING_KEY_PEM } from '../../../server/keys/default-signing-key.ts';
import { accessToken, API_HOST, EMPS_PATH, requestToken, useMsw, WAIT } from './support.ts';

const { use } = useMsw();

describe('createIdcsHandlers: faults', () => {
  it('answers an oauth_error preset in the IDCS shape and journals the rule', async () => {
    const idcs = await use({ faults: [{ preset: 'token.invalid_client', match: { times: 1 } }] });
    const refused = await requestToken();
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect(await refused.json()).toMatchObject({ error: 'invalid_client', error_description: 'Client authentication failed.', ecid: expect.any(String) });
    expect((await requestToken()).status).toBe(200);
    expect(idcs.journal.entries()).toMatchObject([
      { status: 401, error: 'invalid_client', faults: [{ preset: 'token.invalid_client', action: 'oauth_error' }] },
      { status: 200, decision: 'issued' },
    ]);
  });

  it('rate-limits with Retry-After, and journals a retry that comes too early', async () => {
    const idcs = await use();
    idcs.faults.add({ preset: 'token.rate_limited', match: { times: 1 } });
    const limited = await requestToken();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('30');
    expect((await requestToken()).status).toBe(429);
    idcs.clock.advance(30);
    expect((await requestToken()).status).toBe(200);
    const [first, early, late] = idcs.journal.entries();
    expect(first).toMatchObject({ status: 429, faults: [{ preset: 'token.rate_limited', effect: '429 with Retry-After: 30' }] });
    expect(early).toMatchObject({ status: 429, violation: { kind: 'retry_after' } });
    expect(late).toMatchObject({ status: 200, decision: 'issued' });
  });

  it('rate-limits the API on its production host', async () => {
    const idcs = await use({ apiHost: API_HOST, faults: [{ preset: 'api.rate_limited', match: { times: 1 } }] });
    const token = await accessToken();
    const response = await fetch(`${API_HOST}${EMPS_PATH}`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('30');
    expect(idcs.journal.entries().at(-1)).toMatchObject({ endpoint: 'api', status: 429 });
  });

  it.each([
    ['token.reset', 'reset'],
    ['token.empty_reply', 'empty_reply'],
  ])('turns %s into a rejected fetch (a network error) and journals status 0', async (preset, transport) => {
    const idcs = await use({ faults: [{ preset }] });
    await expect(requestToken()).rejects.toThrow(TypeError);
    await vi.waitFor(() => expect(idcs.journal.entries()).toMatchObject([{ endpoint: 'token', status: 0, transport }]), WAIT);
  });

  it('cuts the body of token.truncated: fetch resolves, reading the body fails', async () => {
    const idcs = await use({ faults: [{ preset: 'token.truncated' }] });
    const response = await requestToken();
    expect(response.status).toBe(200);
    expect(Number(response.headers.get('content-length'))).toBeGreaterThan(100);
    await expect(response.json()).rejects.toThrow(TypeError);
    await vi.waitFor(() => expect(idcs.journal.entries()).toMatchObject([{ endpoint: 'token', status: 200, transport: 'truncated' }]), WAIT);
  });

  it('holds token.hang until the client aborts, and journals it as abandoned', async () => {
    const idcs = await use({ faults: [{ preset: 'token.hang' }] });
    const controller = new AbortController();
    const pending = requestToken({ signal: controller.signal });
    await vi.waitFor(() => expect(idcs.hungRequests()).toBe(1), WAIT);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await vi.waitFor(() => expect(idcs.journal.entries()).toMatchObject([{ endpoint: 'token', status: 0, transport: 'abandoned' }]), WAIT);
    expect(idcs.hungRequests()).toBe(0);
  });

  it('journals a client that aborts during token.delay as abandoned', async () => {
    const idcs = await use({ faults: [{ preset: 'token.delay', params: { ms: 5000 } }] });
    const controller = new AbortController();
    const pending = requestToken({ signal: controller.signal });
    // `applied` counts as the delay begins.
    await vi.waitFor(() => expect(idcs.faults.list()).toMatchObject([{ applied: 1 }]), WAIT);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await vi.waitFor(() => expect(idcs.journal.entries()).toMatchObject([{ endpoint: 'token', status: 0, transport: 'abandoned', reason: 'the client gave up waiting' }]), WAIT);
  });

  it('cuts token.delay short when the handlers close, and journals it as reset by the server', async () => {
    const idcs = await use({ faults: [{ preset: 'token.delay', params: { ms: 5000 } }] });
    const pending = requestToken();
    await vi.waitFor(() => expect(idcs.faults.list()).toMatchObject([{ applied: 1 }]), WAIT);
    const started = performance.now();
    await idcs.close();
    expect(performance.now() - started).toBeLessThan(4000);
    await expect(pending).rejects.toThrow(TypeError);
    expect(idcs.journal.entries()).toMatchObject([{ endpoint: 'token', status: 0, transport: 'reset', reason: 'the server stopped during the delay' }]);
  });

  it('lets a hung request through when its rule is removed', async () => {
    const idcs = await use();
    const rule = idcs.faults.add({ preset: 'token.hang' });
    const pending = requestToken();
    await vi.waitFor(() => expect(idcs.hungRequests()).toBe(1), WAIT);
    idcs.faults.remove(rule.id);
    expect((await pending).status).toBe(200);
  });

  it('fails a hung request as a network error when the handlers close', async () => {
    const idcs = await use({ faults: [{ preset: 'token.hang' }] });
    const pending = requestToken();
    await vi.waitFor(() => expect(idcs.hungRequests()).toBe(1), WAIT);
    await idcs.close();
    await expect(pending).rejects.toThrow(TypeError);
    expect(idcs.hungRequests()).toBe(0);
    expect(idcs.journal.entries()).toMatchObject([{ endpoint: 'token', status: 0, transport: 'reset' }]);
  });
});

describe('createIdcsHandlers: transport faults leave the process healthy', () => {
  it('keeps node:crypto usable after network errors on connections that answered before', async () => {
    // msw 3.0.5 resumes new mocked TLS connections with a bogus session, which leaves an OpenSSL
    // error queued; the handlers clear it (see clear-openssl-errors.ts). Failed connections force new ones.
    const idcs = await use();
    expect((await requestToken()).status).toBe(200);
    expect((await requestToken()).status).toBe(200);
    idcs.faults.add({ preset: 'token.reset' });
    await expect(requestToken()).rejects.toThrow(TypeError);
    await expect(requestToken()).rejects.toThrow(TypeError);
    idcs.faults.clear();
    expect((await requestToken()).status).toBe(200);
    expect(() => createPrivateKey(DEFAULT_SIGNING_KEY_PEM)).not.toThrow();
    await expect(use({ host: 'https://idcs-5678.identity.oraclecloud.com' })).resolves.toBeDefined();
  });
});
