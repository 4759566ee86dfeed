/**
 * axios-oauth-client: the small grant helpers for axios users. `clientCredentials(axios, url,
 * id, secret)` posts client_id and client_secret in the form body (client_secret_post) and returns
 * the token response body.
 */
import axios, { AxiosError } from 'axios';
import { clientCredentials } from 'axios-oauth-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { UnderstudyServer } from '../../server/index.ts';
import { API_PATH, CLIENT_ID, CLIENT_SECRET, PAST_EXPIRY, QUALIFIED_SCOPE, bearerChallengeParams, readJournal, startServer } from './support.ts';

let server: UnderstudyServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
}

describe.each(['idcs', 'rfc9068'] as const)('axios-oauth-client: %s profile', (profile) => {
  it('gets a token that axios can call the API with until it expires', async () => {
    server = await startServer(profile);
    const http = axios.create();
    const getClientCredentials = clientCredentials(http, server.urls.tokenUrl, CLIENT_ID, CLIENT_SECRET);
    const auth = (await getClientCredentials(QUALIFIED_SCOPE)) as TokenResponse;
    expect(auth.token_type).toBe('Bearer');
    expect(auth.expires_in).toBe(3600);

    const api = axios.create({ baseURL: server.url, headers: { Authorization: `Bearer ${auth.access_token}` } });
    const ok = await api.get<{ count: number }>(API_PATH);
    expect(ok.status).toBe(200);
    expect(ok.data.count).toBe(2);

    server.clock.advance(PAST_EXPIRY);
    const failure = await api.get(API_PATH).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(AxiosError);
    const response = (failure as AxiosError<{ error: string }>).response;
    expect(response?.status).toBe(401);
    expect(response?.data.error).toBe('invalid_token');
    expect(bearerChallengeParams(response?.headers['www-authenticate'] as string).error).toBe('invalid_token');

    const [entry] = await readJournal(server, { endpoint: 'token' });
    expect(entry?.decision).toBe('issued');
    expect(entry?.params).toEqual(expect.arrayContaining(['client_id', 'client_secret', 'grant_type', 'scope']));
  });

  it('rejects with the OAuth error body for a wrong secret', async () => {
    server = await startServer(profile);
    const getClientCredentials = clientCredentials(axios.create(), server.urls.tokenUrl, CLIENT_ID, 'wrong-secret');
    const failure = await Promise.resolve(getClientCredentials(QUALIFIED_SCOPE)).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(AxiosError);
    const response = (failure as AxiosError<Record<string, unknown>>).response;
    expect(response?.status).toBe(401);
    expect(response?.data.error).toBe('invalid_client');
    // client_secret_post: no Basic challenge is due (RFC 6749 §5.2 asks for one only after Basic).
    expect(response?.headers['www-authenticate']).toBeUndefined();
  });
});
