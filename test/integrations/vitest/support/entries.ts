/** Hand-made journal entries and a way to read a matcher's failure message. */
import { stripVTControlCharacters } from 'node:util';

export { apiCall, invalidToken, jti, T0, tokenIssued, tokenLimited } from '../../../support/journal-entries.ts';

/** Runs an assertion that must fail, and returns its message without colours. */
export function failureOf(assertion: () => unknown): string {
  try {
    assertion();
  } catch (error) {
    return stripVTControlCharacters(error instanceof Error ? error.message : String(error));
  }
  throw new Error('expected the assertion to fail, but it passed');
}
