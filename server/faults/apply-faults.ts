import { setImmediate } from 'node:timers/promises';
import type { Next } from 'koa';
import type { AuthorizationHttpContext } from '../authorization/authorization-context.ts';
import type { FaultNote } from '../journal/types.ts';
import { authorizationFacts, credentialFacts } from '../authorization/journal-facts.ts';
import { authorizationFaultHooks } from './authorization-faults.ts';
import { answerFault, answerRateLimited, cutResponse, dropConnection } from './answer-fault.ts';
import type { Deferred, Firing } from './fault-engine.ts';
import { gatherFacts, type GatheredFacts } from './gather-facts.ts';
import { waitUnlessInterrupted } from './interruptible-wait.ts';
import { formatRetryAfter } from './rate-limiter.ts';
import type { FaultRule } from './rule-schema.ts';
import { tokenFaultHooks, type NoteEffect } from './token-faults.ts';
import type { FaultContext } from './fault-context.ts';

/**
 * The fault layer of the architecture: the engine plans once per request which rules fire; this
 * carries the plan out (delays, clock skew, early revocation, token hooks for the token endpoint,
 * authorization hooks for the browser flow, then the answering rules in turn until one answers)
 * and notes in the journal every rule that acted. With no rule for the request's endpoint it
 * costs one lookup.
 */
export function applyFaults(server: FaultContext) {
  return async (ctx: AuthorizationHttpContext, next: Next) => {
    const { engine } = server.faults;
    if (!engine.mayMatch(ctx.state.face?.endpoint ?? 'other')) return next();

    const facts = await gatherFacts(ctx, server);
    noteIdentity(ctx, facts);
    const notes: FaultNote[] = [];
    const note: NoteEffect = ({ rule }, effect) => {
      notes.push({ rule: rule.id, ...(rule.preset ? { preset: rule.preset } : {}), action: rule.action.type, effect });
      ctx.state.entry.faults = notes;
    };
    const plan = engine.plan(facts, (rule) => toldToWait(server, rule, facts) !== undefined);

    for (const firing of plan.now) {
      const { action } = firing;
      switch (action.type) {
        case 'delay': {
          const ms = action.ms + (action.jitterMs ?? 0) * firing.draw;
          const waitStarted = performance.now();
          // A delay acts as it begins: a watcher sees it applied while the request waits.
          firing.acted();
          const outcome = await waitUnlessInterrupted(ms, ctx.req.socket, server.faults.stopped, () => server.clock.nowMs());
          if (outcome === 'elapsed') {
            note(firing, `delayed ${Math.round(ms)}ms`);
            break;
          }
          note(firing, `delay of ${Math.round(ms)}ms cut short after ${Math.round(performance.now() - waitStarted)}ms (${outcome === 'abandoned' ? 'the client hung up' : 'the server stopped'})`);
          ctx.state.entry.reason = outcome === 'abandoned' ? 'the client gave up waiting' : 'the server stopped during the delay';
          dropConnection(ctx, outcome === 'abandoned' ? 'abandoned' : 'reset');
          return;
        }
        case 'clock_skew':
          ctx.state.verifySkew = (ctx.state.verifySkew ?? 0) + action.seconds;
          firing.acted();
          note(firing, ctx.state.face?.endpoint === 'api' ? `API clock ${action.seconds}s ahead` : `clock ${action.seconds}s ahead for client assertions`);
          break;
        case 'invalid_token': {
          const token = facts.presented;
          if (!token?.jti) break;
          server.revocations.revokeJti(token.jti, token.exp ?? Number.POSITIVE_INFINITY, server.clock.nowSeconds(), action.reason ?? 'revoked');
          firing.acted();
          note(firing, `${action.reason === 'expired' ? 'expired' : 'revoked'} token ${token.jti} early`);
          break;
        }
        default:
          break;
      }
    }
    const truncations: Deferred[] = [];
    for (const deferred of plan.later) {
      if (deferred.rule.action.type === 'truncate') truncations.push(deferred);
      else if (deferred.rule.action.type === 'authorization_error') (ctx.state.authorizationHooks ??= []).push(authorizationFaultHooks(deferred, note));
      else (ctx.state.tokenHooks ??= []).push(tokenFaultHooks(deferred, { unknownKey: server.faults.unknownKey, reissued: server.faults.reissued, profile: server.config.profile }, note));
    }

    for (let firing = plan.nextAnswer(); firing; firing = plan.nextAnswer()) {
      if ((await answer(ctx, server, facts, firing, note)) === 'answered') return;
    }

    await next();
    if (ctx.status >= 600) return;
    // The first truncation that applies cuts the answer; one cut is all an answer can take.
    for (const deferred of truncations) {
      const firing = deferred.reach();
      if (!firing || firing.action.type !== 'truncate') continue;
      const fraction = firing.action.fraction ?? 0.5;
      firing.acted();
      note(firing, `cut the ${ctx.status} answer after ${Math.round(fraction * 100)}% of its body`);
      cutResponse(ctx, fraction);
      return;
    }
  };
}

