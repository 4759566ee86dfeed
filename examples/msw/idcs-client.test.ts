// Testing an IDCS token client with msw: the code keeps its production URLs, no port is opened,
// and understudy answers for the identity domain and the Fusion HCM host.
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { setupServer } from 'msw/node';
import * as oidc from 'openid-client';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createIdcsHandlers } from '../../integrations/msw/index.ts';

const IDCS = 'https://idcs-1234.identity.oraclecloud.com';
const HCM = 'https://myhcm.fa.us2.oraclecloud.com';
const SCOPE = 'https://api.understudy.test:443urn:opc:resource:consumer::all';

const idcs = await createIdcsHandlers({ host: IDCS, apiHost: HCM });
const server = setupServer(...idcs.handlers);
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => {
  idcs.faults.clear();
  idcs.journal.clear();
});
afterAll(async () => {
  server.close();
  await idcs.close();
});

/** The code under test: a token with openid-client (IDCS's issuer is not its host, so discover by the well-known URL), then the API. */
async function listEmployees(): Promise<Response> {
  const config = await oidc.discovery(new URL(`${IDCS}/.well-known/openid-configuration`), 'demo-client', 'demo-secret');
  const tokens = await oidc.clientCredentialsGrant(config, { scope: SCOPE });
  return fetch(`${HCM}/hcmRestApi/resources/11.13.18.05/emps`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
}

it('gets a token from the IDCS host and calls the HCM API with it', async () => {
  const response = await listEmployees();
  expect(response.status).toBe(200);
  expect(idcs.journal.entries().map((e) => `${e.endpoint} ${e.status}`)).toEqual(['discovery 200', 'token 200', 'api 200']);
});

it('issues tokens that verify against the JWKS of the real host', async () => {
  const response = await fetch(`${IDCS}/oauth2/v1/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${btoa('demo-client:demo-secret')}` },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: SCOPE }),
  });
  const { access_token } = (await response.json()) as { access_token: string };
  const jwks = createRemoteJWKSet(new URL(`${IDCS}/admin/v1/SigningCert/jwk`));
  const { payload } = await jwtVerify(access_token, jwks, { issuer: 'https://identity.oraclecloud.com/' });
  expect(payload).toMatchObject({ client_id: 'demo-client', tenant: 'idcs-1234' });
});

it('fails the way production does when IDCS rate-limits the token request', async () => {
  idcs.faults.add({ preset: 'token.rate_limited', match: { times: 1 } });
  await expect(listEmployees()).rejects.toMatchObject({ status: 429, error: 'too_many_requests' });
  const token = idcs.journal.entries({ endpoint: ['token'] })[0];
  expect(token).toMatchObject({ status: 429, faults: [{ preset: 'token.rate_limited', effect: '429 with Retry-After: 30' }] });
});
