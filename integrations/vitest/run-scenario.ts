import { moduleDriver, type CreateClient } from '../../harness/drivers/module-driver.ts';
import { HarnessError } from '../../harness/errors.ts';
import { runScenario as runOneScenario, type ScenarioResult } from '../../harness/runner/run-scenario.ts';
import { validateScenario } from '../../harness/scenario/load.ts';
import type { BoundsInput } from '../../harness/scenario/bounds.ts';
import { resolveDeclaration, type ClientDeclarationInput } from '../../harness/scenario/declaration.ts';
import type { Scenario, ScenarioInput } from '../../harness/scenario/schema.ts';
import type { UnderstudyServer } from '../../server/index.ts';
import { findScenario } from './find-scenario.ts';

/** What `runScenario` needs: the client under test, and where to find scenarios by name. */
export interface RunScenarioOptions {
  /**
   * The client under test: its `createClient(env)` factory (`env` is the UNDERSTUDY_* record;
   * it returns `{ work(unit), close?() }`), or the path of a module exporting one.
   */
  client: CreateClient | string;
  /** With a module path: the export to call. Default: "createClient". */
  exportName?: string;
  /**
   * Run the client on fake timers shared with the scenario's server, so an hour of token
   * lifetime or a Retry-After wait takes milliseconds. Default: true.
   */
  fakeTime?: boolean;
  /** Folder a scenario name is looked up in. Default: the built-in suite (`BUILT_IN_SCENARIOS`). */
  folder?: string;
  /** Called with the scenario's own server once it is up. */
  onServer?: (server: UnderstudyServer) => void;
  /**
   * What the client does (grants, request timeout, headers; docs/rules.md): a scenario that
   * needs something it does not declare is `not-applicable`. Default: client_credentials, no
   * request timeout, both kinds of configured headers.
   */
  declaration?: ClientDeclarationInput;
  /** Bounds of the verdicts, e.g. `{ giveUpWithin: 10 }`. */
  bounds?: BoundsInput;
}

/**
 * Runs one scenario against an in-process client on a server of its own, and resolves with its
 * result (it does not throw on a failing client: assert with `expect(result).toPassScenario()`).
 * `scenario` is a name of the built-in suite (`'early-revocation'`), or a scenario object
 * (`defineScenario(...)`).
 * @throws HarnessError SCENARIO_NOT_FOUND (with the nearest names) for an unknown name,
 *   SCENARIO_INVALID for a bad scenario object, USAGE for a bad `client` or declaration.
 * @example
 * expect(await runScenario('early-revocation', { client: createClient })).toPassScenario();
 */
export async function runScenario(scenario: string | Scenario | ScenarioInput, options: RunScenarioOptions): Promise<ScenarioResult> {
  const client = options?.client;
  if (typeof client !== 'function' && (typeof client !== 'string' || client === '')) {
    throw new HarnessError('USAGE', `runScenario: options.client must be the client's createClient(env) function or the path of a module exporting it, got ${client === undefined ? 'nothing' : typeof client}`);
  }
  if (typeof client === 'function' && options.exportName !== undefined) {
    throw new HarnessError('USAGE', 'runScenario: exportName names an export of a module file; with a createClient function there is no module to look into, so leave it out');
  }
  const driver =
    typeof client === 'function'
      ? moduleDriver({ createClient: client, fakeTime: options.fakeTime })
      : moduleDriver({ file: client, exportName: options.exportName, fakeTime: options.fakeTime });
  const resolved = typeof scenario === 'string' ? await findScenario(scenario, options.folder) : toScenario(scenario);
  return runOneScenario(resolved, { driver, onServer: options.onServer, declaration: resolveDeclaration([options.declaration], options.bounds) });
}

function toScenario(scenario: Scenario | ScenarioInput): Scenario {
  if (!scenario || typeof scenario !== 'object') throw new HarnessError('USAGE', `runScenario: give a scenario name such as 'early-revocation' or a defineScenario(...) object, got ${JSON.stringify(scenario)}`);
  // A scenario read from a file (loadScenarioFile) is validated already, and carries its file.
  if ('file' in scenario && typeof scenario.name === 'string') return scenario as Scenario;
  return validateScenario(scenario, scenario.name ?? 'the scenario given to runScenario');
}
