import type { Endpoint } from '../journal/types.ts';

/** What a fault rule can match on, computed once per request before any endpoint runs. */
export interface RequestFacts {
  endpoint: Endpoint;
  method: string;
  path: string;
  /** From Basic, client_id or the assertion's sub (token side), or the presented token (API side). Unverified. */
  clientId?: string;
  grantType?: string;
  scope?: string;
  route?: string;
  /** Request header lookup (case-insensitive). */
  header(name: string): string | undefined;
  /** Form parameters of an OAuth POST, when it parsed. */
  params?: Map<string, string>;
  remoteAddress?: string;
}

/** Client id claimed by a Basic Authorization header, without verifying anything. */
export function basicClientId(authorization: string | undefined): string | undefined {
  const encoded = /^Basic +(\S+)/i.exec(authorization ?? '')?.[1];
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  try {
    return decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, '%20'));
  } catch {
    return undefined;
  }
}
