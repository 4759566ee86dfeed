import { describe, expect, it } from 'vitest';
import { globToRegExp, inCountWindow, matchesRequest, resolveTime } from './match.ts';
import type { RequestFacts } from './request-facts.ts';

function facts(overrides: Partial<RequestFacts> = {}): RequestFacts {
  return { endpoint: 'token', method: 'POST', path: '/oauth2/v1/token', header: () => undefined, ...overrides };
}

describe('globToRegExp', () => {
  it('"*" matches within one path segment only', () => {
    const re = globToRegExp('/api/*/items');
    expect(re.test('/api/v1/items')).toBe(true);
    expect(re.test('/api//items')).toBe(true);
    expect(re.test('/api/v1/v2/items')).toBe(false);
    expect(re.test('/api/v1/items/1')).toBe(false);
  });

  it('"**" matches across segments', () => {
    const re = globToRegExp('/api/**');
    expect(re.test('/api/v1')).toBe(true);
    expect(re.test('/api/v1/items/1')).toBe(true);
    expect(re.test('/api/')).toBe(true);
    expect(re.test('/other/api/v1')).toBe(false);
    expect(globToRegExp('/a/**/z').test('/a/b/c/z')).toBe(true);
    expect(globToRegExp('/a/*/z').test('/a/b/c/z')).toBe(false);
  });

  it('a trailing "*" stays inside the last segment', () => {
    const re = globToRegExp('/oauth2/v1/*');
    expect(re.test('/oauth2/v1/token')).toBe(true);
    expect(re.test('/oauth2/v1/token/extra')).toBe(false);
  });

  it('is anchored at both ends', () => {
    const re = globToRegExp('/token');
    expect(re.test('/token')).toBe(true);
    expect(re.test('/oauth2/v1/token')).toBe(false);
    expect(re.test('/token/')).toBe(false);
  });

  it('treats regular-expression characters literally', () => {
    const re = globToRegExp('/hcmRestApi/resources/11.13.18.05/*');
    expect(re.test('/hcmRestApi/resources/11.13.18.05/emps')).toBe(true);
    expect(re.test('/hcmRestApi/resources/11x13x18x05/emps')).toBe(false);
    expect(globToRegExp('/a+b?(c)|[d]$').test('/a+b?(c)|[d]$')).toBe(true);
    expect(globToRegExp('/a+b').test('/aab')).toBe(false);
  });
});

