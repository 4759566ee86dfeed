/**
 * Reads a text/event-stream (WHATWG HTML §9.2.6) from a fetch body, one event at a time, for
 * tests of /_understudy/events. Comments (heartbeats) are kept as events named ":".
 */
export interface SseEvent {
  event: string;
  data: string;
}

export interface SseReader {
  /** The next event (or comment); rejects after `timeoutMs` without one. */
  next(timeoutMs?: number): Promise<SseEvent>;
  /** The next event named `name`, skipping others; rejects after `timeoutMs`. */
  nextNamed<T = unknown>(name: string, timeoutMs?: number): Promise<T>;
  cancel(): Promise<void>;
}

export function readSse(body: ReadableStream<Uint8Array>): SseReader {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const queued: SseEvent[] = [];

  const parseBlock = (block: string): SseEvent | undefined => {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) return { event: ':', data: line.slice(1).trim() };
      const [field, ...rest] = line.split(':');
      const value = rest.join(':').replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    return data.length > 0 ? { event, data: data.join('\n') } : undefined;
  };

  const next = async (timeoutMs = 5000): Promise<SseEvent> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ready = queued.shift();
      if (ready) return ready;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`no server-sent event within ${timeoutMs} ms`);
      let timer: NodeJS.Timeout | undefined;
      const chunk = await Promise.race([
        reader.read(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no server-sent event within ${timeoutMs} ms`)), remaining);
        }),
      ]).finally(() => clearTimeout(timer));
      if (chunk.done) throw new Error('the event stream ended');
      buffer += decoder.decode(chunk.value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const parsed = parseBlock(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (parsed) queued.push(parsed);
      }
    }
  };

  return {
    next,
    async nextNamed<T>(name: string, timeoutMs = 5000): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const event = await next(Math.max(1, deadline - Date.now()));
        if (event.event === name) return JSON.parse(event.data) as T;
      }
    },
    cancel: () => reader.cancel().catch(() => undefined),
  };
}
