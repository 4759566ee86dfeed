import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CliError } from './exit-codes.ts';
import { discoverServer, requestToken } from './request-token.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A stub HTTP server; resolves with its base URL. */
async function stub(handler: Handler): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => handler(req, res, body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const json = (res: ServerResponse, status: number, value: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
};

describe('discoverServer', () => {
  it('reads the token endpoint and recognises an IDCS server', async () => {
    const url = await stub((_req, res) => json(res, 200, { token_endpoint: 'http://127.0.0.1:1/oauth2/v1/token', idcs_id_token: 'supported' }));
    const found = await discoverServer(url);
    expect(found.profile).toBe('idcs');
    // Advertised on another origin (e.g. loopback URLs of a server bound to 0.0.0.0): use the one that answered.
    expect(found.tokenUrl).toBe(`${url}/oauth2/v1/token`);
  });

  it('keeps a same-origin token endpoint as advertised; rfc9068 without IDCS members', async () => {
    let base = '';
    base = await stub((_req, res) => json(res, 200, { token_endpoint: `${base}/token` }));
    expect(await discoverServer(base)).toEqual({ tokenUrl: `${base}/token`, profile: 'rfc9068' });
  });

  it('says when the URL is not an understudy server', async () => {
    const url = await stub((_req, res) => res.writeHead(404).end('<html>nope</html>'));
    const error = await discoverServer(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({ code: 'REQUEST_FAILED', exitCode: 1, details: '<html>nope</html>' });
    expect((error as Error).message).toContain(`is ${url} an understudy server?`);
  });
});

describe('requestToken', () => {
  it('sends client_credentials with form-encoded Basic credentials (RFC 6749 §2.3.1)', async () => {
    let seen: { authorization?: string; body: string } | undefined;
    const url = await stub((req, res, body) => {
      seen = { authorization: req.headers.authorization, body };
      json(res, 200, { access_token: 'a.b.c', token_type: 'Bearer', expires_in: 3600 });
    });
    const result = await requestToken(`${url}/token`, { url, clientId: 'my app', secret: 'p+ss:word', scope: 'a b' });
    expect(result.accessToken).toBe('a.b.c');
    expect(Buffer.from((seen?.authorization ?? '').replace(/^Basic /, ''), 'base64').toString()).toBe('my+app:p%2Bss%3Aword');
    expect(Object.fromEntries(new URLSearchParams(seen?.body))).toEqual({ grant_type: 'client_credentials', scope: 'a b' });
  });

  it('turns an OAuth error into a CliError carrying the body', async () => {
    const url = await stub((_req, res) => json(res, 400, { error: 'invalid_scope', error_description: 'nope' }));
    await expect(requestToken(`${url}/token`, { url, clientId: 'c', secret: 's', scope: 'x' })).rejects.toMatchObject({
      code: 'REQUEST_FAILED',
      exitCode: 1,
      details: '{"error":"invalid_scope","error_description":"nope"}',
    });
  });

  it('a refused connection is NO_SERVER with the hint', async () => {
    const url = await stub(() => {});
    await new Promise((resolve) => servers.pop()?.close(resolve));
    await expect(requestToken(`${url}/token`, { url, clientId: 'c', secret: 's', scope: undefined })).rejects.toMatchObject({
      code: 'NO_SERVER',
      message: `no understudy server at ${url}; start one with \`understudy serve\``,
    });
  });
});
