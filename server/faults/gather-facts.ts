import { readFormRequest } from '../authorization/form-request.ts';
import { consentScopes } from '../authorization/interaction/authorization-request.ts';
import { readInteractionParams } from '../authorization/interaction/read-interaction-params.ts';
import { parseBearer } from '../http/authorization-header.ts';
import type { HttpContext } from '../http/types.ts';
import { readUnverified } from '../tokens/index.ts';
import { basicClientId, type RequestFacts } from './request-facts.ts';
import type { FaultContext } from './fault-context.ts';

export interface GatheredFacts extends RequestFacts {
  /** Who rate limits count against: the client id, else the caller's address. */
  clientKey: string;
  /** The token an API or userinfo call presents (unverified). */
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
  } else if (endpoint === 'authorize') {
    // The query of a GET, the form of a POST: read once and shared with the endpoint.
    try {
      const params = await readInteractionParams(ctx, server.config.server.maxBodyBytes);
      facts.params = new Map([...params].map(([key, values]) => [key, values[0] as string]));
      facts.clientId = facts.params.get('client_id');
      facts.scope = facts.params.get('scope');
    } catch {
      // The endpoint shows what is wrong with the request.
    }
    facts.resources = server.config.resources;
  } else if (endpoint === 'login' || endpoint === 'consent') {
    // The authorization request the page is for, named by its interaction parameter (the page
    // checks the browser's cookie for it): its client and the scopes it asks for.
    const params = await readInteractionParams(ctx, server.config.server.maxBodyBytes).catch(() => undefined);
    const interaction = server.interactions.get(params?.get('interaction')?.[0], server.clock.nowSeconds());
    if (interaction) {
      facts.clientId = interaction.request.clientId;
      facts.scope = consentScopes(interaction.request).join(' ');
    }
    facts.resources = server.config.resources;
  } else if (endpoint === 'api' || endpoint === 'userinfo') {
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
