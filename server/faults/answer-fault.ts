import { OAuthError, type OAuthErrorCode } from '../profiles/oauth-error.ts';
import { sendOAuthError } from '../authorization/respond.ts';
import { parseBasic } from '../http/authorization-header.ts';
import { sendNotFound } from '../http/not-found.ts';
import type { HttpContext } from '../http/types.ts';
import type { JournalEntry } from '../journal/types.ts';
import { bearerChallenge } from '../http/bearer-challenge.ts';
import type { GatheredFacts } from './gather-facts.ts';
import { GATEWAY_FORBIDDEN_PAGE } from './presets.ts';
import type { RetryAfterHeader } from './rate-limiter.ts';
import type { FaultAction } from './rule-schema.ts';
import type { FaultContext } from './fault-context.ts';

const OAUTH_SIDE = new Set(['token', 'introspect', 'revoke']);

type Answerable = Extract<FaultAction, { type: 'oauth_error' | 'respond' | 'not_found' | 'insufficient_scope' | 'require' | 'firewall' }>;

/**
 * Writes the answer of a response-replacing fault in the shape the endpoint would use (OAuth
 * errors through the profile, RFC 6750 challenges on the API).
 * @returns what it did, or undefined when the rule's condition was met and the request goes on.
 */
export function answerFault(ctx: HttpContext, server: FaultContext, facts: GatheredFacts, action: Answerable): string | undefined {
  const entry = ctx.state.entry;
  switch (action.type) {
    case 'oauth_error': {
      sendError(ctx, server, facts, action.error, action.description ?? `${action.error} (injected)`, action.status, action.headers);
      entry.reason = `fault: ${action.error}`;
      return `answered ${ctx.status} ${action.error}`;
    }
    case 'respond': {
      ctx.status = action.status;
      if (action.headers) ctx.set(action.headers);
      if (typeof action.body === 'string') {
        ctx.type = action.contentType ?? 'text/plain';
        ctx.body = action.body;
      } else if (action.body === undefined) {
        ctx.body = '';
      } else {
        if (action.contentType) ctx.type = action.contentType;
        ctx.body = action.body;
      }
      entry.decision = action.status < 400 ? 'served' : 'rejected';
      entry.reason = `fault: answered ${action.status}${action.contentType ? ` ${action.contentType}` : ''}`;
      return `answered ${action.status}${action.contentType ? ` ${action.contentType}` : ''}${typeof action.body === 'string' && action.body === '' ? ' with an empty body' : ''}`;
    }
    case 'not_found':
      sendNotFound(ctx, server);
      entry.reason = 'fault: the URL answers 404';
      return 'answered 404';
    case 'insufficient_scope': {
      const scope = action.scope ?? ctx.state.face?.route?.scopes.join(' ') ?? '';
      const description = 'The access token lacks the scope required by this resource.';
      ctx.status = 403;
      ctx.set('www-authenticate', bearerChallenge(server.config.api.realm, 'insufficient_scope', description, scope || undefined));
      ctx.body = { error: 'insufficient_scope', error_description: description };
      entry.decision = 'rejected';
      entry.error = 'insufficient_scope';
      entry.reason = `fault: insufficient_scope (${scope})`;
      return 'answered 403 insufficient_scope';
    }
    case 'require': {
      const present = action.header !== undefined ? facts.header(action.header) : facts.params?.get(action.param as string);
      const what = action.header !== undefined ? `header ${action.header}` : `parameter ${action.param}`;
      if (present !== undefined && present !== '' && (action.value === undefined || present === action.value)) return undefined;
      const description =
        action.description ?? (present === undefined || present === '' ? `The request is missing the required ${what}.` : `The ${what} has an unexpected value.`);
      sendError(ctx, server, facts, action.error ?? 'invalid_request', description, action.status);
      entry.reason = `fault: required ${what} ${present === undefined || present === '' ? 'missing' : 'wrong'}`;
      return `answered ${ctx.status}: ${what} ${present === undefined || present === '' ? 'missing' : 'wrong'}`;
    }
    case 'firewall': {
      const raw = action.addressHeader ? facts.header(action.addressHeader)?.split(',')[0]?.trim() : undefined;
      const address = raw ?? facts.remoteAddress ?? '';
      const allowed = (action.allow ?? []).some((entry) => (entry.endsWith('.') || entry.endsWith(':') ? address.startsWith(entry) : address === entry));
      if (allowed) return undefined;
      ctx.status = 403;
      ctx.type = 'text/html';
      ctx.body = GATEWAY_FORBIDDEN_PAGE;
      entry.decision = 'rejected';
      entry.reason = `fault: gateway allowlist refused ${address}`;
      return `403 from the gateway for ${address}`;
    }
  }
}

