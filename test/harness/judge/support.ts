/** Judging hand-made journals: run one expectation and read which entries its evidence quotes. */
import type { ClientExit } from '../../../harness/drivers/driver.ts';
import { judge, type ExpectationResult, type JudgeInput, type SignInRecord, type UnitRecord } from '../../../harness/expectations/judge.ts';
import { resolveBounds, type BoundsInput } from '../../../harness/scenario/bounds.ts';
import type { Expectation, Level } from '../../../harness/scenario/schema.ts';
import type { JournalEntry } from '../../../server/journal/types.ts';
import { T0 } from '../../support/journal-entries.ts';

export const DEFAULTS = { level: 'must' as Level, rule: 'under-test' };

export interface RunOptions {
  exit?: ClientExit;
  bounds?: BoundsInput;
  requestTimeout?: number;
  clientTime?: JudgeInput['clientTime'];
  apiLeeway?: number;
  defaults?: { level: Level; rule: string };
  /** Entries before the segment, and the segment's sign-in steps. */
  before?: JournalEntry[];
  signIns?: SignInRecord[];
}

export function run(expectation: Expectation, entries: JournalEntry[], units: UnitRecord[] = [], options: RunOptions = {}): ExpectationResult {
  const input: JudgeInput = { entries, origin: T0, units, exit: options.exit, bounds: resolveBounds(options.bounds, options.requestTimeout), clientTime: options.clientTime, apiLeeway: options.apiLeeway, before: options.before, signIns: options.signIns };
  return judge(expectation, input, options.defaults ?? DEFAULTS);
}

/** The evidence quotes exactly these journal entries, by sequence number, in order. */
export function quoted(result: ExpectationResult): number[] {
  return result.evidence.map((line) => {
    const match = /^#(\d+) /.exec(line);
    if (!match) throw new Error(`evidence line without a #seq: ${line}`);
    return Number(match[1]);
  });
}
