import { expect } from 'vitest';
import { journalMatchers } from './journal-matchers.ts';
import { scenarioMatchers } from './scenario-matcher.ts';

/**
 * Every understudy matcher, for `expect.extend(understudyMatchers)` (e.g. on an `expect` made
 * with `createExpect`). Importing `oauth-understudy/vitest` already installs them on vitest's
 * `expect`; their types come with that import too (see matcher-types.ts).
 */
export const understudyMatchers = { ...journalMatchers, ...scenarioMatchers };

/**
 * Installs the matchers on vitest's global `expect`. The package entry calls it when it is
 * imported, so a test file needs nothing more; calling it again is harmless.
 */
export function installMatchers(): void {
  expect.extend(understudyMatchers);
}
