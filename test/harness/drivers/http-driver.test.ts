import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { settingsFromEnvironment } from '../../../examples/clients/client-environment.ts';
import { createTokenClient, type ClientFlaws } from '../../../examples/clients/token-client.ts';
import type { ClientEnvironment, WorkResult } from '../../../harness/drivers/driver.ts';
import { httpDriver } from '../../../harness/drivers/http-driver.ts';
import { HarnessError } from '../../../harness/errors.ts';
import { runScenarios } from '../../../harness/runner/run-scenarios.ts';
import { defineScenario } from '../../../harness/scenario/define.ts';

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listen(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * A stand-in for an already-running integration (an OIC flow behind its REST trigger): it embeds
 * the reference token client and is pointed at a scenario's server through `configure`, as a
 * real one would be through an admin call. POST /trigger runs one unit.
 */
async function startIntegration(flaws: ClientFlaws = {}) {
  let client: ReturnType<typeof createTokenClient> | undefined;
  const triggers: unknown[] = [];
  const url = await listen((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const unit = JSON.parse(body) as { id: number; method: string; path: string; body?: unknown };
      triggers.push(unit);
      if (!client) {
        response.writeHead(503).end('not configured');
        return;
      }
      void client.work(unit).then((outcome) => {
        // Success: a JSON report; failure: a plain 502 page, as a gateway in front would send.
        if (outcome.ok) response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(outcome));
        else response.writeHead(502, { 'content-type': 'text/plain' }).end(`integration failed: ${outcome.error}`);
      });
    });
  });
  return {
    trigger: `${url}/trigger`,
    triggers,
    configure(variables: Record<string, string>) {
      client = createTokenClient(settingsFromEnvironment(variables), flaws);
    },
  };
}

const reuse = defineScenario({
  name: 'reuse',
  intent: 'Five calls in a row share one token.',
  timeline: [{ work: { count: 5 } }],
  expect: [{ tokenRequests: { exactly: 1 } }, { outcomes: { ok: 'all' } }],
});

const revocation = defineScenario({
  name: 'early-revocation',
  intent: 'After the API revokes its token early, the client fetches a new token and replays once.',
  timeline: [{ work: { count: 1 } }, { fault: { preset: 'api.revoke_early', params: { nth: 1 }, match: { times: 1 } } }, { work: { count: 2 } }],
  expect: [{ replayOnceAfterInvalidToken: {} }, { outcomes: { ok: 'all' } }],
});

