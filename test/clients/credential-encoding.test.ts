/**
 * RFC 6749 §2.3.1: client_id and client_secret are form-encoded before they go into the Basic
 * header. Libraries that follow it must work with credentials full of reserved characters, with
 * Basic and with the form body alike.
 */
import { OAuth2Client } from '@badgateway/oauth2-client';
import * as client from 'openid-client';
import { ClientCredentials } from 'simple-oauth2';
import { afterEach, describe, expect, it } from 'vitest';
import type { UnderstudyServer } from '../../server/index.ts';
import { QUALIFIED_SCOPE, callApi, readJournal, startServer } from './support.ts';

const ID = 'app:one+two';
/** ASCII only: simple-oauth2 refuses secrets outside %x20-7E (RFC 6749 Appendix A VSCHAR). */
const SECRET = 'p+ss:w%rd &/=!*?';

let server: UnderstudyServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe.each(['idcs', 'rfc9068'] as const)('credentials with reserved characters: %s profile', (profile) => {
  it('work through every strictly-encoding library, in the Basic header and in the body', async () => {
    server = await startServer(profile, { clients: [{ id: ID, secret: SECRET, scopes: [QUALIFIED_SCOPE] }] });
    const s = server;
    const wellKnown = new URL(profile === 'idcs' ? '/.well-known/openid-configuration' : '/.well-known/oauth-authorization-server', s.url);
    const openid = (auth: client.ClientAuth) => client.discovery(wellKnown, ID, undefined, auth, { execute: [client.allowInsecureRequests] });
    const simple = (authorizationMethod: 'header' | 'body') =>
      new ClientCredentials({
        client: { id: ID, secret: SECRET },
        auth: { tokenHost: s.url, tokenPath: new URL(s.urls.tokenUrl).pathname },
        options: { authorizationMethod, credentialsEncodingMode: 'strict' },
      });
    const badgateway = (authenticationMethod: 'client_secret_basic' | 'client_secret_post') =>
      new OAuth2Client({ server: s.url, tokenEndpoint: s.urls.tokenUrl, clientId: ID, clientSecret: SECRET, authenticationMethod });

    const tokens: string[] = [
      (await client.clientCredentialsGrant(await openid(client.ClientSecretBasic(SECRET)), { scope: QUALIFIED_SCOPE })).access_token,
      (await client.clientCredentialsGrant(await openid(client.ClientSecretPost(SECRET)), { scope: QUALIFIED_SCOPE })).access_token,
      (await simple('header').getToken({ scope: QUALIFIED_SCOPE })).token.access_token as string,
      (await simple('body').getToken({ scope: QUALIFIED_SCOPE })).token.access_token as string,
      (await badgateway('client_secret_basic').clientCredentials({ scope: [QUALIFIED_SCOPE] })).accessToken,
      (await badgateway('client_secret_post').clientCredentials({ scope: [QUALIFIED_SCOPE] })).accessToken,
    ];
    for (const token of tokens) expect((await callApi(s, token)).status).toBe(200);

    const issued = await readJournal(s, { endpoint: 'token' });
    expect(issued).toHaveLength(6);
    expect(issued.every((e) => e.decision === 'issued' && e.clientId === ID)).toBe(true);
  });
});
