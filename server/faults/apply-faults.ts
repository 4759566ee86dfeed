import { setImmediate } from 'node:timers/promises';
import type { Next } from 'koa';
import type { ServerContext } from '../context.ts';
import type { HttpContext } from '../http/types.ts';
import type { FaultNote } from '../journal/types.ts';
import { gatherFacts, type GatheredFacts } from './gather-facts.ts';
import { waitUnlessInterrupted } from './interruptible-wait.ts';
import { formatRetryAfter } from './rate-limiter.ts';
import type { FaultAction, FaultRule } from './rule-schema.ts';
import { answerFault, answerRateLimited, cutResponse, dropConnection } from './answer-fault.ts';

type TerminalAction = Exclude<FaultAction, { type: 'delay' | 'clock_skew' | 'token_mutation' | 'token_response' | 'truncate' | 'invalid_token' }>;

const MODIFIERS = new Set(['delay', 'clock_skew', 'token_mutation', 'token_response', 'truncate', 'invalid_token']);

/**
 * The fault layer of the architecture: decides per request whether to pass, delay, hang, reset,
 * replace the answer or mutate the issued token, and notes every rule that acted in the journal.
 * With no rule for the request's endpoint it costs one lookup.
 */
export function applyFaults(server: ServerContext) {
  return async (ctx: HttpContext, next: Next) => {
    const { engine } = server.faults;
    if (!engine.mayMatch(ctx.state.face?.endpoint ?? 'other')) return next();

    const facts = await gatherFacts(ctx, server);
    noteIdentity(ctx, facts);
    const notes: FaultNote[] = [];
    const note = (rule: FaultRule, effect: string) => {
      notes.push({ rule: rule.id, ...(rule.preset ? { preset: rule.preset } : {}), action: rule.action.type, effect });
      ctx.state.entry.faults = notes;
    };

    if (policeRateLimits(ctx, server, facts, note)) return;

    let truncate: { rule: FaultRule; fraction: number } | undefined;
    let terminal: { rule: FaultRule; action: TerminalAction } | undefined;
    for (const { rule, action, draw } of engine.decide(facts)) {
      if (!MODIFIERS.has(action.type)) {
        if (!terminal) terminal = { rule, action: action as TerminalAction };
        continue;
      }
      switch (action.type) {
        case 'delay': {
          const ms = action.ms + (action.jitterMs ?? 0) * draw;
          const waitStarted = performance.now();
          const outcome = await waitUnlessInterrupted(ms, ctx.req.socket, server.faults.stopped, () => server.clock.nowMs());
          if (outcome === 'elapsed') {
            note(rule, `delayed ${Math.round(ms)}ms`);
            break;
          }
          note(rule, `delay of ${Math.round(ms)}ms cut short after ${Math.round(performance.now() - waitStarted)}ms (${outcome === 'abandoned' ? 'the client hung up' : 'the server stopped'})`);
          ctx.state.entry.reason = outcome === 'abandoned' ? 'the client gave up waiting' : 'the server stopped during the delay';
          dropConnection(ctx, outcome === 'abandoned' ? 'abandoned' : 'reset');
          return;
        }
        case 'clock_skew':
          ctx.state.verifySkew = (ctx.state.verifySkew ?? 0) + action.seconds;
          note(rule, ctx.state.face?.endpoint === 'api' ? `API clock ${action.seconds}s ahead` : `clock ${action.seconds}s ahead for client assertions`);
          break;
        case 'token_mutation':
        case 'token_response':
          (ctx.state.tokenTweaks ??= []).push({ rule, action });
          note(rule, describeTweak(action));
          break;
        case 'truncate':
          truncate ??= { rule, fraction: action.fraction ?? 0.5 };
          break;
        case 'invalid_token': {
          const token = facts.presented;
          if (token?.jti) {
            server.revocations.revokeJti(token.jti, token.exp ?? Number.POSITIVE_INFINITY, server.clock.nowSeconds(), action.reason ?? 'revoked');
            note(rule, `${action.reason === 'expired' ? 'expired' : 'revoked'} token ${token.jti} early`);
          } else {
            note(rule, 'no token presented to revoke');
          }
          break;
        }
        default:
          break;
      }
    }

    if (terminal) {
      const outcome = await runTerminal(ctx, server, facts, terminal.rule, terminal.action, note);
      if (outcome === 'answered') return;
    }

    await next();
    if (truncate && ctx.status < 600) {
      note(truncate.rule, `cut the ${ctx.status} answer after ${Math.round(truncate.fraction * 100)}% of its body`);
      cutResponse(ctx, truncate.fraction);
    }
  };
}

/**
 * What the request claims to be, for the journal, before any fault answers it; the endpoint
 * overwrites it with verified values when it runs.
 */
