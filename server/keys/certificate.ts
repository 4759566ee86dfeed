import { webcrypto, KeyObject, X509Certificate } from 'node:crypto';

/** A fresh RSA key pair with a self-signed certificate, for IDCS-shaped JWKS entries (x5c). */
export interface GeneratedRsaKey {
  privateKey: KeyObject;
  certificatePem: string;
}

/**
 * Generates an RSA-2048 key and a self-signed certificate valid far into the past and future,
 * so that a virtual clock set anywhere sensible never finds it outside its validity.
 * The X.509 library is loaded on first use only: it is needed for key rotation, not start-up.
 */
export async function generateRsaKeyWithCertificate(commonName: string): Promise<GeneratedRsaKey> {
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Date.now().toString(16),
    name: `CN=${commonName.replace(/[,=+<>#;"\\]/g, ' ')}`,
    notBefore: new Date('2000-01-01T00:00:00Z'),
    notAfter: new Date('2100-01-01T00:00:00Z'),
    signingAlgorithm: algorithm,
    keys,
  });
  return { privateKey: KeyObject.from(keys.privateKey), certificatePem: certificate.toString('pem') };
}

/** x5c (base64 DER) and the SHA-1 / SHA-256 thumbprints (base64url) of a PEM certificate. */
export function certificateThumbprints(pem: string): { x5c: string; x5t: string; x5tS256: string } {
  const cert = new X509Certificate(pem);
  return {
    x5c: cert.raw.toString('base64'),
    x5t: Buffer.from(cert.fingerprint.replaceAll(':', ''), 'hex').toString('base64url'),
    x5tS256: Buffer.from(cert.fingerprint256.replaceAll(':', ''), 'hex').toString('base64url'),
  };
}
