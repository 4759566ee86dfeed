import { readFormRequest } from '../authorization/form-request.ts';
import { parseBearer } from '../http/authorization-header.ts';
import type { HttpContext } from '../http/types.ts';
import { readUnverified } from '../tokens/index.ts';
import { basicClientId, type RequestFacts } from './request-facts.ts';
import type { FaultContext } from './fault-context.ts';

export interface GatheredFacts extends RequestFacts {
  /** Who rate limits count against: the client id, else the caller's address. */
  clientKey: string;
  /** The token an API call presents (unverified). */
  presented?: { jti?: string; exp?: number };
}

const FORM_ENDPOINTS = new Set(['token', 'introspect', 'revoke']);

/** Reads what rules match on, without verifying anything: faults act before the protocol does. */
export async function gatherFacts(ctx: HttpContext, server: FaultContext): Promise<GatheredFacts> {
  const face = ctx.state.face;
  const endpoint = face?.endpoint ?? 'other';
  const facts: GatheredFacts = {
    endpoint,
    method: ctx.method,
    path: ctx.path,
    route: face?.route?.name,
    remoteAddress: ctx.req.socket.remoteAddress,
    header: (name) => ctx.get(name) || undefined,
    clientKey: ctx.req.socket.remoteAddress ?? 'unknown',
  };
  if (FORM_ENDPOINTS.has(endpoint) && ctx.method === 'POST') {
    try {
      facts.params = await readFormRequest(ctx, server.config.server.maxBodyBytes);
    } catch {
      // A malformed request still meets the rules that do not look at its parameters; the
      // endpoint reports what is wrong with it.
    }
    facts.grantType = facts.params?.get('grant_type');
    facts.scope = facts.params?.get('scope');
    facts.resources = server.config.resources;
    facts.clientId = basicClientId(ctx.get('authorization')) ?? facts.params?.get('client_id') ?? assertionSubject(facts.params?.get('client_assertion'));
  } else if (endpoint === 'api') {
    const token = parseBearer(ctx.get('authorization')).credentials;
    const claims = token ? readUnverified(token) : undefined;
    if (claims) {
      if (typeof claims.client_id === 'string') facts.clientId = claims.client_id;
      facts.presented = { jti: typeof claims.jti === 'string' ? claims.jti : undefined, exp: typeof claims.exp === 'number' ? claims.exp : undefined };
    }
  }
  if (facts.clientId) facts.clientKey = facts.clientId;
  return facts;
}

function assertionSubject(assertion: string | undefined): string | undefined {
  if (!assertion) return undefined;
  const sub = readUnverified(assertion)?.sub;
  return typeof sub === 'string' ? sub : undefined;
}
