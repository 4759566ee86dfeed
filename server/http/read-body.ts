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
  // Plain 'data'/'end' listeners rather than an async iterator: this runs for every token
  // request, and the iterator's promise per chunk showed in the endpoint's profile.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (error: Error | undefined, body?: Buffer) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (error) reject(error);
      else resolve(body as Buffer);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) {
        // Keep the socket so the 413 can still be answered; the rest of the body is discarded.
        req.resume();
        finish(new BodyError(413, `request body is larger than the ${limit}-byte limit`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      if (length !== undefined && received !== length) finish(new BodyError(400, `request body is ${received} bytes but Content-Length says ${length}`));
      else finish(undefined, Buffer.concat(chunks, received));
    };
    const onError = (error: Error) => finish(error);
    const onClose = () => {
      if (!req.complete) finish(new Error('the client closed the connection before the body was complete'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
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
