/**
 * oauth2-mock-server as shipped: any client, client_credentials, a JWT signed with a generated
 * key (env ALG=RS256|ES256). Prints "listening <url>" on stdout.
 */
import { OAuth2Server } from 'oauth2-mock-server';

const alg = process.env.ALG === 'ES256' ? 'ES256' : 'RS256';
const server = new OAuth2Server();
await server.issuer.keys.generate(alg);
await server.start(0, '127.0.0.1');
console.log(`listening ${server.issuer.url}`);
process.on('SIGTERM', () => void server.stop().then(() => process.exit(0)));
