import type { MatcherState, SyncMatcherResult } from 'vitest';
import { formatScenarioBlock } from '../../harness/reporters/pretty-reporter.ts';
import type { ScenarioResult } from '../../harness/runner/run-scenario.ts';

const plain = (_style: unknown, text: string) => text;

function isScenarioResult(value: unknown): value is ScenarioResult {
  const result = value as Partial<ScenarioResult> | undefined;
  return typeof result === 'object' && result !== null && typeof result.verdict === 'string' && Array.isArray(result.expectations) && typeof result.name === 'string';
}

/** The matcher over a scenario's result; its failure message is the pretty reporter's block. */
export const scenarioMatchers = {
  /**
   * The scenario passed: every `must` expectation held. A failure prints what the scenario
   * checks, each failed expectation's explanation and the journal lines that decided it, as
   * `understudy run` does. A scenario that could not be judged (verdict "error"), was not
   * exercised or is not applicable fails with and without `.not`: it says nothing about the
   * client either way.
   */
  toPassScenario(this: MatcherState, received: unknown): SyncMatcherResult {
    if (!isScenarioResult(received)) {
      throw new TypeError(`toPassScenario: expected the ScenarioResult of runScenario(), got ${received === null || typeof received !== 'object' ? JSON.stringify(received) : 'an object without verdict and expectations'}`);
    }
    const header = `expect(result)${this.isNot ? '.not' : ''}.toPassScenario()`;
    const block = formatScenarioBlock(received, { cwd: process.cwd(), clientLogLines: 20, paint: plain });
    // Neither "it passed" nor "it failed" can be claimed: the matcher fails with and without .not.
    if (received.verdict === 'error') return { pass: this.isNot, message: () => `${header}\n\n${block ?? received.error ?? 'the scenario could not be judged'}` };
    if (received.verdict === 'not-exercised' || received.verdict === 'not-applicable') {
      return { pass: this.isNot, message: () => `${header}\n\n${block ?? `${received.verdict}: ${received.reason ?? ''}`}` };
    }
    if (received.verdict === 'fail') return { pass: false, message: () => `${header}\n\n${block}` };
    const held = received.expectations.map((e) => `  ✓ ${e.name}: ${e.explanation}`);
    return {
      pass: true,
      message: () => [header, '', `✓ ${received.name} passed: ${received.intent}`, ...held, ...(block ? ['', block] : [])].join('\n'),
    };
  },
};
