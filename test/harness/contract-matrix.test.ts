/**
 * The contract suite judged against the example clients: the reference client passes every
 * scenario under all three drivers, and each buggy client (the reference with exactly one flaw)
 * fails exactly the scenarios of the rule it breaks, and passes the rest, but where its flaw
 * leaves a rule unexercised. Every rule of docs/rules.md has a client here that breaks only it.
 * This is the harness's own acceptance test; test/verdict-matrix/ checks it against real
 * libraries.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleClient } from '../../examples/clients/example-client.ts';
import type { ProtocolClient } from '../../examples/clients/serve-protocol.ts';
import { existsSync } from 'node:fs';
import { commandDriver } from '../../harness/drivers/command-driver.ts';
import { faketimeCommandDriver } from '../../harness/drivers/faketime-driver.ts';
import { httpDriver } from '../../harness/drivers/http-driver.ts';
import { moduleDriver } from '../../harness/drivers/module-driver.ts';
import type { Driver } from '../../harness/drivers/driver.ts';
import { runScenarios } from '../../harness/runner/run-scenarios.ts';
import { loadDeclarationFile, type ClientDeclarationInput } from '../../harness/scenario/declaration.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1';
const client = (name: string) => fileURLToPath(new URL(`../../examples/clients/${name}.ts`, import.meta.url));

interface Expected {
  /** The rule the flaw breaks (docs/rules.md). */
  rule?: string;
  /** Scenarios the client fails: the ones that check its flaw. */
  fails: string[];
  /** Scenarios its flaw gives no chance to break their rule. */
  notExercised?: string[];
}

const EXPECTED: Record<string, Expected> = {
  'well-behaved': { fails: [] },
  // Never reuses a token: reuse (also when expires_in is a string) and single flight. A token per
  // call never presents the token the API's skewed clock refuses, so recovery is not put to the test.
  'token-per-call': {
    rule: 'reuse',
    fails: ['expires-in-string', 'reuse-across-time', 'reuse-valid-token', 'single-flight-at-expiry', 'single-flight-cold-start'],
    notExercised: ['clock-skew-recovery'],
  },
  // Never refreshes on its own: presents its token after the told expiry (it replays after the
  // API's invalid_token, with its refresh token, so it still meets the consumed one).
  // In the rotation scenario it refreshes only once (after the API refuses its dead token), so
  // rotation is not put to the test.
  'caches-forever': { rule: 'refresh-before-expiry', fails: ['refresh-before-expiry'], notExercised: ['refresh-rotation-lost-answer'] },
  // 3600 read as ms = 3.6 s: the token is fetched again a few seconds later (and so, like token-per-call, never refused in clock-skew-recovery).
  'expires-in-millis': { rule: 'reuse', fails: ['reuse-across-time'], notExercised: ['clock-skew-recovery'] },
  'no-single-flight': { rule: 'single-flight', fails: ['single-flight-at-expiry', 'single-flight-cold-start'] },
  // Keeps the refused token: no replay, and stuck on a dead token when expires_in is missing; in
  // inactive-app it keeps presenting the revoked token and never meets the inactive app.
  'no-replay': { rule: 'recover-invalid-token', fails: ['assertion-recovery', 'clock-skew-recovery', 'early-revocation', 'expires-in-missing'], notExercised: ['inactive-app'] },
  'replays-forever': { rule: 'no-loop-on-insufficient-scope', fails: ['insufficient-scope', 'invalid-token-gives-up'] },
  'ignores-retry-after': { rule: 'retry-after', fails: ['retry-after'] },
  'drops-header': { rule: 'required-headers', fails: ['token-request-header'] },
  'retries-permanent-errors': {
    rule: 'fail-fast',
    fails: ['firewall-refusal', 'inactive-app', 'invalid-client', 'invalid-scope', 'unauthorized-client', 'wrong-token-url'],
  },
  // server-error-backoff is a should: there the flaw is a warning.
  'no-backoff': { rule: 'backoff', fails: ['html-error-page'] },
  'ignores-timeout': { rule: 'timeout', fails: ['hanging-token-endpoint'] },
  'strict-token-type': { rule: 'odd-responses', fails: ['lowercase-token-type'] },
  // In a sign-in it keeps presenting a refresh token the server refused: a lost rotation, then a dead week.
  'keeps-consumed-refresh-token': { rule: 'refresh-token', fails: ['refresh-rotation-lost-answer', 'refresh-token-consumed', 'refresh-token-expires'] },
  // Sign-in clients. No state and no PKCE: the attacker's code is redeemed; and PKCE is missing.
  'no-csrf-protection': { rule: 'state', fails: ['forged-callback-no-state', 'forged-callback-wrong-state', 'pkce-confidential', 'pkce-public'] },
  'no-pkce': { rule: 'pkce', fails: ['pkce-confidential', 'pkce-public'] },
  // A bad signature is a should (TLS may vouch for an ID token from the token endpoint): a warning there.
  'trusts-id-token': { rule: 'id-token', fails: ['id-token-wrong-audience', 'id-token-wrong-issuer', 'id-token-wrong-nonce'] },
  'keeps-first-refresh-token': { rule: 'refresh-rotation', fails: ['consent-once-days-of-work', 'refresh-rotation-lost-answer'] },
  'hides-sign-in-needed': { rule: 'sign-in-again', fails: ['refresh-token-expires'] },
  'retries-code': { rule: 'code-once', fails: ['code-answer-lost', 'code-expired'] },
  'token-after-callback-error': { rule: 'callback-error', fails: ['access-denied', 'login-required'] },
  'local-sign-out': { rule: 'logout', fails: ['logout-ends-session'] },
  // The cached assertion is refused as a replay (its jti), so the recovery after invalid_token fails too.
  'caches-assertion': { rule: 'fresh-assertion', fails: ['assertion-recovery', 'fresh-assertion'] },
};