describe('inCountWindow', () => {
  const window = (match: Parameters<typeof inCountWindow>[0]) => [1, 2, 3, 4, 5, 6].filter((n) => inCountWindow(match, n));

  it('with no counting condition every request is in', () => {
    expect(window({})).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('nth: exactly that one', () => {
    expect(window({ nth: 1 })).toEqual([1]);
    expect(window({ nth: 3 })).toEqual([3]);
  });

  it('from: that one and every later one', () => {
    expect(window({ from: 4 })).toEqual([4, 5, 6]);
    expect(window({ from: 1 })).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('times: the first N', () => {
    expect(window({ times: 2 })).toEqual([1, 2]);
  });

  it('from + times: N requests starting at from', () => {
    expect(window({ from: 2, times: 3 })).toEqual([2, 3, 4]);
    expect(window({ from: 6, times: 5 })).toEqual([6]);
  });

  it('nth wins over from and times', () => {
    expect(window({ nth: 5, from: 1, times: 2 })).toEqual([5]);
    expect(window({ nth: 2, from: 3 })).toEqual([2]);
  });
});

describe('resolveTime', () => {
  it('returns epoch seconds as they are', () => {
    expect(resolveTime(1_900_000_000, 5)).toBe(1_900_000_000);
    expect(resolveTime(1.5, 5)).toBe(1.5);
  });

  it('parses an ISO 8601 date-time, with Z or an offset', () => {
    expect(resolveTime('2030-01-01T00:00:00Z', 0)).toBe(1_893_456_000);
    expect(resolveTime('2030-01-01T01:00:00+01:00', 0)).toBe(1_893_456_000);
    expect(resolveTime('2030-01-01T00:00:00.500Z', 0)).toBe(1_893_456_000.5);
  });

  it('counts "+N" and "+Ns" from when the rule was added', () => {
    expect(resolveTime('+30s', 1000)).toBe(1030);
    expect(resolveTime('+30', 1000)).toBe(1030);
    expect(resolveTime('+0', 1000)).toBe(1000);
    expect(resolveTime('+1.5s', 1000)).toBe(1001.5);
  });
});

describe('matchesRequest', () => {
  it('an empty match matches everything', () => {
    expect(matchesRequest({}, facts(), undefined)).toBe(true);
    expect(matchesRequest({}, facts({ endpoint: 'api', method: 'GET', path: '/x' }), undefined)).toBe(true);
  });

  it('endpoint: one or a list', () => {
    expect(matchesRequest({ endpoint: 'token' }, facts(), undefined)).toBe(true);
    expect(matchesRequest({ endpoint: 'api' }, facts(), undefined)).toBe(false);
    expect(matchesRequest({ endpoint: ['api', 'token'] }, facts(), undefined)).toBe(true);
  });

  it('client: needs a client id that is listed', () => {
    expect(matchesRequest({ client: 'a' }, facts(), undefined)).toBe(false);
    expect(matchesRequest({ client: 'a' }, facts({ clientId: 'a' }), undefined)).toBe(true);
    expect(matchesRequest({ client: ['b', 'c'] }, facts({ clientId: 'a' }), undefined)).toBe(false);
  });

  it('grantType, route: listed values only', () => {
    expect(matchesRequest({ grantType: 'refresh_token' }, facts({ grantType: 'client_credentials' }), undefined)).toBe(false);
    expect(matchesRequest({ grantType: ['password', 'refresh_token'] }, facts({ grantType: 'refresh_token' }), undefined)).toBe(true);
    expect(matchesRequest({ grantType: 'password' }, facts(), undefined)).toBe(false);
    expect(matchesRequest({ route: 'hcm' }, facts({ route: 'hcm' }), undefined)).toBe(true);
    expect(matchesRequest({ route: 'hcm' }, facts(), undefined)).toBe(false);
  });

  it('scope: a value the request asks for, compared whole, never as a substring', () => {
    expect(matchesRequest({ scope: 'read' }, facts({ scope: 'write read' }), undefined)).toBe(true);
    expect(matchesRequest({ scope: 'consumer' }, facts({ scope: 'urn:opc:resource:consumer::all' }), undefined)).toBe(false);
    expect(matchesRequest({ scope: 'rea' }, facts({ scope: 'read thread' }), undefined)).toBe(false);
    expect(matchesRequest({ scope: 'write' }, facts({ scope: 'read' }), undefined)).toBe(false);
    expect(matchesRequest({ scope: 'read' }, facts(), undefined)).toBe(false);
    expect(matchesRequest({ scope: 'read write' }, facts({ scope: 'write x read' }), undefined)).toBe(true);
    expect(matchesRequest({ scope: 'read write' }, facts({ scope: 'read' }), undefined)).toBe(false);
  });

  it('scope: the fully-qualified IDCS form and the bare form are the same scope; two audiences are not', () => {
    const resources = [
      { audience: 'https://api.example:443', scopes: ['read'] },
      { audience: 'https://hr.example:443', scopes: ['read'] },
    ];
    expect(matchesRequest({ scope: 'read' }, facts({ scope: 'https://api.example:443read', resources }), undefined)).toBe(true);
    expect(matchesRequest({ scope: 'https://api.example:443read' }, facts({ scope: 'read', resources }), undefined)).toBe(true);
    expect(matchesRequest({ scope: 'https://api.example:443read' }, facts({ scope: 'https://hr.example:443read', resources }), undefined)).toBe(false);
    expect(matchesRequest({ scope: 'https://api.example:443rea' }, facts({ scope: 'https://api.example:443read', resources }), undefined)).toBe(false);
  });

  it('scope: with one audience a prefix of another, a value belongs to the resource that defines it', () => {
    const resources = [
      { audience: 'https://hcm.test:443', scopes: ['admin'] },
      { audience: 'https://hcm.test:443/v2', scopes: ['read'] },
    ];
    expect(matchesRequest({ scope: 'read' }, facts({ scope: 'https://hcm.test:443/v2read', resources }), undefined)).toBe(true);
    expect(matchesRequest({ scope: 'https://hcm.test:443/v2read' }, facts({ scope: 'read', resources }), undefined)).toBe(true);
    expect(matchesRequest({ scope: 'admin' }, facts({ scope: 'https://hcm.test:443admin', resources }), undefined)).toBe(true);
    expect(matchesRequest({ scope: 'read' }, facts({ scope: 'https://hcm.test:443admin', resources }), undefined)).toBe(false);
  });

  it('method: case-insensitive against the request method', () => {
    expect(matchesRequest({ method: 'post' }, facts(), undefined)).toBe(true);
    expect(matchesRequest({ method: ['GET', 'put'] }, facts(), undefined)).toBe(false);
  });

  it('path: through the compiled glob', () => {
    expect(matchesRequest({ path: '/oauth2/**' }, facts(), globToRegExp('/oauth2/**'))).toBe(true);
    expect(matchesRequest({ path: '/api/**' }, facts(), globToRegExp('/api/**'))).toBe(false);
  });

  it('every condition must hold', () => {
    const match = { endpoint: 'token' as const, client: 'a', grantType: 'client_credentials' };
    expect(matchesRequest(match, facts({ clientId: 'a', grantType: 'client_credentials' }), undefined)).toBe(true);
    expect(matchesRequest(match, facts({ clientId: 'b', grantType: 'client_credentials' }), undefined)).toBe(false);
  });
});
