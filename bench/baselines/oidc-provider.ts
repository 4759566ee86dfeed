/**
 * oidc-provider alone, configured for the client-credentials grant with JWT access tokens
 * (resource indicators, accessTokenFormat 'jwt'), one client with client_secret_basic.
 * Env ALG=RS256|ES256. Prints "listening <url>" on stdout.
 */
import { exportJWK, generateKeyPair } from 'jose';
import type { Server } from 'node:http';

// oidc-provider publishes no type declarations; this is the little of its API the baseline uses.
const { default: Provider } = (await import('oidc-provider' as string)) as {
  default: new (issuer: string, configuration: object) => { listen(port: number, host: string, callback: () => void): Server };
};
const alg = process.env.ALG === 'ES256' ? 'ES256' : 'RS256';
const audience = 'https://api.understudy.test:443';
const scope = 'urn:opc:resource:consumer::all';
const { privateKey } = await generateKeyPair(alg, { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), kid: `bench-${alg}`, use: 'sig', alg };

const provider = new Provider('http://127.0.0.1', {
  clients: [
    {
      client_id: 'demo-client',
      client_secret: 'demo-secret',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: alg,
    },
  ],
  jwks: { keys: [jwk] },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => audience,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({ scope, audience, accessTokenTTL: 3600, accessTokenFormat: 'jwt', jwt: { sign: { alg } } }),
    },
  },
  scopes: [scope],
});
const server = provider.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  console.log(`listening http://127.0.0.1:${port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