let declaration: ClientDeclarationInput;
beforeAll(async () => {
  declaration = await loadDeclarationFile(client('example-client').replace(/\.ts$/, '.understudy.yaml'));
});

async function verdicts(driver: Driver, parallel = 6, declared: ClientDeclarationInput = declaration): Promise<{ fails: string[]; notExercised: string[] }> {
  const result = await runScenarios({ driver, parallel, declaration: declared });
  const named = (verdict: string) => result.scenarios.filter((s) => s.verdict === verdict).map((s) => s.name).sort();
  expect(named('error').map((name) => `${name}: ${result.scenarios.find((s) => s.name === name)?.error}`)).toEqual([]);
  // The example clients declare everything the suite needs: no scenario is left out.
  expect(named('not-applicable')).toEqual([]);
  // On a mismatch, say why each scenario that did not pass got its verdict.
  why = result.scenarios
    .filter((s) => s.verdict !== 'pass')
    .map((s) => `${s.name}: ${s.verdict}: ${s.expectations.filter((e) => e.verdict !== 'pass').map((e) => `${e.name}: ${e.explanation}`).join(' | ')}\n${s.journal.join('\n')}`)
    .join('\n\n');
  return { fails: named('fail'), notExercised: named('not-exercised') };
}

let why = '';

describe('the contract suite, module driver (fake time)', () => {
  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(`${name} fails exactly: ${expected.fails.join(', ') || 'nothing'}`, async () => {
      const got = await verdicts(moduleDriver({ file: client(name) }));
      expect(got, why).toEqual({ fails: expected.fails, notExercised: expected.notExercised ?? [] });
    });
  }

  it('has a client that breaks each rule of the catalogue', () => {
    const rules = [
      'reuse',
      'refresh-before-expiry',
      'single-flight',
      'recover-invalid-token',
      'no-loop-on-insufficient-scope',
      'fail-fast',
      'retry-after',
      'backoff',
      'timeout',
      'required-headers',
      'odd-responses',
      'refresh-token',
      'state',
      'pkce',
      'id-token',
      'refresh-rotation',
      'sign-in-again',
      'code-once',
      'callback-error',
      'logout',
      'fresh-assertion',
    ];
    expect(new Set(Object.values(EXPECTED).map((e) => e.rule).filter(Boolean))).toEqual(new Set(rules));
  });
});

describe('the contract suite, command driver (real processes, real time)', () => {
  it('the reference client passes every scenario', async () => {
    const got = await verdicts(commandDriver({ command: `node ${JSON.stringify(client('well-behaved'))}`, cwd: ROOT }), 8);
    expect(got, why).toEqual({ fails: [], notExercised: [] });
  }, 90_000);

  it('a buggy client fails exactly the scenarios of its bug', async () => {
    const expected = EXPECTED['no-replay'] as Expected;
    const got = await verdicts(commandDriver({ command: `node ${JSON.stringify(client('no-replay'))}`, cwd: ROOT }), 8);
    // On real time the expiry in single-flight-at-expiry reaches the client only as the API's
    // invalid_token, which this client never answers with a new token: nothing to share.
    expect(got, why).toEqual({ fails: expected.fails, notExercised: [...(expected.notExercised ?? []), 'single-flight-at-expiry'].sort() });
  }, 90_000);
});

describe.skipIf(!existsSync(LIBFAKETIME))('the contract suite, faketime driver (a real process on the server\'s virtual time)', () => {
  it('the reference client passes every scenario', async () => {
    // At rate 60 a virtual second is 17 real ms, less than a loaded machine may take to answer:
    // the client is declared (and configured) with a 30 s virtual timeout, half a real second.
    const got = await verdicts(faketimeCommandDriver({ command: `node ${JSON.stringify(client('well-behaved'))}`, cwd: ROOT, rate: 60 }), 6, { ...declaration, requestTimeout: 30 });
    expect(got, why).toEqual({ fails: [], notExercised: [] });
  }, 120_000);
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
    // The integration: the reference client behind POST /trigger, pointed at each scenario's server;
    // the trigger takes the sign-in operations too.
    let integration: ProtocolClient | undefined;
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const call = JSON.parse(body) as { op: string; method: string; path: string; url: string };
        const client = integration as ProtocolClient;
        const outcome: Promise<{ ok: boolean }> =
          call.op === 'sign-in'
            ? Promise.resolve(client.signIn?.()).then((url) => ({ ok: url !== undefined, url }))
            : call.op === 'callback'
              ? (client.callback?.(call.url) ?? Promise.resolve({ ok: false }))
              : call.op === 'sign-out'
                ? Promise.resolve(client.signOut?.() ?? { ok: false })
                : client.work(call);
        void outcome.then((report) => response.writeHead(report.ok ? 200 : 502, { 'content-type': 'application/json' }).end(JSON.stringify(report)));
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const driver = httpDriver({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/trigger`,
      onEnvironment: (_env, variables) => {
        integration = exampleClient().createClient(variables);
      },
    });
    // One integration is reconfigured per scenario, so scenarios run one at a time.
    const result = await runScenarios({ driver, parallel: 1, declaration });
    expect(result.scenarios.filter((s) => s.verdict !== 'pass').map((s) => `${s.name}: ${s.verdict} ${s.error ?? ''}`)).toEqual([]);
  }, 180_000);
});
