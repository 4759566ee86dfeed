import { DemoError } from './demo-error.ts';

/**
 * One control API call (JSON in, JSON out). A refusal throws a DemoError carrying the
 * problem document's detail, which says what was wrong.
 */
export async function controlCall<T = unknown>(controlUrl: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${controlUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const value: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const detail = (value as { detail?: unknown } | undefined)?.detail;
    throw new DemoError('CONTROL_REFUSED', `${method} /_understudy${path} answered ${response.status}${typeof detail === 'string' ? `: ${detail}` : ''}`);
  }
  return value as T;
}
