import type { HttpContext } from './types.ts';

/** A control API refusal, answered as RFC 9457 application/problem+json. */
export class Problem extends Error {
  readonly status: number;
  readonly title: string;
  readonly extra: Record<string, unknown>;

  constructor(status: number, title: string, detail: string, extra: Record<string, unknown> = {}) {
    super(detail);
    this.name = 'Problem';
    this.status = status;
    this.title = title;
    this.extra = extra;
  }
}

export function sendProblem(ctx: HttpContext, problem: Problem): void {
  ctx.status = problem.status;
  ctx.type = 'application/problem+json';
  ctx.body = { type: 'about:blank', title: problem.title, status: problem.status, detail: problem.message, ...problem.extra };
}
