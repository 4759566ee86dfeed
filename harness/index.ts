/**
 * understudy's contract harness: scenarios that drive a client integration and judge its token
 * handling on the server's journal.
 */
export { runScenarios, BUILT_IN_SCENARIOS, type RunScenariosOptions } from './runner/run-scenarios.ts';
export { runScenario, type ScenarioResult, type RunScenarioOptions, type Verdict } from './runner/run-scenario.ts';
export { defineScenario } from './scenario/define.ts';
export { loadScenarioFile, validateScenario } from './scenario/load.ts';
export { scenarioJsonSchema } from './scenario/schema.ts';
export type { Scenario, ScenarioInput, Step, Expectation, ExpectationKind, Level } from './scenario/schema.ts';
export type { ExpectationResult, ExpectationVerdict } from './expectations/judge.ts';
export { loadDeclarationFile, type ClientDeclarationInput } from './scenario/declaration.ts';
export { BOUND_NAMES, type Bounds, type BoundsInput, type BoundName } from './scenario/bounds.ts';
export { commandDriver, type CommandDriverOptions } from './drivers/command-driver.ts';
export { httpDriver } from './drivers/http-driver.ts';
export { moduleDriver, type ModuleDriverOptions, type CreateClient, type ModuleClient } from './drivers/module-driver.ts';
export { faketimeCommandDriver } from './drivers/faketime-driver.ts';
export type { Driver, ClientSession, ClientEnvironment, WorkRequest, WorkResult, ClientExit, TimeControl } from './drivers/driver.ts';
export { HarnessError, type HarnessErrorCode } from './errors.ts';
export {
  createReporter,
  prettyReporter,
  jsonReporter,
  junitReporter,
  REPORTER_NAMES,
  REPORT_VERSION,
  type Reporter,
  type RunResult,
  type RunSummary,
  type ReporterName,
} from './reporters/index.ts';
