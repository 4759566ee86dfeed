import { createInterface } from 'node:readline';
import type { WorkOutcome, WorkUnit } from './token-client.ts';

/** What a client offers the protocol: units of work, and (authorization code clients) the sign-in operations. */
export interface ProtocolClient {
  work(unit: WorkUnit): Promise<WorkOutcome>;
  signIn?(): string | Promise<string>;
  callback?(url: string): Promise<WorkOutcome & { subject?: string }>;
  signOut?(): { ok: boolean; url?: string } | Promise<{ ok: boolean; url?: string }>;
}

/**
 * The command driver's protocol, client side: one JSON request per stdin line
 * (`{"id":1,"op":"work","method":"GET","path":"/..."}`, or a sign-in operation: `sign-in`,
 * `callback` with its `url`, `sign-out`), one JSON report per stdout line
 * (`{"id":1,"ok":true,"status":200}`), requests handled concurrently, EOF means exit.
 */
export async function serveProtocol(client: ProtocolClient): Promise<void> {
  const pending = new Set<Promise<void>>();
  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (!line.trim()) continue;
    let request: { id?: unknown; op?: unknown; method?: unknown; path?: unknown; body?: unknown; url?: unknown };
    try {
      request = JSON.parse(line) as typeof request;
    } catch {
      process.stderr.write(`ignoring a line that is not JSON: ${line}\n`);
      continue;
    }
    const id = request.id;
    const task = answer(client, request).then(
      (outcome) => void process.stdout.write(`${JSON.stringify({ id, ...outcome })}\n`),
      (error: unknown) => void process.stdout.write(`${JSON.stringify({ id, ok: false, error: error instanceof Error ? error.message : String(error) })}\n`),
    );
    pending.add(task);
    void task.finally(() => pending.delete(task));
  }
  await Promise.all(pending);
}

async function answer(client: ProtocolClient, request: { op?: unknown; method?: unknown; path?: unknown; body?: unknown; url?: unknown }): Promise<Record<string, unknown>> {
  switch (request.op) {
    case 'work':
      if (typeof request.path !== 'string') return { ok: false, error: 'a work request needs a path' };
      return { ...(await client.work({ method: typeof request.method === 'string' ? request.method : 'GET', path: request.path, body: request.body })) };
    case 'sign-in':
      if (!client.signIn) return { ok: false, error: 'this client signs nobody in (no UNDERSTUDY_AUTHORIZATION_URL)' };
      return { ok: true, url: await client.signIn() };
    case 'callback':
      if (!client.callback || typeof request.url !== 'string') return { ok: false, error: 'a callback needs a url, and a client that signs people in' };
      return { ...(await client.callback(request.url)) };
    case 'sign-out':
      if (!client.signOut) return { ok: false, error: 'this client signs nobody in' };
      return { ...(await client.signOut()) };
    default:
      return { ok: false, error: `unknown op ${JSON.stringify(request.op)}` };
  }
}
