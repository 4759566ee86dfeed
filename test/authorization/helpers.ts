import type { UnderstudyServer } from '../support/start-server.ts';

/** The embedded configuration's client, resource and scope (server/config/defaults.ts). */
export const DEMO = {
  clientId: 'demo-client',
  secret: 'demo-secret',
  clientName: 'Demo Client',
  audience: 'https://api.understudy.test:443',
  scope: 'urn:opc:resource:consumer::all',
  tenant: 'idcs-understudy',
  apiPath: '/hcmRestApi/resources/11.13.18.05/emps',
} as const;

export const IDCS_ISSUER = 'https://identity.oraclecloud.com/';
export const IDCS_PATHS = {
  token: '/oauth2/v1/token',
  introspect: '/oauth2/v1/introspect',
  revoke: '/oauth2/v1/revoke',
  jwks: '/admin/v1/SigningCert/jwk',
} as const;

export const FORM = 'application/x-www-form-urlencoded';
export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

// Response bodies are JSON of a known shape; tests read them loosely and assert exactly.
export type Json = any;

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed body; undefined when it is not JSON. */
  json: Json;
}

/** `Basic base64(id:secret)` (RFC 7617), without form-encoding the halves. */
export function basic(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${secret}`, 'utf8').toString('base64')}`;
}

export async function send(url: string, init: RequestInit = {}): Promise<Reply> {
  return read(await fetch(url, init));
}

/** Reads a whole response: status, headers, text and the parsed JSON (undefined when empty or not JSON). */
export async function read(response: Response): Promise<Reply> {
  const text = await response.text();
  let json: Json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** POSTs an application/x-www-form-urlencoded body. Pass a string to send it verbatim (e.g. repeated parameters). */
export function postForm(url: string, params: Record<string, string> | string, headers: Record<string, string> = {}): Promise<Reply> {
  const body = typeof params === 'string' ? params : new URLSearchParams(params).toString();
  return send(url, { method: 'POST', headers: { 'content-type': FORM, ...headers }, body });
}

/** client_credentials with client_secret_basic. */
export function requestToken(
  server: UnderstudyServer,
  options: { clientId?: string; secret?: string; scope?: string; extra?: Record<string, string> } = {},
): Promise<Reply> {
  const params: Record<string, string> = { grant_type: 'client_credentials', ...options.extra };
  if (options.scope !== undefined) params.scope = options.scope;
  return postForm(server.urls.tokenUrl, params, { authorization: basic(options.clientId ?? DEMO.clientId, options.secret ?? DEMO.secret) });
}

/** A token for the demo client (or the given one); fails the test if none is issued. */
export async function issueToken(server: UnderstudyServer, options: Parameters<typeof requestToken>[1] = {}): Promise<string> {
  const reply = await requestToken(server, options);
  if (reply.status !== 200 || typeof reply.json?.access_token !== 'string') {
    throw new Error(`expected a token, got ${reply.status} ${reply.text}`);
  }
  return reply.json.access_token as string;
}

/** Header and payload of a compact JWS, parsed from the wire text so member order is preserved. */
export function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = token.split('.');
  const parse = (part: string | undefined) => JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: parse(header), payload: parse(payload) };
}

export interface JournalEntryView {
  seq: number;
  endpoint: string;
  method: string;
  path: string;
  status: number;
  clientId?: string;
  grantType?: string;
  scope?: string;
  grantedScope?: string;
  error?: string;
  decision: string;
  reason: string;
  params?: string[];
  issued?: { jti: string; clientId?: string; iat?: number; exp?: number; kid?: string };
  presented?: { jti: string };
}

export async function readJournal(server: UnderstudyServer, query = ''): Promise<{ entries: JournalEntryView[]; dropped: number; raw: string }> {
  const reply = await send(`${server.url}/_understudy/journal${query}`);
  if (reply.status !== 200) throw new Error(`journal: ${reply.status} ${reply.text}`);
  return { ...(reply.json as { entries: JournalEntryView[]; dropped: number }), raw: reply.text };
}

export async function advanceClock(server: UnderstudyServer, seconds: number): Promise<void> {
  const reply = await send(`${server.url}/_understudy/clock/advance`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ seconds }),
  });
  if (reply.status !== 200) throw new Error(`clock/advance: ${reply.status} ${reply.text}`);
}

export const LOWER_HEX_32 = /^[0-9a-f]{32}$/;
