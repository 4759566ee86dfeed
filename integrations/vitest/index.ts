/**
 * oauth-understudy/vitest: understudy in the habits of a vitest suite.
 *
 * - `useUnderstudy()` starts an isolated server per test file (127.0.0.1, a free port) and stops
 *   it after; `startUnderstudy()` is the same with an explicit lifecycle.
 * - Matchers over the journal, one per contract rule (`toHaveRequestedTokens`,
 *   `toHaveReplayedOnceAfterInvalidToken`, ...), whose failures quote the journal lines. Importing
 *   this entry installs them on vitest's `expect` and brings their types.
 * - `runScenario(name, { client })` runs a built-in contract scenario against an in-process
 *   client; `expect(result).toPassScenario()` explains a failure as `understudy run` does.
 *
 * @example
 * import { runScenario, useUnderstudy } from 'oauth-understudy/vitest';
 * const idcs = useUnderstudy();
 * it('reuses its token', async () => {
 *   const client = createClient(idcs.env);
 *   await client.work({ path: '/hcmRestApi/resources/11.13.18.05/emps' });
 *   expect(idcs).toHaveRequestedTokens(1);
 * });
 */
import { installMatchers } from './matchers.ts';

export { useUnderstudy, type UseUnderstudyOptions, type UnderstudyFixture } from './use-understudy.ts';
export { startUnderstudy, type Understudy, type UnderstudyOptions, type FaultInput } from './start-understudy.ts';
export type { UnderstudyCredentials } from './credentials.ts';
export { understudyMatchers, installMatchers } from './matchers.ts';
export type { UnderstudyMatchers } from './matcher-types.ts';
export type { CountExpectation, ReplayOptions, ExpiredTokenOptions, HeaderOptions } from './journal-matchers.ts';
export type { JournalSource } from './journal-source.ts';
export { runScenario, type RunScenarioOptions } from './run-scenario.ts';
export { findScenario } from './find-scenario.ts';
export type { ScenarioResult } from '../../harness/runner/run-scenario.ts';
export type { CreateClient, ModuleClient } from '../../harness/drivers/module-driver.ts';

// This entry exists to be imported by test files, so the matchers are ready without a setup file.
installMatchers();
