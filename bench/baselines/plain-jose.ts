/**
 * The practical limit: node:http with nothing else, checking the Basic credentials and signing
 * the same claims and header understudy signs (IDCS shape for RS256, RFC 9068 shape for ES256)
 * with jose, per request. Env ALG=RS256|ES256. Prints "listening <url>" on stdout.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, calculateJwkThumbprint } from 'jose';

const alg = process.env.ALG === 'ES256' ? 'ES256' : 'RS256';
const tenant = 'idcs-understudy';
const audience = 'https://api.understudy.test:443';
const scope = 'urn:opc:resource:consumer::all';
const expected = `Basic ${Buffer.from('demo-client:demo-secret').toString('base64')}`;
const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
const kid = await calculateJwkThumbprint(await exportJWK(publicKey));
// A stand-in certificate thumbprint of the real length (understudy's key ring has a real one).
const x5tS256 = createHash('sha256').update(kid).digest('base64url');
const x5t = createHash('sha1').update(kid).digest('base64url');

function claimsAndHeader(iat: number, jti: string, url: string): [Record<string, unknown>, Record<string, unknown>] {
  if (alg === 'RS256') {
    return [
      { 'x5t#S256': x5tS256, x5t, kid, alg },
      {
        sub: 'demo-client',
        'user.tenant.name': tenant,
        sub_mappingattr: 'userName',
        iss: 'https://identity.oraclecloud.com/',
        tok_type: 'AT',
        client_id: 'demo-client',
        aud: [audience],
        sub_type: 'client',
        scope,
        client_tenantname: tenant,
        exp: iat + 3600,
        iat,
        client_guid: createHash('sha256').update('demo-client').digest('hex').slice(0, 32),
        client_name: 'Demo Client',
        tenant,
        jti,
        gtp: 'CC',
        tenant_iss: `https://${tenant}.identity.oraclecloud.com:443`,
      },
    ];
  }
  return [
    { typ: 'at+jwt', alg, kid },
    { iss: url, sub: 'demo-client', aud: audience, exp: iat + 3600, iat, jti, client_id: 'demo-client', scope },
  ];
}

let baseUrl = '';
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    void (async () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString());
      if (req.method !== 'POST' || req.headers.authorization !== expected || form.get('grant_type') !== 'client_credentials') {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_client"}');
        return;
      }
      const iat = Math.floor(Date.now() / 1000);
      const [header, claims] = claimsAndHeader(iat, randomBytes(16).toString('hex'), baseUrl);
      const token = await new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(privateKey);
      res
        .writeHead(200, { 'content-type': 'application/json;charset=UTF-8', 'cache-control': 'no-store', pragma: 'no-cache' })
        .end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 3600 }));
    })().catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });
});
server.listen(0, '127.0.0.1', () => {
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  console.log(`listening ${baseUrl}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
