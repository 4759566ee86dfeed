import type { IncomingMessage } from 'node:http';

/** Why a request body could not be read. */
export class BodyError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'BodyError';
    this.status = status;
  }
}

/**
 * Reads the whole request body, refusing more than `limit` bytes (413) before buffering it,
 * and a body shorter or longer than its Content-Length (400).
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  const length = declared === undefined ? undefined : Number(declared);
  if (length !== undefined && length > limit) {
    req.resume();
    throw new BodyError(413, `request body of ${length} bytes is larger than the ${limit}-byte limit`);
  }
  const chunks: Buffer[] = [];
  let received = 0;
  // destroyOnReturn: false keeps the socket when we stop early, so a 413 can still be answered;
  // the rest of the body is then drained and discarded.
  for await (const chunk of req.iterator({ destroyOnReturn: false })) {
    received += (chunk as Buffer).length;
    if (received > limit) {
      req.resume();
      throw new BodyError(413, `request body is larger than the ${limit}-byte limit`);
    }
    chunks.push(chunk as Buffer);
  }
  if (length !== undefined && received !== length) {
    throw new BodyError(400, `request body is ${received} bytes but Content-Length says ${length}`);
  }
  return Buffer.concat(chunks, received);
}

/** Form parameters, each with every value it was given (RFC 6749 §3.1 forbids repeats). */
export type FormParams = Map<string, string[]>;

export function parseForm(body: Buffer): FormParams {
  const params: FormParams = new Map();
  for (const [key, value] of new URLSearchParams(body.toString('utf8'))) {
    const values = params.get(key);
    if (values) values.push(value);
    else params.set(key, [value]);
  }
  return params;
}
