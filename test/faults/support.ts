/**
 * Helpers of the fault-engine integration tests: a real understudy server on a free loopback
 * port, fault rules added through the control API, and the journal read back over HTTP.
 */
import { afterEach, expect } from 'vitest';
import { createServer, type CreateServerOptions, type JournalEntry, type UnderstudyServer } from '../../server/index.ts';

export const DEMO_CLIENT = { id: 'demo-client', secret: 'demo-secret' } as const;
export const DEMO_AUDIENCE = 'https://api.understudy.test:443';
export const DEMO_SCOPE = 'urn:opc:resource:consumer::all';
export const EMPS_PATH = '/hcmRestApi/resources/11.13.18.05/emps';
export const PAYMENTS_PATH = '/bank/v1/payments';
import { FORM, basic, read, type Json, type Reply } from '../authorization/helpers.ts';

export { FORM, basic, read, type Json, type Reply } from '../authorization/helpers.ts';

export interface FaultServer {
  server: UnderstudyServer;
  url: string;
  tokenUrl: string;
  /** Any request; resolves with the full body read, rejects like fetch does. */
  send(path: string, init?: RequestInit): Promise<Reply>;
  /** client_credentials with client_secret_basic, as the demo client unless told otherwise. */
  token(options?: TokenOptions): Promise<Reply>;
  /** The token request itself, for tests that look at transport failures. */
  tokenInit(options?: TokenOptions): RequestInit;
  /** An access token; fails the test if none is issued. */
  accessToken(options?: TokenOptions): Promise<string>;
  /** A mock API call (GET the HCM route unless told otherwise). */
  api(token: string | undefined, options?: { path?: string; method?: string; headers?: Record<string, string>; signal?: AbortSignal }): Promise<Reply>;
  /** POST /_understudy/faults; fails the test unless the rule is accepted. Returns its id. */
  addFault(rule: unknown): Promise<string>;
  /** POST /_understudy/faults, whatever the answer. */
  postFault(rule: unknown): Promise<Reply>;
  deleteFault(id: string): Promise<Reply>;
  listFaults(): Promise<Json[]>;
  advance(seconds: number): Promise<void>;
  journal(): Promise<JournalEntry[]>;
  /** The last journal entry (waits a little for one written when a dropped connection closes). */
  lastEntry(count?: number): Promise<JournalEntry>;
  /** Waits until the journal holds `count` entries. */
  waitForEntries(count: number): Promise<JournalEntry[]>;
}

