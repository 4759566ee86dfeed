import type { ScenarioResult } from '../runner/run-scenario.ts';
import type { Scenario } from '../scenario/schema.ts';

/** Scenario counts of a run by verdict, e.g. to decide a CI exit code (any `failed` or `errored` means the client broke the contract or could not be judged). */
export interface RunSummary {
  passed: number;
  failed: number;
  /** Scenarios with verdict `error`: they could not be judged. */
  errored: number;
  durationMs: number;
}

/** The result of a run: a public contract (the JSON reporter writes exactly this). */
export interface RunResult {
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
