import type { ScenarioResult } from '../runner/run-scenario.ts';
import type { Scenario } from '../scenario/schema.ts';

/**
 * Scenario counts of a run by verdict. Only `failed` and `errored` mean the client broke the
 * contract or could not be judged (exit code 1); `notExercised` and `notApplicable` scenarios say
 * nothing about the client either way.
 */
export interface RunSummary {
  passed: number;
  failed: number;
  /** Scenarios with verdict `error`: they could not be judged. */
  errored: number;
  /** Scenarios that ran but gave the client no chance to break a `must` rule. */
  notExercised: number;
  /** Scenarios about something the client does not declare it does (not run). */
  notApplicable: number;
  durationMs: number;
}

/** The version of the run report (`RunResult`) and command protocol contract: 3 added the sign-in operations and checks, 2 the not-exercised and not-applicable verdicts. */
export const REPORT_VERSION = 3;

/** The result of a run: a public contract (the JSON reporter writes exactly this). */
export interface RunResult {
  /** The report contract's version: {@link REPORT_VERSION}. */
  reportVersion: number;
  summary: RunSummary;
  scenarios: ScenarioResult[];
}

/** Hooks a reporter may implement; `--reporter` names and objects passed in code go the same path. */
export interface Reporter {
  onRunStart?(scenarios: readonly Scenario[]): void;
  onScenarioStart?(scenario: Scenario): void;
  onScenarioResult?(result: ScenarioResult): void;
  onRunEnd?(result: RunResult): void | Promise<void>;
}