/**
 * What the request claims to be, for the journal, before any fault answers it; the endpoint
 * overwrites it with verified values when it runs.
 */
function noteIdentity(ctx: AuthorizationHttpContext, facts: GatheredFacts): void {
  const entry = ctx.state.entry;
  entry.clientId ??= facts.clientId;
  entry.grantType ??= facts.grantType;
  entry.scope ??= facts.scope ?? ctx.state.face?.route?.scopes.join(' ') ?? undefined;
  entry.route ??= facts.route;
  if (facts.params) {
    const params = facts.params;
    entry.params ??= [...params.keys()];
    if (facts.endpoint === 'token') entry.credentials ??= credentialFacts((name) => params.get(name));
    if (facts.endpoint === 'authorize') entry.authorization ??= authorizationFacts((name) => params.get(name));
  }
  if (facts.presented?.jti) entry.presented ??= { jti: facts.presented.jti, clientId: facts.clientId, exp: facts.presented.exp };
}

/** Seconds a rate_limit rule told this client to wait that have not passed yet, if any. */
function toldToWait(server: FaultContext, rule: FaultRule, facts: GatheredFacts): number | undefined {
  // A client told no Retry-After had no wait to respect.
  if (rule.action.type !== 'rate_limit' || rule.action.format === 'none') return undefined;
  return server.faults.limiter.police(rule, facts.clientKey, server.clock.nowMs() / 1000)?.violation?.earlyBy;
}

/**
 * Tries one answering rule. 'continue' when the rule let the request through (an allowed
 * address, a met requirement, a budget not spent, a released hang): the next rule is tried.
 */
async function answer(ctx: AuthorizationHttpContext, server: FaultContext, facts: GatheredFacts, firing: Firing, note: NoteEffect): Promise<'answered' | 'continue'> {
  const { action, rule } = firing;
  const now = server.clock.nowMs() / 1000;
  switch (action.type) {
    case 'rate_limit': {
      const early = toldToWait(server, rule, facts);
      if (early !== undefined) {
        // A client told to wait (Retry-After) that asks again early is refused again.
        const earlyBy = Math.round(early * 1000) / 1000;
        ctx.state.entry.violation = { kind: 'retry_after', rule: rule.id, earlyBySeconds: earlyBy };
        firing.acted();
        note(firing, `refused again: asked ${earlyBy}s before Retry-After had passed`);
        answerRateLimited(ctx, server, facts, formatRetryAfter(early, action.format, Date.now() / 1000), `retried ${earlyBy}s before Retry-After elapsed`);
        return 'answered';
      }
      const verdict = action.limit
        ? server.faults.limiter.spend(rule, facts.clientKey, action.limit, action.window ?? 60, now)
        : server.faults.limiter.block(rule, facts.clientKey, action.retryAfter, now);
      // Within the budget the rule lets the request through untouched: no note, no count.
      if (verdict.retryAfter === undefined) return 'continue';
      const retryAfter = formatRetryAfter(verdict.retryAfter, action.format, Date.now() / 1000);
      firing.acted();
      note(firing, retryAfter.value === undefined ? '429 without Retry-After' : `429 with Retry-After: ${retryAfter.value}`);
      answerRateLimited(ctx, server, facts, retryAfter, action.limit ? `budget of ${action.limit} per ${action.window ?? 60}s spent` : 'rate limited');
      return 'answered';
    }
    case 'hang':
      return hang(ctx, server, firing, note);
    case 'reset':
    case 'empty_reply':
      firing.acted();
      note(firing, action.type === 'reset' ? 'connection reset' : 'closed without a response');
      ctx.state.entry.reason = action.type === 'reset' ? 'connection reset by a fault rule' : 'connection closed without a response by a fault rule';
      dropConnection(ctx, action.type);
      return 'answered';
    case 'oauth_error':
    case 'respond':
    case 'not_found':
    case 'insufficient_scope':
    case 'require':
    case 'firewall': {
      const effect = answerFault(ctx, server, facts, action);
      if (effect === undefined) return 'continue';
      firing.acted();
      note(firing, effect);
      return 'answered';
    }
    default:
      return 'continue';
  }
}

async function hang(ctx: AuthorizationHttpContext, server: FaultContext, firing: Firing, note: NoteEffect): Promise<'answered' | 'continue'> {
  firing.acted();
  note(firing, 'held without an answer');
  const socket = ctx.req.socket;
  const outcome = await server.faults.hangs.hold(firing.rule.id, {
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
    note(firing, 'released when the rule was removed');
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
