import { CliError } from './exit-codes.ts';
import { basicCredentials } from './form-encode.ts';

export interface RequestTokenOptions {
  /** Base URL of a running understudy server, e.g. http://127.0.0.1:9400 (no trailing slash). */
  url: string;
  clientId: string;
  secret: string;
  /** Space-separated scope; undefined = the client's default (RFC 6749 §3.3). */
  scope: string | undefined;
  /** Per-request time limit in milliseconds. Default: 10000. */
  timeoutMs?: number;
}

export interface RequestTokenResult {
  accessToken: string;
  tokenUrl: string;
}

/** What the discovery document says about the server. */
export interface DiscoveredServer {
  tokenUrl: string;
  /** idcs when the document has IDCS's members (or the /oauth2/v1 token path), else rfc9068. */
  profile: 'idcs' | 'rfc9068';
}

/**
 * Reads `/.well-known/openid-configuration` of the server at `url` (both profiles serve it) to
 * find the token endpoint.
 * @throws CliError NO_SERVER when nothing listens, REQUEST_FAILED when the answer is not a discovery document.
 */
export async function discoverServer(url: string, timeoutMs = 10_000): Promise<DiscoveredServer> {
  const discoveryUrl = `${url}/.well-known/openid-configuration`;
  const response = await send(url, discoveryUrl, { headers: { accept: 'application/json' } }, timeoutMs);
  const text = await response.text();
  let document: Record<string, unknown> | undefined;
  try {
    document = JSON.parse(text) as Record<string, unknown>;
  } catch {
    document = undefined;
  }
  const tokenUrl = document?.token_endpoint;
  const advertised = response.ok && typeof tokenUrl === 'string' ? URL.parse(tokenUrl, discoveryUrl) : null;
  if (!advertised) {
    throw new CliError('REQUEST_FAILED', `${discoveryUrl} answered HTTP ${response.status} without a usable token_endpoint; is ${url} an understudy server?`, {
      details: text.slice(0, 2000),
    });
  }
  const idcs = document?.idcs_id_token !== undefined || advertised.pathname === '/oauth2/v1/token';
  // A server bound to 0.0.0.0 advertises loopback URLs, which are wrong for a caller on another
  // machine (or one that used another name): the token endpoint is on the server that answered.
  const sameOrigin = advertised.origin === new URL(url).origin;
  return { tokenUrl: sameOrigin ? advertised.href : `${url}${advertised.pathname}${advertised.search}`, profile: idcs ? 'idcs' : 'rfc9068' };
}

/**
 * A client_credentials token request with HTTP Basic client authentication: both halves
 * form-encoded before base64, as RFC 6749 §2.3.1 says (and the server decodes).
 * @throws CliError REQUEST_FAILED with the error body as details when the server refuses.
 */
export async function requestToken(tokenUrl: string, options: RequestTokenOptions): Promise<RequestTokenResult> {
  const body = new URLSearchParams({ grant_type: 'client_credentials' });
  if (options.scope !== undefined && options.scope !== '') body.set('scope', options.scope);
  const response = await send(
    options.url,
    tokenUrl,
    {
      method: 'POST',
      headers: {
        accept: 'application/json',
        authorization: basicCredentials(options.clientId, options.secret),
      },
      body,
    },
    options.timeoutMs ?? 10_000,
  );
  const text = await response.text();
  let accessToken: unknown;
  try {
    accessToken = (JSON.parse(text) as { access_token?: unknown }).access_token;
  } catch {
    accessToken = undefined;
  }
  if (!response.ok || typeof accessToken !== 'string') {
    throw new CliError('REQUEST_FAILED', `the token request to ${tokenUrl} failed with HTTP ${response.status}:`, { details: text });
  }
  return { accessToken, tokenUrl };
}

/** fetch with a time limit; a refused connection becomes the "start a server" hint. */
export async function send(serverUrl: string, url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    if (errorCodes(error).includes('ECONNREFUSED')) {
      throw new CliError('NO_SERVER', `no understudy server at ${serverUrl}; start one with \`understudy serve\``, { cause: error });
    }
    if (error instanceof DOMException && error.name === 'TimeoutError') {
      throw new CliError('REQUEST_FAILED', `${url} did not answer within ${timeoutMs / 1000}s`, { cause: error });
    }
    const cause = (error as { cause?: unknown }).cause;
    const reason = errorCodes(error)[0] ?? (cause instanceof Error ? cause.message : (error as Error).message);
    throw new CliError('REQUEST_FAILED', `cannot reach ${url}: ${reason}`, { cause: error });
  }
}

/** Error codes of a fetch failure: undici wraps the socket error in `cause`, sometimes an AggregateError. */
function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  const visit = (value: unknown, depth: number) => {
    if (!value || typeof value !== 'object' || depth > 4) return;
    const code = (value as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    visit((value as { cause?: unknown }).cause, depth + 1);
    if (value instanceof AggregateError) for (const inner of value.errors) visit(inner, depth + 1);
  };
  visit(error, 0);
  return codes;
}
