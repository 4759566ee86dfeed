import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startUnderstudy, type Understudy, type UnderstudyOptions } from './start-understudy.ts';

/** What `useUnderstudy` accepts: the server's options, and whether tests start from a clean slate. */
export interface UseUnderstudyOptions extends UnderstudyOptions {
  /**
   * Before each test, empty the journal, restore the start-up fault rules and put the clock back
   * (see {@link Understudy.reset}). Default: true, because the matchers judge everything in the
   * journal: a test must see only its own requests, whatever ran before it and in whatever order.
   * Set it to false for a file whose tests build on one another, or run concurrently
   * (`it.concurrent`), since one test's reset would empty the journal of another.
   */
  resetBeforeEach?: boolean;
}

/** The fixture `useUnderstudy` returns: the server's handle, whose lifecycle the hooks own. */
export type UnderstudyFixture = Omit<Understudy, 'close'>;

const HANDLE_KEYS = ['url', 'urls', 'server', 'credentials', 'env', 'journal', 'clock', 'faults', 'origin'] as const;

/**
 * Starts an isolated understudy server for the test file (or the `describe` block) it is called
 * in: `beforeAll` starts it on 127.0.0.1 and a free port, `afterAll` stops it, and (unless
 * `resetBeforeEach: false`) `beforeEach` resets its journal, faults and clock. Call it at the
 * top level of the file; read the fixture's properties inside tests and hooks, once it runs.
 *
 * Faults meant for every test go in `options.faults` (a reset restores them); a fault a test adds
 * with `addFault` lasts until the next test.
 *
 * @example
 * const idcs = useUnderstudy();
 * it('reuses its token', async () => {
 *   const client = createClient(idcs.env);
 *   await client.work({ path: '/hcmRestApi/resources/11.13.18.05/emps' });
 *   expect(idcs).toHaveRequestedTokens(1);
 * });
 */
export function useUnderstudy(options: UseUnderstudyOptions = {}): UnderstudyFixture {
  const { resetBeforeEach = true, ...serverOptions } = options;
  let handle: Understudy | undefined;
  let stopped = false;

  beforeAll(async () => {
    handle = await startUnderstudy(serverOptions);
  });
  afterAll(async () => {
    stopped = true;
    const closing = handle?.close();
    // A later read gets the "after the server stopped" error, not a closed server's stale URL.
    handle = undefined;
    await closing;
  });
  if (resetBeforeEach) beforeEach(() => running('reset()').reset());

  const running = (what: string): Understudy => {
    if (handle) return handle;
    throw new Error(
      stopped
        ? `understudy: ${what} was used after the server stopped (afterAll); use the fixture inside the tests of the file or describe block that called useUnderstudy()`
        : `understudy: ${what} was used before the server started; useUnderstudy() starts it in beforeAll, so use the fixture inside a test or a hook, not at the top level of the file`,
    );
  };

  const fixture = {
    addFault: (rule: Parameters<Understudy['addFault']>[0]) => running('addFault()').addFault(rule),
    reset: () => running('reset()').reset(),
  } as UnderstudyFixture;
  for (const key of HANDLE_KEYS) {
    Object.defineProperty(fixture, key, { enumerable: true, get: () => running(key)[key] });
  }
  return fixture;
}
