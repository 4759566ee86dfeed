import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { JournalSink } from './journal.ts';
import type { JournalEntry } from './types.ts';

/** Appends each journal entry as one JSON line to a file; `close()` resolves once it is flushed. */
export function createJsonLinesSink(file: string): JournalSink {
  mkdirSync(dirname(file), { recursive: true });
  const stream = createWriteStream(file, { flags: 'a' });
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
