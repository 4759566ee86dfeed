import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellQuote } from './shell-quote.ts';

describe('shellQuote', () => {
  it('leaves URLs, scopes and credentials made of safe characters alone', () => {
    expect(shellQuote('https://api.understudy.test:443urn:opc:resource:consumer::all')).toBe('https://api.understudy.test:443urn:opc:resource:consumer::all');
    expect(shellQuote('demo-client:demo-secret')).toBe('demo-client:demo-secret');
  });

  it.each(["it's", 'a b', '$HOME', '`id`', 'x;y', 'back\\slash', '"quoted"', ''])('round-trips %j through sh', (word) => {
    expect(execFileSync('sh', ['-c', `printf %s ${shellQuote(word)}`], { encoding: 'utf8' })).toBe(word);
  });
});
