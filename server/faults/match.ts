import { resolveTime as parseTime } from '../base/time.ts';
import type { FaultMatch, TimeSpec } from './rule-schema.ts';
import type { RequestFacts } from './request-facts.ts';

const list = <T>(value: T | T[] | undefined): T[] | undefined => (value === undefined ? undefined : Array.isArray(value) ? value : [value]);

/** Does the request satisfy the rule's static conditions (everything but counting, time and chance)? */
export function matchesRequest(match: FaultMatch, facts: RequestFacts, pathPattern: RegExp | undefined): boolean {
  const endpoints = list(match.endpoint);
  if (endpoints && !endpoints.includes(facts.endpoint)) return false;
  const clients = list(match.client);
  if (clients && (facts.clientId === undefined || !clients.includes(facts.clientId))) return false;
  const grants = list(match.grantType);
  if (grants && (facts.grantType === undefined || !grants.includes(facts.grantType))) return false;
  if (match.scope !== undefined && !asksForScopes(match.scope, facts)) return false;
  const routes = list(match.route);
  if (routes && (facts.route === undefined || !routes.includes(facts.route))) return false;
  const methods = list(match.method);
  if (methods && !methods.some((m) => m.toUpperCase() === facts.method)) return false;
  if (pathPattern && !pathPattern.test(facts.path)) return false;
  return true;
}

/**
 * Does the request ask for every scope value of `wanted`? Values are compared whole (RFC 6749
 * §3.3: space-delimited values), an IDCS fully-qualified value (`<audience><scope>`) and its bare
 * form being the same scope; two fully-qualified values of different audiences are not.
 */
function asksForScopes(wanted: string, facts: RequestFacts): boolean {
  const asked = (facts.scope ?? '').split(' ').filter(Boolean);
  const resources = facts.resources ?? [];
  return wanted
    .split(' ')
    .filter(Boolean)
    .every((value) => asked.some((candidate) => sameScope(value, candidate, resources)));
}

function sameScope(a: string, b: string, resources: RequestFacts['resources'] & {}): boolean {
  if (a === b) return true;
  const x = qualify(a, resources);
  const y = qualify(b, resources);
  return (x.audience === undefined || y.audience === undefined) && x.bare === y.bare;
}

/**
 * Splits a fully-qualified value as the token endpoint reads it: the resource whose audience
 * prefixes the value and which defines the rest, else the longest audience that prefixes it
 * (one audience may prefix another: `https://hcm:443` and `https://hcm:443/v2`).
 */
function qualify(value: string, resources: RequestFacts['resources'] & {}): { audience?: string; bare: string } {
  const prefixes = resources.filter((r) => value.length > r.audience.length && value.startsWith(r.audience));
  const defining = prefixes.find((r) => r.scopes.includes(value.slice(r.audience.length)));
  const chosen = defining ?? prefixes.sort((x, y) => y.audience.length - x.audience.length)[0];
  return chosen === undefined ? { bare: value } : { audience: chosen.audience, bare: value.slice(chosen.audience.length) };
}

/** Is the nth matching request (1-based) inside the rule's nth / from / times window? */
export function inCountWindow(match: FaultMatch, n: number): boolean {
  if (match.nth !== undefined) return n === match.nth;
  const from = match.from ?? 1;
  if (n < from) return false;
  return match.times === undefined || n < from + match.times;
}

/** Epoch seconds of a (validated) time spec; relative specs ("+30s") count from the rule's addition. */
export function resolveTime(spec: TimeSpec, addedAt: number): number {
  return parseTime(spec, addedAt) ?? Number.NaN;
}

/** Path glob to a RegExp: `*` within a segment, `**` across segments. */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i += 1) {
    const char = glob[i] as string;
    if (char === '*') {
      if (glob[i + 1] === '*') {
        source += '.*';
        i += 1;
      } else source += '[^/]*';
    } else source += char.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