export interface TokenOptions {
  clientId?: string;
  secret?: string;
  form?: Record<string, string>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

const started = new Set<UnderstudyServer>();

afterEach(async () => {
  const servers = [...started];
  started.clear();
  await Promise.all(servers.map((server) => server.close()));
});


/** Starts a server (closed after the test) with the given options. */
export async function startFaultServer(options: Omit<CreateServerOptions, 'port' | 'host'> = {}): Promise<FaultServer> {
  const server = await createServer({ ...options, host: '127.0.0.1', port: 0 });
  started.add(server);
  return wrap(server);
}

export function wrap(server: UnderstudyServer): FaultServer {
  const url = server.url;
  const send = async (path: string, init: RequestInit = {}) => read(await fetch(`${url}${path}`, init));
  const control = (method: string, path: string, json?: unknown) =>
    send(`/_understudy${path}`, json === undefined ? { method } : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) });

  const tokenInit = (options: TokenOptions = {}): RequestInit => ({
    method: 'POST',
    headers: {
      authorization: basic(options.clientId ?? DEMO_CLIENT.id, options.secret ?? DEMO_CLIENT.secret),
      'content-type': FORM,
      ...options.headers,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...options.form }).toString(),
    ...(options.signal ? { signal: options.signal } : {}),
  });

  const journal = async () => {
    const reply = await control('GET', '/journal');
    expect(reply.status).toBe(200);
    return reply.json.entries as JournalEntry[];
  };

  const waitForEntries = async (count: number) => {
    // The only polling in these tests: an entry for a dropped connection is written when the
    // socket closes, a few milliseconds after the client saw the failure.
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const entries = await journal();
      if (entries.length >= count) return entries;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error(`the journal never reached ${count} entries`);
  };

  const token = (options: TokenOptions = {}) => send(server.urls.tokenUrl.slice(url.length), tokenInit(options));

  return {
    server,
    url,
    tokenUrl: server.urls.tokenUrl,
    send,
    token,
    tokenInit,
    async accessToken(options) {
      const reply = await token(options);
      if (reply.status !== 200 || typeof reply.json?.access_token !== 'string') throw new Error(`expected a token, got ${reply.status} ${reply.text}`);
      return reply.json.access_token as string;
    },
    api(accessToken, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (accessToken !== undefined) headers.authorization = `Bearer ${accessToken}`;
      return send(options.path ?? EMPS_PATH, { method: options.method ?? 'GET', headers, ...(options.signal ? { signal: options.signal } : {}) });
    },
    async addFault(rule) {
      const reply = await control('POST', '/faults', rule);
      if (reply.status !== 201) throw new Error(`fault rule refused: ${reply.status} ${reply.text}`);
      expect(reply.json.id).toBe(reply.json.rule.id);
      return reply.json.id as string;
    },
    postFault: (rule) => control('POST', '/faults', rule),
    deleteFault: (id) => control('DELETE', `/faults/${encodeURIComponent(id)}`),
    async listFaults() {
      const reply = await control('GET', '/faults');
      expect(reply.status).toBe(200);
      return reply.json.faults as Json[];
    },
    async advance(seconds) {
      const reply = await control('POST', '/clock/advance', { seconds });
      expect(reply.status).toBe(200);
    },
    journal,
    async lastEntry(count) {
      const entries = count === undefined ? await journal() : await waitForEntries(count);
      const last = entries.at(-1);
      if (!last) throw new Error('the journal is empty');
      return last;
    },
    waitForEntries,
  };
}

/** Asserts that the entry names exactly this one rule, with its preset and action type. */
export function expectFault(entry: JournalEntry, id: string, preset: string | undefined, action: string): void {
  expect(entry.faults, `faults of ${entry.method} ${entry.path} (${entry.status})`).toHaveLength(1);
  const note = entry.faults?.[0];
  expect(note?.rule).toBe(id);
  expect(note?.preset).toBe(preset);
  expect(note?.action).toBe(action);
  expect(typeof note?.effect).toBe('string');
}

/** The JSON payload of a compact JWS, unverified. */
export function decodePayload(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, any>;
}

/** The error a rejected fetch carries in `cause` (undici), e.g. ECONNRESET. */
export async function fetchFailure(promise: Promise<unknown>): Promise<{ name: string; message: string; code: string | undefined }> {
  try {
    await promise;
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    return { name: e.name, message: e.message, code: e.cause?.code };
  }
  throw new Error('expected the request to fail');
}

/** Asserts the IDCS OAuth error shape (RFC 6749 §5.2 + ecid, DMS headers, no-store). */
export function expectIdcsError(reply: Reply, status: number, error: string, description?: string | RegExp): void {
  expect(reply.status, reply.text).toBe(status);
  expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
  expect(reply.headers.get('cache-control')).toBe('no-store');
  const ecid = reply.headers.get('x-oracle-dms-ecid');
  expect(ecid).toBeTruthy();
  expect(reply.headers.get('x-oracle-dms-rid')).toBe('0');
  expect(Object.keys(reply.json)).toEqual(['error', 'error_description', 'ecid']);
  expect(reply.json.error).toBe(error);
  expect(reply.json.ecid).toBe(ecid);
  if (typeof description === 'string') expect(reply.json.error_description).toBe(description);
  else if (description) expect(reply.json.error_description).toMatch(description);
}
