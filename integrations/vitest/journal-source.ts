import { Journal, type JournalEntry } from '../../server/index.ts';
import type { WorkResult } from '../../harness/drivers/driver.ts';
import { inferTrails } from '../../harness/expectations/follow.ts';

/**
 * What the journal matchers accept: a fixture or server (anything with a `journal`), a Journal,
 * or journal entries (e.g. `server.journal.entries({ endpoint: ['api'] })`).
 */
export type JournalSource = { readonly journal: Journal; readonly origin?: number } | Journal | readonly JournalEntry[];

/** The entries to judge, and the virtual time their quoted lines count "+N s" from. */
export interface JournalView {
  entries: JournalEntry[];
  origin: number;
}

/**
 * Reads the entries of whatever a matcher was given.
 * @throws TypeError saying what the matcher accepts, when `received` is none of those.
 */
export function readJournal(received: unknown, matcher: string): JournalView {
  if (received instanceof Journal) return view(received.entries());
  if (Array.isArray(received)) {
    const notEntry = received.findIndex((item) => !isEntry(item));
    if (notEntry !== -1) throw new TypeError(`${matcher}: item ${notEntry} of the array is not a journal entry (${preview(received[notEntry])}); pass journal.entries(), a Journal or the understudy fixture`);
    return view(received as JournalEntry[]);
  }
  if (received && typeof received === 'object') {
    const holder = received as { journal?: unknown; origin?: unknown; verdict?: unknown };
    if (holder.journal instanceof Journal) return view(holder.journal.entries(), typeof holder.origin === 'number' ? holder.origin : undefined);
    if (typeof holder.verdict === 'string' && Array.isArray(holder.journal)) {
      throw new TypeError(`${matcher}: this is a ScenarioResult, whose journal is already judged; assert it with expect(result).toPassScenario()`);
    }
  }
  throw new TypeError(`${matcher}: expected the understudy fixture (useUnderstudy / startUnderstudy), a server or its Journal, or an array of journal entries; got ${preview(received)}`);
}

function view(entries: JournalEntry[], origin?: number): JournalView {
  // Without a fixture's start time, lines count from the first request.
  return { entries, origin: origin ?? entries[0]?.time ?? 0 };
}

function isEntry(value: unknown): value is JournalEntry {
  const entry = value as Partial<JournalEntry> | undefined;
  return typeof entry === 'object' && entry !== null && typeof entry.seq === 'number' && typeof entry.endpoint === 'string';
}

/**
 * The units of work behind a journal that has no client reports (a test drove the client
 * itself): `count` when the test gave it, else one per API call but a replay, as the judge
 * follows them (the next call to the same method and path after an invalid_token refusal).
 */
export function inferUnits(entries: readonly JournalEntry[], count?: number): WorkResult[] {
  const units = count ?? inferTrails(entries.filter((entry) => entry.endpoint === 'api')).length;
  return Array.from({ length: units }, (_, index) => ({ id: index + 1, ok: true, elapsedMs: 0 }));
}

function preview(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value !== 'object') return `${typeof value} ${JSON.stringify(value)}`;
  const name = (value as object).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : `an object with keys ${Object.keys(value).slice(0, 6).join(', ') || '(none)'}`;
}
