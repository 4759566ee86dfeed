import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseHost, parsePort, parseServerUrl } from './parse-options.ts';

describe('parsePort', () => {
  it.each([['0', 0], ['9400', 9400], ['65535', 65535]])('accepts %s', (value, port) => {
    expect(parsePort(value)).toBe(port);
  });
  it.each(['abc', '', ' 80', '-1', '1.5', '65536', '1e3', '0x50'])('rejects %j with the accepted range', (value) => {
    expect(() => parsePort(value)).toThrow(InvalidArgumentError);
    expect(() => parsePort(value)).toThrow(/0 to 65535/);
  });
});

describe('parseHost', () => {
  it.each(['127.0.0.1', '0.0.0.0', '::1', '::', 'localhost', 'my-host.example.test'])('accepts %s', (host) => {
    expect(parseHost(host)).toBe(host);
  });
  it.each(['', 'localhost:9400', 'http://localhost', 'a b'])('rejects %j', (host) => {
    expect(() => parseHost(host)).toThrow(InvalidArgumentError);
  });
});

describe('parseServerUrl', () => {
  it('drops a trailing slash so paths can be appended', () => {
    expect(parseServerUrl('http://127.0.0.1:9400/')).toBe('http://127.0.0.1:9400');
  });
  it.each(['localhost:9400', '127.0.0.1', 'ftp://example.test'])('rejects %j', (url) => {
    expect(() => parseServerUrl(url)).toThrow(InvalidArgumentError);
  });
});
