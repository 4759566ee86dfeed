import { createWriteStream, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { JournalSink } from './journal.ts';
import type { JournalEntry } from './types.ts';

/**
 * Appends each journal entry as one JSON line to a file; `close()` resolves once it is flushed.
 * The file is opened at once, so a path that cannot be written fails here, at start-up, and not
 * silently entry by entry later.
 * @throws Error naming the file and the reason (EISDIR, EACCES, ENOTDIR...).
 */
export function createJsonLinesSink(file: string): JournalSink {
  let fd: number;
  try {
    mkdirSync(dirname(file), { recursive: true });
    fd = openSync(file, 'a');
  } catch (error) {
    throw new Error(`cannot open the journal file ${file}: ${(error as Error).message}`, { cause: error });
  }
  const stream = createWriteStream(file, { fd });
  let failure: Error | undefined;
  stream.on('error', (error) => {
    failure = error;
  });
  return {
    write(entry: JournalEntry) {
      if (!failure) stream.write(`${JSON.stringify(entry)}\n`);
    },
    close() {
      return new Promise((resolve, reject) => {
        if (failure) {
          reject(new Error(`journal file ${file} could not be written: ${failure.message}`));
          return;
        }
        stream.end((error?: Error | null) => {
          const cause = error ?? failure;
          if (cause) reject(new Error(`journal file ${file} could not be written: ${cause.message}`));
          else resolve();
        });
      });
    },
  };
}