describe('httpDriver against an integration behind a trigger', () => {
  it('judges the reference client as passing and token-per-call as failing, reconfigured per scenario', async () => {
    const good = await startIntegration();
    const environments: ClientEnvironment[] = [];
    const driver = httpDriver({
      url: good.trigger,
      onEnvironment: (env, variables) => {
        environments.push(env);
        good.configure(variables);
      },
    });
    expect(driver).toMatchObject({ kind: 'http', label: `POST ${good.trigger}` });
    const passed = await runScenarios({ driver, scenarios: [reuse, revocation], parallel: 1 });
    expect(passed.scenarios.map((s) => [s.name, s.verdict])).toEqual([
      ['reuse', 'pass'],
      ['early-revocation', 'pass'],
    ]);
    // Each scenario had a server of its own, and the integration was pointed at each.
    expect(new Set(environments.map((e) => e.tokenUrl)).size).toBe(2);
    expect(good.triggers[0]).toEqual({ id: 1, op: 'work', method: 'GET', path: expect.stringMatching(/^\//) });

    const bad = await startIntegration({ tokenPerCall: true });
    const failed = await runScenarios({ driver: httpDriver({ url: bad.trigger, onEnvironment: (_env, variables) => bad.configure(variables) }), scenarios: [reuse] });
    expect(failed.scenarios[0]?.verdict).toBe('fail');
    expect(failed.scenarios[0]?.expectations[0]?.explanation).toMatch(/5 token requests/);
  });

  it('lists the UNDERSTUDY_* values in the log, for an integration configured by hand', async () => {
    const integration = await startIntegration();
    const result = await runScenarios({ driver: httpDriver({ url: integration.trigger }), scenarios: [reuse] });
    const scenario = result.scenarios[0];
    // Never configured: the integration answers 503 and every unit fails.
    expect(scenario?.verdict).toBe('fail');
    expect(scenario?.clientLog[0]).toMatch(/^\[harness\] point the integration at this scenario's server: UNDERSTUDY_TOKEN_URL=http:\/\/127\.0\.0\.1:\d+\/\S+ .*UNDERSTUDY_CLIENT_ID=/);
    expect(scenario?.clientLog[1]).toBe('[trigger] unit 1: 503 not configured');
  });

  it('runs a configure command with the UNDERSTUDY_* variables before each scenario', async () => {
    const integration = await startIntegration();
    const admin = await listen((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        integration.configure(JSON.parse(body) as Record<string, string>);
        response.end();
      });
    });
    // What a user's script would do: hand the variables to the integration's admin API.
    const script = `const vars = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('UNDERSTUDY_'))); await fetch('${admin}', { method: 'PUT', body: JSON.stringify(vars) }); console.log('configured', vars.UNDERSTUDY_TOKEN_URL);`;
    const driver = httpDriver({ url: integration.trigger, configure: `node --input-type=module -e "${script.replace(/"/g, '\\"')}"` });
    const result = await runScenarios({ driver, scenarios: [reuse], parallel: 1 });
    expect(result.scenarios[0]?.verdict, result.scenarios[0]?.error).toBe('pass');
    expect(result.scenarios[0]?.clientLog[1]).toMatch(/^\[configure\] configured http:\/\/127\.0\.0\.1:\d+\//);
  });

  it('makes the scenario an error when the configure command fails', async () => {
    const driver = httpDriver({ url: 'http://127.0.0.1:9/trigger', configure: 'echo "401 from the admin API" >&2; exit 3' });
    const result = await runScenarios({ driver, scenarios: [reuse] });
    expect(result.scenarios[0]?.verdict).toBe('error');
    expect(result.scenarios[0]?.error).toBe(`cannot point the integration behind "POST http://127.0.0.1:9/trigger" at the scenario's server: "echo "401 from the admin API" >&2; exit 3" exited with code 3 ([stderr] 401 from the admin API)`);
  });

  it('makes the scenario an error when onEnvironment throws', async () => {
    const driver = httpDriver({
      url: 'http://127.0.0.1:9/trigger',
      onEnvironment: () => {
        throw new Error('the admin API said 401');
      },
    });
    const result = await runScenarios({ driver, scenarios: [reuse] });
    expect(result.scenarios[0]?.verdict).toBe('error');
    expect(result.scenarios[0]?.error).toMatch(/cannot point the integration behind "POST http:\/\/127\.0\.0\.1:9\/trigger" at the scenario's server: onEnvironment threw: the admin API said 401/);
  });
});

describe('httpDriver unit results', () => {
  const env = {
    tokenUrl: 'http://127.0.0.1:1/token',
    issuer: 'http://127.0.0.1:1',
    jwksUrl: 'http://127.0.0.1:1/jwks',
    discoveryUrl: 'http://127.0.0.1:1/.well-known/openid-configuration',
    clientId: 'id',
    clientSecret: 'secret',
    scope: '',
    apiUrl: 'http://127.0.0.1:1',
    tokenHeaders: {},
    apiHeaders: {},
    variables: {},
  } satisfies ClientEnvironment;
  const unit = { id: 7, op: 'work' as const, method: 'GET', path: '/emps', body: { page: 2 } };

  const workOnce = async (options: Parameters<typeof httpDriver>[0], timeoutMs = 5000): Promise<WorkResult> => {
    const session = await httpDriver(options).start(env, { now: Date.now });
    const result = await session.work(unit, timeoutMs);
    expect(await session.close(1000)).toEqual({ code: null });
    return result;
  };

  it('sends the unit as JSON with the configured headers; a 2xx is a success', async () => {
    const seen: { method?: string; headers?: IncomingMessage['headers']; body?: string }[] = [];
    const url = await listen((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen.push({ method: request.method, headers: request.headers, body });
        response.writeHead(204).end();
      });
    });
    const result = await workOnce({ url, headers: { authorization: 'Basic b2ljOnNlY3JldA==' } });
    expect(result).toMatchObject({ id: 7, ok: true, status: 204 });
    expect(seen[0]?.method).toBe('POST');
    expect(seen[0]?.headers?.authorization).toBe('Basic b2ljOnNlY3JldA==');
    expect(seen[0]?.headers?.['content-type']).toBe('application/json');
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({ id: 7, op: 'work', method: 'GET', path: '/emps', body: { page: 2 } });
  });

  it('puts the unit in the query string of a GET trigger', async () => {
    const urls: string[] = [];
    const url = await listen((request, response) => {
      urls.push(request.url ?? '');
      response.end('{}');
    });
    expect(await workOnce({ url: `${url}/run?flow=HCM`, method: 'get' })).toMatchObject({ ok: true, status: 200 });
    expect(urls[0]).toBe('/run?flow=HCM&id=7&op=work&method=GET&path=%2Femps&body=%7B%22page%22%3A2%7D');
  });

  it('reports a non-2xx answer as a failure with its status and the start of its body', async () => {
    const url = await listen((_request, response) => response.writeHead(500).end('<html><body>Internal\n   error</body></html>'));
    expect(await workOnce({ url })).toMatchObject({ ok: false, status: 500, error: 'the trigger answered 500: <html><body>Internal error</body></html>' });
  });

  it('takes a JSON report in the answer as it is', async () => {
    const url = await listen((_request, response) => response.end(JSON.stringify({ ok: false, status: 401, error: 'API answered 401' })));
    expect(await workOnce({ url })).toMatchObject({ ok: false, status: 401, error: 'API answered 401' });
  });

  it('reports a network error with its cause', async () => {
    const url = await listen(() => {});
    const closed = servers.pop() as Server;
    await new Promise((resolve) => closed.close(resolve));
    const result = await workOnce({ url });
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/fetch failed: .*ECONNREFUSED/);
  });

  it('gives up on a trigger that does not answer within timeoutMs, or the unit timeout if shorter', async () => {
    const url = await listen(() => {});
    expect(await workOnce({ url, timeoutMs: 100 })).toMatchObject({ ok: false, error: 'no answer from the trigger within 0.1 s' });
    expect(await workOnce({ url, timeoutMs: 60_000 }, 150)).toMatchObject({ ok: false, error: 'no answer from the trigger within 0.15 s' });
  });

  it('a start failure is a HarnessError CLIENT_START_FAILED', async () => {
    const error = await httpDriver({ url: 'http://127.0.0.1:9/', onEnvironment: async () => Promise.reject(new Error('nope')) })
      .start(env, { now: Date.now })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(HarnessError);
    expect((error as HarnessError).code).toBe('CLIENT_START_FAILED');
  });
});
