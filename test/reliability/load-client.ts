/**
 * A small load generator for the reliability tests: demo-client tokens and API calls on a
 * keep-alive pool, counting what came back. Traffic goes only to the loopback server under test.
 */

export const DEMO_SCOPE = 'https://api.understudy.test:443urn:opc:resource:consumer::all';
export const EMPS = '/hcmRestApi/resources/11.13.18.05/emps';
export const INVOICES = '/fscmRestApi/resources/11.13.18.05/invoices';
const BASIC = `Basic ${Buffer.from('demo-client:demo-secret').toString('base64')}`;

export interface Tally {
  /** Requests sent. */
  sent: number;
  /** Responses with a status line, by status. */
  byStatus: Map<number, number>;
  /** Requests that ended without a response (reset, aborted by us, server gone). */
  failed: number;
}

export function createTally(): Tally {
  return { sent: 0, byStatus: new Map(), failed: 0 };
}

export function answered(tally: Tally): number {
  let total = 0;
  for (const count of tally.byStatus.values()) total += count;
  return total;
}

export class LoadClient {
  readonly tally = createTally();
  readonly #base: string;
  #token: string | undefined;

  constructor(baseUrl: string) {
    this.#base = baseUrl;
  }

  /** Sends one request and records its outcome; never throws. */
  async request(path: string, init: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal } = {}): Promise<{ status: number; body: string } | undefined> {
    this.tally.sent += 1;
    try {
      const response = await fetch(`${this.#base}${path}`, init);
      const body = await response.text();
      this.tally.byStatus.set(response.status, (this.tally.byStatus.get(response.status) ?? 0) + 1);
      return { status: response.status, body };
    } catch {
      this.tally.failed += 1;
      return undefined;
    }
  }

  async token(tokenPath: string): Promise<string | undefined> {
    const answer = await this.request(tokenPath, {
      method: 'POST',
      headers: { authorization: BASIC, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: DEMO_SCOPE }).toString(),
    });
    if (answer?.status !== 200) return undefined;
    try {
      return (JSON.parse(answer.body) as { access_token?: string }).access_token;
    } catch {
      return undefined;
    }
  }

  /** One API call with a cached token, fetching a new one when there is none or it was refused. */
  async callApi(tokenPath: string, path = EMPS): Promise<void> {
    this.#token ??= await this.token(tokenPath);
    if (!this.#token) return;
    const answer = await this.request(path, { headers: { authorization: `Bearer ${this.#token}` } });
    if (answer?.status === 401) this.#token = undefined;
  }

}

/** Reads a JSON Lines journal file: every line must be a complete JSON object. */
export function parseJournalLines(text: string): { entries: Record<string, unknown>[]; badLines: string[] } {
  const entries: Record<string, unknown>[] = [];
  const badLines: string[] = [];
  const lines = text.split('\n');
  // A complete file ends with a newline, so the last element is empty.
  if (lines.at(-1) !== '') badLines.push(`unterminated last line: ${lines.at(-1)?.slice(0, 80)}`);
  for (const line of lines.slice(0, -1)) {
    try {
      entries.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      badLines.push(line.slice(0, 120));
    }
  }
  return { entries, badLines };
}

/** Resident set size of a process in bytes, from /proc (Linux). */
export async function readRss(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (!kb) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(kb) * 1024;
}