function noteIdentity(ctx: HttpContext, facts: GatheredFacts): void {
  const entry = ctx.state.entry;
  entry.clientId ??= facts.clientId;
  entry.grantType ??= facts.grantType;
  entry.scope ??= facts.scope ?? ctx.state.face?.route?.scopes.join(' ') ?? undefined;
  entry.route ??= facts.route;
  if (facts.params) entry.params ??= [...facts.params.keys()];
  if (facts.presented?.jti) entry.presented ??= { jti: facts.presented.jti, clientId: facts.clientId, exp: facts.presented.exp };
}

/** A client that was told to wait (Retry-After) and asks again early is refused again. */
function policeRateLimits(ctx: HttpContext, server: ServerContext, facts: GatheredFacts, note: (rule: FaultRule, effect: string) => void): boolean {
  const now = server.clock.nowMs() / 1000;
  for (const rule of server.faults.engine.staticMatches(facts, 'rate_limit')) {
    // A client told no Retry-After had no wait to respect.
    if (rule.action.type !== 'rate_limit' || rule.action.format === 'none') continue;
    const verdict = server.faults.limiter.police(rule, facts.clientKey, now);
    if (!verdict?.violation) continue;
    const earlyBy = Math.round(verdict.violation.earlyBy * 1000) / 1000;
    ctx.state.entry.violation = { kind: 'retry_after', rule: rule.id, earlyBySeconds: earlyBy };
    note(rule, `refused again: asked ${earlyBy}s before Retry-After had passed`);
    answerRateLimited(ctx, server, facts, formatRetryAfter(verdict.retryAfter ?? 0, rule.action.format, Date.now() / 1000), `retried ${earlyBy}s before Retry-After elapsed`);
    return true;
  }
  return false;
}

async function runTerminal(
  ctx: HttpContext,
  server: ServerContext,
  facts: GatheredFacts,
  rule: FaultRule,
  action: TerminalAction,
  note: (rule: FaultRule, effect: string) => void,
): Promise<'answered' | 'continue'> {
  const now = server.clock.nowMs() / 1000;
  switch (action.type) {
    case 'rate_limit': {
      const verdict = action.limit
        ? server.faults.limiter.spend(rule, facts.clientKey, action.limit, action.window ?? 60, now)
        : server.faults.limiter.block(rule, facts.clientKey, action.retryAfter, now);
      if (verdict.retryAfter === undefined) {
        note(rule, `within the budget (${verdict.used}/${action.limit})`);
        return 'continue';
      }
      const retryAfter = formatRetryAfter(verdict.retryAfter, action.format, Date.now() / 1000);
      note(rule, retryAfter.value === undefined ? '429 without Retry-After' : `429 with Retry-After: ${retryAfter.value}`);
      answerRateLimited(ctx, server, facts, retryAfter, action.limit ? `budget of ${action.limit} per ${action.window ?? 60}s spent` : 'rate limited');
      return 'answered';
    }
    case 'hang': {
      note(rule, 'held without an answer');
      const socket = ctx.req.socket;
      const outcome = await server.faults.hangs.hold(rule.id, {
        closed: () => socket.destroyed,
        onClose: (listener) => {
          socket.once('close', listener);
          return () => socket.off('close', listener);
        },
      });
      // A client that hung up just before the release may not have been heard yet: let the event
      // loop poll its socket once more (the second immediate runs after the next poll phase), so
      // that its request is journaled as abandoned, never as answered.
      for (let turn = 0; turn < 2 && outcome === 'released' && !socket.destroyed; turn += 1) await setImmediate();
      if (outcome === 'released' && !socket.destroyed) {
        note(rule, 'released when the rule was removed');
        return 'continue';
      }
      if (outcome === 'released') {
        ctx.state.entry.reason = 'the client gave up waiting';
        dropConnection(ctx, 'abandoned');
        return 'answered';
      }
      ctx.state.entry.reason =
        outcome === 'abandoned' ? 'the client gave up waiting' : outcome === 'ended' ? 'still held, without an answer, when the harness ended the run' : 'the server stopped while the request hung';
      dropConnection(ctx, outcome === 'abandoned' ? 'abandoned' : 'reset');
      return 'answered';
    }
    case 'reset':
      note(rule, 'connection reset');
      ctx.state.entry.reason = 'connection reset by a fault rule';
      dropConnection(ctx, 'reset');
      return 'answered';
    case 'empty_reply':
      note(rule, 'closed without a response');
      ctx.state.entry.reason = 'connection closed without a response by a fault rule';
      dropConnection(ctx, 'empty_reply');
      return 'answered';
    default: {
      const effect = answerFault(ctx, server, facts, action);
      if (effect === undefined) return 'continue';
      note(rule, effect);
      return 'answered';
    }
  }
}

function describeTweak(action: Extract<FaultAction, { type: 'token_mutation' | 'token_response' }>): string {
  const parts = Object.entries(action)
    .filter(([key]) => key !== 'type')
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`);
  return `${action.type === 'token_mutation' ? 'token mutated' : 'token response altered'}: ${parts.join(', ')}`;
}
