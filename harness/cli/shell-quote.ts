/** Characters a POSIX shell passes through unquoted. */
const SAFE = /^[A-Za-z0-9_\-.,:/@%+=]+$/;

/** Quotes one word for a POSIX shell (sh, bash, zsh), so a printed command can be pasted as-is. */
export function shellQuote(word: string): string {
  if (SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
