import { createInterface } from 'node:readline';
import type { WorkOutcome, WorkUnit } from './token-client.ts';

/**
 * The command driver's protocol, client side: one JSON request per stdin line
 * (`{"id":1,"op":"work","method":"GET","path":"/..."}`), one JSON report per stdout line
 * (`{"id":1,"ok":true,"status":200}`), units handled concurrently, EOF means exit.
 */
export async function serveProtocol(work: (unit: WorkUnit) => Promise<WorkOutcome>): Promise<void> {
  const pending = new Set<Promise<void>>();
  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (!line.trim()) continue;
    let request: { id?: unknown; op?: unknown; method?: unknown; path?: unknown; body?: unknown };
    try {
      request = JSON.parse(line) as typeof request;
    } catch {
      process.stderr.write(`ignoring a line that is not JSON: ${line}\n`);
      continue;
    }
    if (request.op !== 'work' || typeof request.path !== 'string') continue;
    const id = request.id;
    const task = work({ method: typeof request.method === 'string' ? request.method : 'GET', path: request.path, body: request.body }).then((outcome) => {
      process.stdout.write(`${JSON.stringify({ id, ...outcome })}\n`);
    });
    pending.add(task);
    void task.finally(() => pending.delete(task));
  }
  await Promise.all(pending);
}
