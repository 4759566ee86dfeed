/**
 * useUnderstudy and startUnderstudy over real HTTP: where the server listens, what the fixture
 * exposes, the reset before each test, and that the server is gone after the file's tests.
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createClock } from '../../../server/index.ts';
import { startUnderstudy, useUnderstudy, type UnderstudyCredentials, type UnderstudyFixture } from '../../../integrations/vitest/index.ts';
import { failureOf } from './support/entries.ts';

const DEMO_SCOPE = 'urn:opc:resource:consumer::all';

/** A client_credentials request with HTTP Basic authentication; resolves with the status. */
async function requestToken(tokenUrl: string, credentials: UnderstudyCredentials): Promise<number> {
  const response = await fetch(tokenUrl, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: credentials.scope }),
  });
  await response.arrayBuffer();
  return response.status;
}

/**
 * Resolves with the error code of a fresh TCP connection to `url`'s port ("ECONNREFUSED" when
 * nothing listens), or "connected". A raw socket, since fetch may reuse a pooled connection.
 */
function connectionError(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

const errorOf = (read: () => unknown): string => {
  try {
    read();
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
};

let stoppedUrl = '';
let stoppedFixture: UnderstudyFixture | undefined;

describe('useUnderstudy', () => {
  const idcs = useUnderstudy();
  stoppedFixture = idcs;
  // Read while the file is collected, before beforeAll has started the server.
  const tooEarly = errorOf(() => idcs.url);

  it('says when the fixture is read before the server started', () => {
    expect(tooEarly).toMatch(/understudy: url was used before the server started; .*use the fixture inside a test or a hook, not at the top level of the file/);
  });

  it('serves on 127.0.0.1 and a free port, with the demo client credentials and its UNDERSTUDY_* env', async () => {
    stoppedUrl = idcs.url;
    expect(await connectionError(idcs.url)).toBe('connected');
    expect(idcs.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(idcs.url).not.toBe('http://127.0.0.1:9400');
    expect(idcs.urls.tokenUrl).toBe(`${idcs.url}/oauth2/v1/token`);
    expect(idcs.credentials).toEqual({ clientId: 'demo-client', clientSecret: 'demo-secret', scope: `https://api.understudy.test:443${DEMO_SCOPE}` });
    expect(idcs.env).toMatchObject({ UNDERSTUDY_TOKEN_URL: idcs.urls.tokenUrl, UNDERSTUDY_API_URL: idcs.url, UNDERSTUDY_CLIENT_ID: 'demo-client', UNDERSTUDY_CLIENT_SECRET: 'demo-secret' });
    expect(idcs.server.url).toBe(idcs.url);

    expect(await requestToken(idcs.urls.tokenUrl, idcs.credentials)).toBe(200);
    expect(idcs).toHaveRequestedTokens(1);
    expect(idcs.journal.entries()).toHaveLength(1);

    // Left behind on purpose: the next test must not see any of it.
    idcs.addFault('token.invalid_client');
    idcs.clock.advance(7200);
    expect(await requestToken(idcs.urls.tokenUrl, idcs.credentials)).toBe(401);
  });

  it('starts every test afresh: empty journal, no added fault, the clock back to real time', async () => {
    expect(idcs.journal.entries()).toEqual([]);
    expect(idcs.faults.list()).toEqual([]);
    expect(Math.abs(idcs.clock.state().offset)).toBeLessThan(1);
    expect(Math.abs(idcs.origin - Date.now() / 1000)).toBeLessThan(5);
    expect(await requestToken(idcs.urls.tokenUrl, idcs.credentials)).toBe(200);
    expect(idcs).toHaveRequestedTokens(1);
  });

  it('quotes journal lines from the start of the test in a failure', async () => {
    await requestToken(idcs.urls.tokenUrl, idcs.credentials);
    expect(failureOf(() => expect(idcs).toHaveRequestedTokens(2))).toMatch(/#\d+ \+0\.\d{3}s token POST \/oauth2\/v1\/token -> 200 issued [0-9a-f-]{8} /);
  });

  it('rejects an unknown fault preset with the nearest names', () => {
    expect(() => idcs.addFault('api.revoke_erly')).toThrow(/unknown preset api\.revoke_erly; did you mean api\.revoke_early/);
  });
});

describe('useUnderstudy, after its tests', () => {
  it('has stopped the server: its port refuses connections, and the fixture says it stopped', async () => {
    expect(stoppedUrl).not.toBe('');
    expect(await connectionError(stoppedUrl)).toBe('ECONNREFUSED');
    expect(errorOf(() => stoppedFixture?.journal)).toMatch(/journal was used after the server stopped/);
  });
});

describe('useUnderstudy with start-up faults', () => {
  // The first token request of every test is refused: a reset restores the rule with a fresh count.
  const idcs = useUnderstudy({ faults: [{ preset: 'token.invalid_client', match: { nth: 1 } }] });

  for (const test of ['first test', 'second test']) {
    it(`applies them afresh in the ${test}`, async () => {
      expect(await requestToken(idcs.urls.tokenUrl, idcs.credentials)).toBe(401);
      expect(await requestToken(idcs.urls.tokenUrl, idcs.credentials)).toBe(200);
    });
  }
});

describe('useUnderstudy({ resetBeforeEach: false })', () => {
  const idcs = useUnderstudy({ resetBeforeEach: false });

  it('keeps the journal from one test ...', async () => {
    expect(await requestToken(idcs.urls.tokenUrl, idcs.credentials)).toBe(200);
  });

  it('... to the next', async () => {
    expect(await requestToken(idcs.urls.tokenUrl, idcs.credentials)).toBe(200);
    expect(idcs).toHaveRequestedTokens(2);
  });
});

describe('startUnderstudy', () => {
  it('takes createServer options, and close() frees the port', async () => {
    const rfc = await startUnderstudy({ profile: 'rfc9068' });
    try {
      expect(rfc.urls.tokenUrl).toBe(`${rfc.url}/token`);
      expect(rfc.credentials.scope).toBe(DEMO_SCOPE);
      expect(await requestToken(rfc.urls.tokenUrl, rfc.credentials)).toBe(200);
      expect(rfc).toHaveRequestedTokens(1);
    } finally {
      await rfc.close();
    }
    await rfc.close();
    expect(await connectionError(rfc.url)).toBe('ECONNREFUSED');
  });

  it('exposes the configured client it is asked for, and names the configured ones when it is not there', async () => {
    const config = {
      resources: [{ name: 'payroll', audience: 'https://payroll.acme.test:443', scopes: ['payroll.read'] }],
      clients: [
        { id: 'reporting', secret: 'r-secret' },
        { id: 'payroll-sync', secret: 'p-secret', scopes: ['payroll.read'] },
      ],
    };
    const payroll = await startUnderstudy({ config, client: 'payroll-sync' });
    try {
      expect(payroll.credentials).toEqual({ clientId: 'payroll-sync', clientSecret: 'p-secret', scope: 'https://payroll.acme.test:443payroll.read' });
      expect(await requestToken(payroll.urls.tokenUrl, payroll.credentials)).toBe(200);
    } finally {
      await payroll.close();
    }
    await expect(startUnderstudy({ config, client: 'payrol-sync' })).rejects.toThrow('options.client is "payrol-sync", but no configured client has that id; configured clients: reporting, payroll-sync');
  });

  it('reset() puts a frozen clock back at its instant', async () => {
    const start = 1_800_000_000;
    const frozen = await startUnderstudy({ clock: createClock({ start, frozen: true }) });
    try {
      frozen.clock.resume();
      frozen.clock.advance(500);
      frozen.reset();
      expect(frozen.clock.state()).toMatchObject({ now: start, frozen: true });
      expect(frozen.origin).toBe(start);
    } finally {
      await frozen.close();
    }
  });
});
