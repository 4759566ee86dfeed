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
  if (match.scope !== undefined && !(facts.scope ?? '').includes(match.scope)) return false;
  const routes = list(match.route);
  if (routes && (facts.route === undefined || !routes.includes(facts.route))) return false;
  const methods = list(match.method);
  if (methods && !methods.some((m) => m.toUpperCase() === facts.method)) return false;
  if (pathPattern && !pathPattern.test(facts.path)) return false;
  return true;
}

/** Is the nth matching request (1-based) inside the rule's nth / from / times window? */
export function inCountWindow(match: FaultMatch, n: number): boolean {
  if (match.nth !== undefined) return n === match.nth;
  const from = match.from ?? 1;
  if (n < from) return false;
  return match.times === undefined || n < from + match.times;
}

/** Epoch seconds of a time spec; relative specs ("+30s") count from the rule's addition. */
export function resolveTime(spec: TimeSpec, addedAt: number): number {
  if (typeof spec === 'number') return spec;
  if (spec.startsWith('+')) return addedAt + Number.parseFloat(spec.slice(1));
  return Date.parse(spec) / 1000;
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
