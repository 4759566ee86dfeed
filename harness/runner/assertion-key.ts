import { exportJWK, exportPKCS8, generateKeyPair } from 'jose';

/** The key a scenario's JWT-user-assertion client signs with: its public half is registered for the client. */
export interface AssertionKey {
  kid: string;
  /** PKCS #8 PEM, handed to the client as UNDERSTUDY_ASSERTION_KEY. */
  privateKeyPem: string;
  publicJwk: Record<string, unknown>;
}

/** The `kid` of the harness's assertion key, as registered and as handed to the client. */
const ASSERTION_KID = 'understudy-assertion';
let key: Promise<AssertionKey> | undefined;

/**
 * One RSA key per harness process (RS256, the algorithm every assertion library can sign with:
 * golang.org/x/oauth2/jwt and oauthlib's ServiceApplicationClient know no other). Generating it
 * costs some 50 ms, so it is made once, when a scenario first needs it.
 */
export function assertionKey(): Promise<AssertionKey> {
  key ??= (async () => {
    const pair = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
    const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: ASSERTION_KID, alg: 'RS256', use: 'sig' };
    return { kid: ASSERTION_KID, privateKeyPem: await exportPKCS8(pair.privateKey), publicJwk };
  })();
  return key;
}
