import type { Next } from 'koa';
import type { Clock } from '../base/clock.ts';
import type { Journal } from '../journal/journal.ts';
import { UNIT_PARAMETER } from '../journal/types.ts';
import { createEcid } from '../profiles/index.ts';
import type { HttpContext } from './types.ts';

/** What journaling requests reads: the virtual clock and the journal. */
export interface JournalingContext {
  clock: Clock;
  journal: Journal;
}

/**
 * Outermost middleware: gives the request an id (IDCS's ecid), turns any unexpected error into
 * a 500 rather than a crash, and records exactly one journal entry per request, whatever
 * happened inside.
 */
export function journalRequests(server: JournalingContext) {
  return async (ctx: HttpContext, next: Next) => {
    const started = performance.now();
    const time = server.clock.nowMs() / 1000;
    const realTime = new Date().toISOString();
    // Read now: a request destroyed mid-way has no socket any more when the entry is written.
    const remoteAddress = ctx.req.socket?.remoteAddress;
    ctx.state.requestId = createEcid();
    ctx.state.entry = {};
    const recorded = server.journal.begin();
    try {
      await answer(ctx, next);
      if (ctx.state.skipJournal) return;
      record(ctx, server, time, realTime, started, remoteAddress);
    } finally {
      recorded();
    }
  };
}

async function answer(ctx: HttpContext, next: Next): Promise<void> {
  try {
    await next();
  } catch (error) {
    ctx.status = 500;
    ctx.type = 'application/json';
    ctx.body = { error: 'server_error', error_description: 'understudy hit an internal error; see the journal entry for the cause' };
    ctx.state.entry.decision = 'rejected';
    ctx.state.entry.error = 'server_error';
    ctx.state.entry.reason = `internal error: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function unitTag(value: string | string[] | undefined): { unit?: number } {
  const text = Array.isArray(value) ? value[0] : value;
  return text !== undefined && /^\d{1,9}$/.test(text) ? { unit: Number(text) } : {};
}

function record(ctx: HttpContext, server: JournalingContext, time: number, realTime: string, started: number, remoteAddress: string | undefined): void {
  const draft = ctx.state.entry;
  // The client hung up before its answer could be sent: whatever was decided, it got nothing.
  if (draft.transport === undefined && ctx.req.socket?.destroyed && !ctx.res.headersSent) {
    draft.transport = 'abandoned';
    draft.decision = 'rejected';
    draft.reason = `the client hung up before the answer was sent (${draft.reason ?? `it would have been ${ctx.status}`})`;
  }
  server.journal.record({
    time,
    realTime,
    // The face middleware names the endpoint of every journaled request.
    endpoint: draft.endpoint ?? 'other',
    method: ctx.method,
    path: ctx.path,
    // No status line was sent when the connection was reset, closed empty, or abandoned.
    status: draft.transport && draft.transport !== 'truncated' ? 0 : ctx.status,
    durationMs: Math.round((performance.now() - started) * 1000) / 1000,
    endTime: server.clock.nowMs() / 1000,
    requestHeaders: Object.keys(ctx.headers),
    ...(ctx.querystring ? unitTag(ctx.query[UNIT_PARAMETER]) : {}),
    ...draft,
    decision: draft.decision ?? (ctx.status < 400 ? 'served' : 'rejected'),
    reason: draft.reason ?? `answered ${ctx.status}`,
    remoteAddress,
  });
}