function sendError(
  ctx: HttpContext,
  server: FaultContext,
  facts: GatheredFacts,
  error: string,
  description: string,
  status: number | undefined,
  headers?: Record<string, string>,
): void {
  if (OAUTH_SIDE.has(facts.endpoint)) {
    // RFC 6749 §5.2: a 401 invalid_client answers a Basic attempt with a Basic challenge.
    const challenge = error === 'invalid_client' && (status ?? 401) === 401 && parseBasic(facts.header('authorization')).named ? 'Basic' : undefined;
    const oauthError = new OAuthError(error as OAuthErrorCode, description, { status, idcsDescription: description, challenge });
    sendOAuthError(ctx, server, oauthError);
  } else {
    ctx.status = status ?? 400;
    const bearerError = error === 'invalid_token' || error === 'insufficient_scope' || error === 'invalid_request' ? error : undefined;
    if (facts.endpoint === 'api') ctx.set('www-authenticate', bearerChallenge(server.config.api.realm, bearerError, description));
    ctx.body = { error, error_description: description };
    ctx.state.entry.error = error;
    ctx.state.entry.decision = 'rejected';
  }
  if (headers) ctx.set(headers);
}

/** 429 with Retry-After, in the endpoint's error shape. */
export function answerRateLimited(ctx: HttpContext, server: FaultContext, facts: GatheredFacts, retryAfter: RetryAfterHeader, reason: string): void {
  const { value } = retryAfter;
  const description = value === undefined ? 'Too many requests.' : `Too many requests; retry after ${value}${/^\d+$/.test(value) ? ' seconds' : ''}.`;
  ctx.status = 429;
  ctx.set('cache-control', 'no-store');
  if (value !== undefined) ctx.set('retry-after', value);
  if (retryAfter.seconds !== undefined) ctx.state.entry.retryAfter = retryAfter.seconds;
  if (OAUTH_SIDE.has(facts.endpoint)) ctx.set(server.profile.responseHeaders(ctx.state.requestId));
  ctx.body = { error: 'too_many_requests', error_description: description };
  ctx.state.entry.decision = 'rejected';
  ctx.state.entry.error = 'too_many_requests';
  ctx.state.entry.reason = `fault: ${reason}`;
}

/** Ends the exchange without an HTTP answer; the journal records how (status 0). */
export function dropConnection(ctx: HttpContext, how: NonNullable<JournalEntry['transport']>): void {
  ctx.respond = false;
  ctx.state.entry.transport = how;
  ctx.state.entry.decision = 'rejected';
  const socket = ctx.req.socket;
  if (how === 'reset') socket.resetAndDestroy();
  else if (how === 'empty_reply') socket.destroySoon();
  else socket.destroy();
}

/** Sends the status line, the headers with the full Content-Length, part of the body, then closes. */
export function cutResponse(ctx: HttpContext, fraction: number): void {
  const body = ctx.body;
  const bytes = Buffer.from(typeof body === 'string' ? body : body === null || body === undefined ? '' : Buffer.isBuffer(body) ? body : JSON.stringify(body));
  ctx.respond = false;
  ctx.state.entry.transport = 'truncated';
  const res = ctx.res;
  const headers: Record<string, string | number | string[]> = {};
  for (const [name, value] of Object.entries(ctx.response.headers)) if (value !== undefined) headers[name] = value as string | number | string[];
  headers['content-length'] = bytes.length;
  headers['content-type'] ??= typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
  res.writeHead(ctx.status, headers);
  res.write(bytes.subarray(0, Math.max(1, Math.floor(bytes.length * fraction))), () => res.destroy());
}
