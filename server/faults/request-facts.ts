import { formDecode, parseBasic } from '../http/authorization-header.ts';
import type { Endpoint } from '../journal/types.ts';

/** What a fault rule can match on, computed once per request before any endpoint runs. */
export interface RequestFacts {
  endpoint: Endpoint;
  method: string;
  path: string;
  /** From Basic, client_id or the assertion's sub (token side), or the presented token (API side). Unverified. */
  clientId?: string;
  grantType?: string;
  /** The `scope` parameter of a token request, as sent. */
  scope?: string;
  /** The configured resources: what tells a fully-qualified IDCS scope from a bare one. */
  resources?: readonly { audience: string; scopes: readonly string[] }[];
  route?: string;
  /** Request header lookup (case-insensitive). */
  header(name: string): string | undefined;
  /** Form parameters of an OAuth POST, when it parsed. */
  params?: Map<string, string>;
  remoteAddress?: string;
}

/** Client id claimed by a Basic Authorization header, read leniently, without verifying anything. */
export function basicClientId(authorization: string | undefined): string | undefined {
  const claimed = parseBasic(authorization).pair?.clientId;
  return claimed ? formDecode(claimed) : undefined;
}
