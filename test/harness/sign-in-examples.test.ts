/**
 * The README's sign-in clients (examples/protocol/minimal-sign-in-client.mjs and .sh), run
 * through the suite as the README shows: every sign-in scenario that applies to them passes, and
 * the rest is not applicable with the reason (they read no ID token and need a secret).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { commandDriver } from '../../harness/drivers/command-driver.ts';
import { runScenarios } from '../../harness/runner/run-scenarios.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The README's declaration of them: `--declare grants=authorization_code,refresh_token`. */
const declaration = { grants: ['authorization_code', 'refresh_token'] } as const;

describe.concurrent('the README\'s sign-in clients', () => {
  for (const command of ['node examples/protocol/minimal-sign-in-client.mjs', 'bash examples/protocol/minimal-sign-in-client.sh']) {
    it(`${command} passes every sign-in scenario that applies to it`, async () => {
      const result = await runScenarios({ driver: commandDriver({ command, cwd: ROOT }), parallel: 6, declaration: { grants: [...declaration.grants] }, patterns: ['sign-in/*'] });
      const verdicts = Object.fromEntries(result.scenarios.map((s) => [s.name, s.verdict]));
      const judged = result.scenarios.filter((s) => s.verdict !== 'not-applicable');
      expect(judged.filter((s) => s.verdict !== 'pass').map((s) => `${s.name}: ${s.verdict} ${s.error ?? s.expectations.filter((e) => e.verdict !== 'pass').map((e) => e.explanation).join(' | ')}`)).toEqual([]);
      expect(judged.length).toBe(10);
      for (const name of ['id-token-wrong-nonce', 'logout-ends-session', 'pkce-public']) expect(verdicts[name], name).toBe('not-applicable');
    }, 120_000);
  }
});
