import { BodyError, readBody } from '../http/read-body.ts';
import type { HttpContext } from '../http/types.ts';
import { Problem } from '../http/problem.ts';

/** Reads a JSON object body; an empty body is `{}`. */
export async function readJsonObject(ctx: HttpContext, limit: number): Promise<Record<string, unknown>> {
  let raw: Buffer;
  try {
    raw = await readBody(ctx.req, limit);
  } catch (error) {
    if (error instanceof BodyError) throw new Problem(error.status, 'Unreadable body', error.message);
    throw new Problem(400, 'Unreadable body', 'the request body could not be read');
  }
  if (raw.length === 0) return {};
  if (!ctx.is('application/json', '+json')) {
    throw new Problem(415, 'Unsupported media type', `send JSON with Content-Type: application/json (got ${ctx.get('content-type') || 'none'})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new Problem(400, 'Invalid JSON', `the body is not valid JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Problem(400, 'Invalid body', 'the body must be a JSON object');
  }
  return value as Record<string, unknown>;
}
