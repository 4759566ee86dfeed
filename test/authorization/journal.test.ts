import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type UnderstudyServer } from '../support/start-server.ts';
import { basic, decodeJwt, DEMO, FORM, IDCS_PATHS, postForm, readJournal, requestToken, send } from './helpers.ts';

const WRONG_SECRET = 'wrong-secret-5f1c0e';
const POST_SECRET = 'posted-wrong-secret-9a7d';
// Room for a form carrying an access token (about 1.3 KB).
const MAX_BODY = 4096;

describe('journal of the authorization server', () => {
  let server: UnderstudyServer;
  let token: string;

  beforeAll(async () => {
    server = await startServer({ config: { server: { maxBodyBytes: MAX_BODY } } });
  });
  afterAll(() => server.close());

  it('records an issued token: endpoint token, clientId, grantType, decision issued, issued.jti = the token jti', async () => {
    const reply = await requestToken(server, { scope: DEMO.scope });
    expect(reply.status).toBe(200);
    token = reply.json.access_token as string;
    const { payload } = decodeJwt(token);

    const { entries } = await readJournal(server, '?endpoint=token');
    expect(entries).toHaveLength(1);
    const [entry] = entries;
    expect(entry).toMatchObject({
      endpoint: 'token',
      method: 'POST',
      path: IDCS_PATHS.token,
      status: 200,
      clientId: DEMO.clientId,
      grantType: 'client_credentials',
      scope: DEMO.scope,
      grantedScope: DEMO.scope,
      decision: 'issued',
      params: ['grant_type', 'scope'],
      issued: { jti: payload.jti, clientId: DEMO.clientId, iat: payload.iat, exp: payload.exp, kid: 'SIGNING_KEY' },
    });
    expect(entry).not.toHaveProperty('error');
    expect(typeof entry?.reason).toBe('string');
  });

  it('records a wrong Basic secret under the claimed client id: rejected, invalid_client', async () => {
    expect((await requestToken(server, { secret: WRONG_SECRET })).status).toBe(401);
    const last = (await readJournal(server, '?endpoint=token')).entries.at(-1);
    expect(last).toMatchObject({ endpoint: 'token', status: 401, clientId: DEMO.clientId, grantType: 'client_credentials', decision: 'rejected', error: 'invalid_client' });
    expect(last).not.toHaveProperty('issued');
  });

  it('records a wrong client_secret_post secret under the client id', async () => {
    const reply = await postForm(server.urls.tokenUrl, { grant_type: 'client_credentials', client_id: DEMO.clientId, client_secret: POST_SECRET });
    expect(reply.status).toBe(401);
    const last = (await readJournal(server, '?endpoint=token')).entries.at(-1);
    expect(last).toMatchObject({ clientId: DEMO.clientId, decision: 'rejected', error: 'invalid_client', params: ['grant_type', 'client_id', 'client_secret'] });
  });

  it('records an unknown client under the id it claimed', async () => {
    expect((await requestToken(server, { clientId: 'no-such-client', secret: WRONG_SECRET })).status).toBe(401);
    const last = (await readJournal(server, '?endpoint=token')).entries.at(-1);
    expect(last).toMatchObject({ clientId: 'no-such-client', decision: 'rejected', error: 'invalid_client' });
  });

  it('records the error code of other refusals', async () => {
    expect((await postForm(server.urls.tokenUrl, { grant_type: 'implicit' }, { authorization: basic(DEMO.clientId, DEMO.secret) })).status).toBe(400);
    expect((await requestToken(server, { scope: 'urn:opc:resource:nope' })).status).toBe(400);
    expect((await send(server.urls.tokenUrl)).status).toBe(405);
    const tail = (await readJournal(server, '?endpoint=token')).entries.slice(-3);
    expect(tail).toMatchObject([
      { grantType: 'implicit', decision: 'rejected', error: 'unsupported_grant_type', status: 400 },
      { clientId: DEMO.clientId, scope: 'urn:opc:resource:nope', decision: 'rejected', error: 'invalid_scope', status: 400 },
      { method: 'GET', decision: 'rejected', error: 'invalid_request', status: 405 },
    ]);
  });

  it('has exactly one entry per token request', async () => {
    const { entries } = await readJournal(server, '?endpoint=token');
    expect(entries).toHaveLength(7);
    expect(entries.filter((e) => e.decision === 'issued')).toHaveLength(1);
    const seqs = entries.map((e) => e.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('records introspection and revocation with the presented jti only', async () => {
    const { jti } = decodeJwt(token).payload;
    const auth = { authorization: basic(DEMO.clientId, DEMO.secret) };
    expect((await postForm(server.urls.introspectUrl, { token }, auth)).status).toBe(200);
    expect((await postForm(server.urls.revokeUrl, { token }, auth)).status).toBe(200);
    const introspect = (await readJournal(server, '?endpoint=introspect')).entries.at(-1);
    const revoke = (await readJournal(server, '?endpoint=revoke')).entries.at(-1);
    expect(introspect).toMatchObject({ endpoint: 'introspect', clientId: DEMO.clientId, decision: 'served', presented: { jti } });
    expect(revoke).toMatchObject({ endpoint: 'revoke', clientId: DEMO.clientId, decision: 'served', presented: { jti } });
  });

  it('never contains a secret, the Basic credentials or the full access token', async () => {
    const { entries, raw } = await readJournal(server);
    const text = JSON.stringify(entries);
    for (const value of [
      DEMO.secret,
      WRONG_SECRET,
      POST_SECRET,
      token,
      token.split('.')[2] as string,
      Buffer.from(`${DEMO.clientId}:${DEMO.secret}`).toString('base64'),
      Buffer.from(`${DEMO.clientId}:${WRONG_SECRET}`).toString('base64'),
    ]) {
      expect(text).not.toContain(value);
      expect(raw).not.toContain(value);
    }
  });

  it('records a request refused for its Content-Length', async () => {
    const reply = await postForm(server.urls.tokenUrl, `grant_type=client_credentials&scope=${'x'.repeat(MAX_BODY * 2)}`, { authorization: basic(DEMO.clientId, DEMO.secret) });
    expect(reply.status).toBe(413);
    expect((await readJournal(server, '?endpoint=token')).entries.at(-1)).toMatchObject({ status: 413, decision: 'rejected', error: 'invalid_request' });
  });

  it('records a chunked request refused for its size', async () => {
    const before = (await readJournal(server, '?endpoint=token')).entries.length;
    const bytes = new TextEncoder().encode(`grant_type=client_credentials&scope=${'x'.repeat(MAX_BODY * 2)}`);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes);
        controller.close();
      },
    });
    await send(server.urls.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': FORM, authorization: basic(DEMO.clientId, DEMO.secret) },
      body,
      duplex: 'half',
    } as RequestInit);
    const { entries } = await readJournal(server, '?endpoint=token');
    expect(entries).toHaveLength(before + 1);
    expect(entries.at(-1)).toMatchObject({ status: 413, decision: 'rejected' });
  });
});
