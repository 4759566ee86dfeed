// The package's root export is its public API: a user can start a server and judge a client with it alone.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createServer, defineScenario, moduleDriver, PRESETS, runScenarios } from '../index.ts';

describe('oauth-understudy (root export)', () => {
  it('starts a server and judges an in-process client against a scenario defined in code', async () => {
    const server = await createServer({ port: 0 });
    expect(server.urls.tokenUrl).toMatch(/\/oauth2\/v1\/token$/);
    await server.close();

    const scenario = defineScenario({
      name: 'refresh-across-an-hour',
      intent: 'A client working across two token lifetimes refreshes its token and never presents an expired one.',
      timeline: [{ work: { count: 2 } }, { advance: 3600 }, { work: { count: 2 } }],
      expect: [{ tokenRequests: { exactly: 2 } }, { noExpiredTokenUse: {} }, { outcomes: { ok: 'all' } }],
    });
    const driver = moduleDriver({ file: fileURLToPath(new URL('../examples/clients/well-behaved.ts', import.meta.url)) });
    const result = await runScenarios({ driver, scenarios: [scenario] });
    expect(result.summary).toMatchObject({ passed: 1, failed: 0, errored: 0 });
    expect(Object.keys(PRESETS)).toContain('token.rate_limited');
  });
});
