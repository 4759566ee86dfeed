/**
 * runScenario inside a test: built-in scenarios by name against in-process example clients,
 * given as a factory or a module path, and toPassScenario's message (the pretty reporter's).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defineScenario } from '../../../harness/scenario/define.ts';
import { HarnessError } from '../../../harness/errors.ts';
import { runScenario, type CreateClient } from '../../../integrations/vitest/index.ts';
import { createClient as wellBehaved } from '../../../examples/clients/well-behaved.ts';
import { createClient as tokenPerCall } from '../../../examples/clients/token-per-call.ts';
import { failureOf } from './support/entries.ts';

const example = (name: string) => fileURLToPath(new URL(`../../../examples/clients/${name}.ts`, import.meta.url));

const rejection = async (running: Promise<unknown>): Promise<HarnessError> => {
  const error = await running.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(HarnessError);
  return error as HarnessError;
};

describe('runScenario', () => {
  it('passes the reference client on a built-in scenario, given as a factory', async () => {
    const result = await runScenario('reuse-valid-token', { client: wellBehaved });
    expect(result).toMatchObject({ name: 'reuse-valid-token', verdict: 'pass' });
    expect(result).toPassScenario();
    expect(failureOf(() => expect(result).not.toPassScenario())).toMatch(/expect\(result\)\.not\.toPassScenario\(\)\n\n✓ reuse-valid-token passed: A client reuses a valid cached token[\s\S]*✓ reuses a valid token: The client reused its token: 1 token request in all/);
  });

  it('fails a buggy client, and toPassScenario explains it as the pretty reporter does, journal lines included', async () => {
    const result = await runScenario('reuse-valid-token', { client: tokenPerCall });
    expect(result.verdict).toBe('fail');
    expect(result).not.toPassScenario();
    const message = failureOf(() => expect(result).toPassScenario());
    expect(message).toContain('✗ FAILED  reuse-valid-token');
    expect(message).toContain('What it checks: A client reuses a valid cached token instead of fetching one for every call.');
    expect(message).toContain('✗ reuses a valid token  (must, rule "reuse")');
    // On fake time the second request may come in the same millisecond: "3600 s left" is as right as "3599.99 s".
    expect(message).toMatch(/4 token requests while the client held a token that was still good: #3 while token [0-9a-f]{8} \(#1\) had (3600|3599\.\d+) s left;[\s\S]*\(must: five calls well inside a one-hour lifetime need one token\)/);
    expect(message).toMatch(/Journal \(what the server saw\):\n\s+#1 \+0\.\d{3}s token POST \/oauth2\/v1\/token -> 200 issued [0-9a-f-]{8} /);
  });

  it('takes a module path, and judges early revocation on the no-replay client', async () => {
    const result = await runScenario('early-revocation', { client: example('no-replay') });
    expect(result.verdict).toBe('fail');
    const message = failureOf(() => expect(result).toPassScenario());
    expect(message).toContain('✗ exactly one replay after invalid_token');
    expect(message).toMatch(/#\d+ \+\d+\.\d{3}s api GET \S+ -> 401 invalid_token with token [0-9a-f-]{8} \[fault api\.revoke_early\]/);
  });

  it('runs a scenario object as well as a name', async () => {
    const scenario = defineScenario({
      name: 'three-calls',
      intent: 'Three calls in a row share one token.',
      timeline: [{ work: { count: 3 } }],
      expect: [{ tokenRequests: { exactly: 1 } }, { apiCalls: { exactly: 3 } }],
    });
    expect(await runScenario(scenario, { client: wellBehaved })).toPassScenario();
  });

  it('makes a client that cannot start an error, which fails toPassScenario with and without .not', async () => {
    const broken: CreateClient = () => {
      throw new Error('PAYROLL_URL is not set');
    };
    const result = await runScenario('reuse-valid-token', { client: broken });
    expect(result).toMatchObject({ verdict: 'error', errorCode: 'CLIENT_START_FAILED' });
    expect(failureOf(() => expect(result).toPassScenario())).toMatch(/ERROR {2}reuse-valid-token[\s\S]*could not be judged: cannot start the client factory broken\(\): broken\(\) threw: PAYROLL_URL is not set/);
    expect(failureOf(() => expect(result).not.toPassScenario())).toContain('could not be judged');
  });

  it('names the nearest scenarios when the name is unknown', async () => {
    const error = await rejection(runScenario('early-revoke', { client: wellBehaved }));
    expect(error.code).toBe('SCENARIO_NOT_FOUND');
    expect(error.message).toMatch(/^no scenario is called "early-revoke"; did you mean "early-revocation"/);
    expect(error.message).toMatch(/Scenarios in \S+scenarios: .*reuse-valid-token/);
  });

  it('refuses a client that is neither a factory nor a path, and exportName with a factory', async () => {
    expect((await rejection(runScenario('reuse-valid-token', { client: 42 as never }))).message).toBe(
      "runScenario: options.client must be the client's createClient(env) function or the path of a module exporting it, got number",
    );
    const withExportName = await rejection(runScenario('reuse-valid-token', { client: wellBehaved, exportName: 'makeClient' }));
    expect(withExportName).toMatchObject({ code: 'USAGE', message: expect.stringContaining('with a createClient function there is no module to look into') });
  });

  it('refuses to judge anything but a ScenarioResult with toPassScenario', () => {
    expect(() => expect({ verdict: 'pass' }).toPassScenario()).toThrow(/toPassScenario: expected the ScenarioResult of runScenario\(\)/);
  });
});
