/**
 * The sign-in operations through the drivers: a module client's signIn/callback/signOut, one that
 * has none (the sign-in never starts, and the verdict says why), and a client with a callback
 * listener of its own (declared redirectUri), to which the browser's return is delivered by a GET.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { exampleClient } from '../../../examples/clients/example-client.ts';
import { moduleDriver, type CreateClient } from '../../../harness/drivers/module-driver.ts';
import { runScenarios } from '../../../harness/runner/run-scenarios.ts';
import { defineScenario } from '../../../harness/scenario/define.ts';

const signInOnce = defineScenario({
  name: 'sign-in-once',
  intent: 'A person signs in once and the client calls the API with the tokens it got.',
  needs: { grants: ['authorization_code'] },
  server: {
    users: [{ username: 'ada', password: 'lovelace' }],
    clients: [{ id: 'web-app', secret: 'web-secret', grants: ['authorization_code', 'refresh_token'], redirectUris: ['/callback'] }],
  },
  client: { id: 'web-app', scope: 'openid offline_access urn:opc:resource:consumer::all' },
  timeline: [{ 'sign-in': { user: 'ada' } }, { work: { count: 1 } }],
  expect: [{ signInOutcomes: { ok: 'all' } }, { outcomes: { ok: 'all' } }],
});

const declaration = { grants: ['authorization_code', 'refresh_token'] as ('authorization_code' | 'refresh_token')[] };

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

describe('sign-in operations, module driver', () => {
  it('hands signIn()\'s URL to the person and the redirect to callback(url); the subject is reported', async () => {
    const seen: string[] = [];
    const createClient: CreateClient = (env) => {
      const client = exampleClient().createClient(env);
      return {
        work: client.work,
        // A URL in an object, as the docs allow, instead of the plain string.
        signIn: async () => ({ url: await client.signIn?.() }),
        callback: (url: string) => (seen.push(url), client.callback?.(url)),
      };
    };
    const result = await runScenarios({ driver: moduleDriver({ createClient }), scenarios: [signInOnce], declaration });
    const scenario = result.scenarios[0];
    expect(scenario?.verdict, JSON.stringify(scenario?.expectations)).toBe('pass');
    expect(scenario?.expectations[0]?.explanation).toContain('signed in as ada');
    expect(seen).toHaveLength(1);
    expect(new URL(seen[0] as string).pathname).toBe('/callback');
    expect(new URL(seen[0] as string).searchParams.get('code')).toMatch(/^AQIDBA/);
  });

  it('says why a client without signIn() could not be signed in: nobody was', async () => {
    const createClient: CreateClient = () => ({ work: () => ({ ok: false, needsSignIn: true }) });
    const result = await runScenarios({ driver: moduleDriver({ createClient }), scenarios: [signInOnce], declaration });
    const scenario = result.scenarios[0];
    expect(scenario?.verdict).toBe('fail');
    const signIns = scenario?.expectations.find((e) => e.name === 'sign-ins reported by the client');
    expect(signIns?.verdict).toBe('fail');
    expect(signIns?.explanation).toContain('never reached the callback (the client gave no authorization URL: the client has no signIn() method');
  });
});

describe('a client that leaves a sign-in operation unanswered', () => {
  it('is not asked again: the later sign-in steps are skipped, with the reason', async () => {
    let asked = 0;
    const createClient: CreateClient = () => ({ work: () => ({ ok: false, needsSignIn: true }), signIn: () => ((asked += 1), new Promise(() => {})) });
    const twice = defineScenario({ ...signInOnce, name: 'sign-in-twice', timeline: [{ 'sign-in': { user: 'ada', timeout: 1 } }, { 'sign-in': { user: 'ada', timeout: 1 } }], expect: [{ signInOutcomes: { ok: 'all' } }] });
    const result = await runScenarios({ driver: moduleDriver({ createClient }), scenarios: [twice], declaration });
    const scenario = result.scenarios[0];
    expect(asked).toBe(1);
    expect(scenario?.verdict).toBe('fail');
    expect(scenario?.expectations[0]?.explanation).toContain('the client did not answer an earlier sign-in operation (no report within 1 s)');
  });
});

describe('a client with a callback listener of its own', () => {
  it('is registered with its redirect URI and gets the browser\'s return as a GET there', async () => {
    const port = await freePort();
    const redirectUri = `http://127.0.0.1:${port}/oauth/callback`;
    let handled = 0;
    const createClient: CreateClient = (env) => {
      expect(env.UNDERSTUDY_REDIRECT_URI).toBe(redirectUri);
      const client = exampleClient().createClient(env);
      const listener = createHttpServer((request, response) => {
        handled += 1;
        void (client.callback?.(`http://127.0.0.1:${port}${request.url}`) ?? Promise.resolve({ ok: false })).then((report) =>
          response.writeHead(report.ok ? 200 : 400, { 'content-type': 'application/json' }).end(JSON.stringify(report)),
        );
      });
      servers.push(listener);
      return new Promise((resolve) => listener.listen(port, '127.0.0.1', () => resolve({ work: client.work, signIn: client.signIn })));
    };
    const result = await runScenarios({ driver: moduleDriver({ createClient, fakeTime: false }), scenarios: [signInOnce], declaration: { ...declaration, redirectUri } });
    const scenario = result.scenarios[0];
    expect(scenario?.verdict, `${scenario?.error ?? ''} ${JSON.stringify(scenario?.expectations)}`).toBe('pass');
    expect(handled).toBe(1);
    expect(scenario?.expectations[0]?.explanation).toContain('signed in as ada');
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
