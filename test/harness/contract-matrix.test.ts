/**
 * The contract suite judged against the example clients: the reference client passes every
 * scenario under all three drivers, and each buggy client fails exactly the scenarios that
 * check its bug (and passes the rest). This is the harness's own acceptance test.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { settingsFromEnvironment } from '../../examples/clients/client-environment.ts';
import { createTokenClient } from '../../examples/clients/token-client.ts';
import { commandDriver } from '../../harness/drivers/command-driver.ts';
import { httpDriver } from '../../harness/drivers/http-driver.ts';
import { moduleDriver } from '../../harness/drivers/module-driver.ts';
import type { Driver } from '../../harness/drivers/driver.ts';
import { runScenarios } from '../../harness/runner/run-scenarios.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const client = (name: string) => fileURLToPath(new URL(`../../examples/clients/${name}.ts`, import.meta.url));

/** Scenario names each buggy client must fail, and why: the scenarios that check its bug. */
const EXPECTED_FAILURES: Record<string, string[]> = {
  'well-behaved': [],
  // Never reuses a token: every check of reuse and of sharing one token request.
  'token-per-call': ['reuse-across-time', 'reuse-valid-token', 'single-flight-at-expiry', 'single-flight-cold-start'],
  'caches-forever': ['refresh-before-expiry'],
  // 3600 read as ms = 3.6 s: the token is fetched again a few seconds later.
  'expires-in-millis': ['reuse-across-time'],
  'no-single-flight': ['single-flight-at-expiry', 'single-flight-cold-start'],
  'no-replay': ['clock-skew-recovery', 'early-revocation'],
  'replays-forever': ['insufficient-scope', 'invalid-token-gives-up'],
  'ignores-retry-after': ['retry-after'],
  'drops-header': ['token-request-header'],
};

async function failing(driver: Driver): Promise<string[]> {
  const result = await runScenarios({ driver, parallel: 6 });
  const errored = result.scenarios.filter((s) => s.verdict === 'error');
  expect(errored.map((s) => `${s.name}: ${s.error}`)).toEqual([]);
  return result.scenarios.filter((s) => s.verdict === 'fail').map((s) => s.name).sort();
}

describe('the contract suite, module driver (fake time)', () => {
  for (const [name, expected] of Object.entries(EXPECTED_FAILURES)) {
    it(`${name} fails exactly: ${expected.join(', ') || 'nothing'}`, async () => {
      expect(await failing(moduleDriver({ file: client(name) }))).toEqual(expected);
    });
  }
});

describe('the contract suite, command driver (real processes, real time)', () => {
  it('the reference client passes every scenario', async () => {
    expect(await failing(commandDriver({ command: `node ${JSON.stringify(client('well-behaved'))}`, cwd: ROOT }))).toEqual([]);
  }, 60_000);

  it('a buggy client fails exactly the scenarios of its bug', async () => {
    expect(await failing(commandDriver({ command: `node ${JSON.stringify(client('no-replay'))}`, cwd: ROOT }))).toEqual(EXPECTED_FAILURES['no-replay']);
  }, 60_000);
});

describe('the contract suite, http driver (an integration behind a trigger URL)', () => {
  const servers: Server[] = [];
  afterAll(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('the reference client passes every scenario', async () => {
    // The integration: the reference client behind POST /trigger, pointed at each scenario's server.
    let tokenClient: ReturnType<typeof createTokenClient> | undefined;
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const unit = JSON.parse(body) as { method: string; path: string };
        void (tokenClient as ReturnType<typeof createTokenClient>).work(unit).then((outcome) =>
          response.writeHead(outcome.ok ? 200 : 502, { 'content-type': 'application/json' }).end(JSON.stringify(outcome)),
        );
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const driver = httpDriver({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/trigger`,
      onEnvironment: (_env, variables) => {
        tokenClient = createTokenClient(settingsFromEnvironment(variables));
      },
    });
    // One integration is reconfigured per scenario, so scenarios run one at a time.
    const result = await runScenarios({ driver, parallel: 1 });
    expect(result.scenarios.filter((s) => s.verdict !== 'pass').map((s) => `${s.name}: ${s.verdict} ${s.error ?? ''}`)).toEqual([]);
  }, 120_000);
});
