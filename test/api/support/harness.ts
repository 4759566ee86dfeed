/**
 * Helpers shared by the mock API and control API integration tests: start a real understudy
 * server on a free port, fetch tokens from it, call the mock API and the control API over HTTP.
 */
import { afterEach, expect } from 'vitest';
import { createServer, type UnderstudyConfig, type UnderstudyServer } from '../../../server/index.ts';

export const DEMO_AUDIENCE = 'https://api.understudy.test:443';
export const DEMO_SCOPE = 'urn:opc:resource:consumer::all';
export const DEMO_CLIENT = { id: 'demo-client', secret: 'demo-secret' };

export const EMPS_PATH = '/hcmRestApi/resources/11.13.18.05/emps';
export const INVOICES_PATH = '/fscmRestApi/resources/11.13.18.05/invoices';
export const PAYMENTS_PATH = '/bank/v1/payments';
export const TOKEN_PATH = '/oauth2/v1/token';
export const JWKS_PATH = '/admin/v1/SigningCert/jwk';

export interface Reply<T = unknown> {
  status: number;
  headers: Headers;
  /** Parsed JSON body, or undefined when the body is empty or not JSON. */
  body: T;
  text: string;
}

export interface Harness {
  server: UnderstudyServer;
  url: string;
  /** Any request to the server; `json` is sent as application/json. */
  request<T = any>(method: string, path: string, init?: RequestOptions): Promise<Reply<T>>;
  /** POST /oauth2/v1/token (client_credentials), as the demo client unless told otherwise. */
  tokenRequest(options?: TokenOptions): Promise<Reply<any>>;
  /** A fresh access token; fails the test when the token endpoint refuses. */
  token(options?: TokenOptions): Promise<string>;
  /** A control API call: `path` is relative to /_understudy. */
  control<T = any>(method: string, path: string, json?: unknown): Promise<Reply<T>>;
  /** A mock API call with an optional bearer token. */
  api<T = any>(method: string, path: string, options?: { token?: string; headers?: Record<string, string>; json?: unknown }): Promise<Reply<T>>;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  json?: unknown;
  body?: string;
}

export interface TokenOptions {
  clientId?: string;
  secret?: string;
  scope?: string;
}

const started = new Set<UnderstudyServer>();

// Every server a test starts is closed after it, pass or fail.
afterEach(async () => {
  const servers = [...started];
  started.clear();
  await Promise.all(servers.map((server) => server.close()));
});

/** Starts a server on a free loopback port with the given configuration; closed after the test. */
export async function start(config?: UnderstudyConfig): Promise<Harness> {
  const server = await createServer({ port: 0, ...(config ? { config } : {}) });
  started.add(server);
  return harness(server);
}

export function harness(server: UnderstudyServer): Harness {
  const url = server.url;

  async function request<T>(method: string, path: string, init: RequestOptions = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...init.headers };
    let body: string | undefined = init.body;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${url}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  async function tokenRequest(options: TokenOptions = {}): Promise<Reply<any>> {
    const id = options.clientId ?? DEMO_CLIENT.id;
    const secret = options.secret ?? DEMO_CLIENT.secret;
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (options.scope !== undefined) form.set('scope', options.scope);
    return request('POST', TOKEN_PATH, {
      headers: {
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: form.toString(),
    });
  }

  return {
    server,
    url,
    request,
    tokenRequest,
    async token(options) {
      const reply = await tokenRequest(options);
      if (reply.status !== 200 || typeof reply.body?.access_token !== 'string') {
        throw new Error(`token request failed: ${reply.status} ${reply.text}`);
      }
      return reply.body.access_token as string;
    },
    control(method, path, json) {
      return request(method, `/_understudy${path}`, json === undefined ? {} : { json });
    },
    api(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
      return request(method, path, { headers, ...(options.json === undefined ? {} : { json: options.json }) });
    },
  };
}

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/**
 * Parses a single RFC 9110 §11.6.1 challenge (`Scheme k="v", k2="v2"`), unescaping
 * quoted-strings, and refuses anything it does not understand so malformed headers fail loudly.
 */
export function parseChallenge(header: string | null): Challenge {
  if (header === null) throw new Error('no WWW-Authenticate header');
  const scheme = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?: +|$)/.exec(header);
  if (!scheme?.[1]) throw new Error(`not a challenge: ${header}`);
  const params: Record<string, string> = {};
  let rest = header.slice(scheme[0].length);
  const param = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)=(?:"((?:[^"\\]|\\.)*)"|([!#$%&'*+.^_`|~0-9A-Za-z-]+))\s*(?:,\s*|$)/;
  while (rest.length > 0) {
    const match = param.exec(rest);
    if (!match?.[1]) throw new Error(`cannot parse auth-param in: ${header}`);
    const name = match[1].toLowerCase();
    if (name in params) throw new Error(`repeated auth-param ${name} in: ${header}`);
    params[name] = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : (match[3] as string);
    rest = rest.slice(match[0].length);
  }
  return { scheme: scheme[1], params };
}

/** The JSON payload of a compact JWS, unverified. */
export function decodePayload(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, any>;
}

/** The protected header of a compact JWS, unverified. */
export function decodeHeader(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as Record<string, any>;
}

export function b64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

/** A short real-time pause, only where a test is about real time passing. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Asserts an RFC 6750 §3 refusal: the status, a Bearer challenge with the realm, the error code
 * and a description (plus `scope` when given), and a JSON body repeating error and description.
 */
export function expectBearerError(
  reply: Reply<any>,
  status: number,
  error: 'invalid_request' | 'invalid_token' | 'insufficient_scope',
  options: { description?: RegExp; scope?: string } = {},
): void {
  const header = reply.headers.get('www-authenticate');
  expect(reply.status, `status (body ${reply.text})`).toBe(status);
  const challenge = parseChallenge(header);
  expect(challenge.scheme).toBe('Bearer');
  const expected: Record<string, unknown> = { realm: 'understudy', error, error_description: expect.any(String) };
  if (options.scope !== undefined) expected.scope = options.scope;
  expect(challenge.params).toEqual(expected);
  if (options.description) expect(challenge.params.error_description).toMatch(options.description);
  // RFC 6750 §3: error_description is US-ASCII %x20-21 / %x23-5B / %x5D-7E (no '"' or '\').
  expect(challenge.params.error_description).toMatch(/^[\x20\x21\x23-\x5B\x5D-\x7E]+$/);
  expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
  expect(reply.body).toEqual({ error, error_description: challenge.params.error_description });
}

/** Asserts RFC 6750 §3.1's answer to a request without a bearer token: 401 and a bare challenge. */
export function expectBareChallenge(reply: Reply<any>): void {
  expect(reply.status).toBe(401);
  expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="understudy"');
  expect(reply.body?.error).toBeUndefined();
}
