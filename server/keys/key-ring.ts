import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { ProfileName, ResolvedKey, SigningAlgorithm } from '../config/types.ts';
import { certificateThumbprints, generateRsaKeyWithCertificate } from './certificate.ts';
import { DEFAULT_SIGNING_CERT_PEM, DEFAULT_SIGNING_KEY_PEM } from './default-signing-key.ts';
import { Listeners } from '../base/listeners.ts';

/** The JWK members understudy reads or writes. */
export interface Jwk {
  kty?: string;
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
  [member: string]: unknown;
}

/** A public JWK as served by the JWKS endpoint. */
export type PublicJwk = Jwk & { kid: string; alg: SigningAlgorithm; use: 'sig'; x5c?: string[]; x5t?: string; 'x5t#S256'?: string };

export interface SigningKey {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: PublicJwk;
  /** Certificate thumbprints, when the key has a certificate (IDCS puts them in the JWT header). */
  x5t?: string;
  x5tS256?: string;
  /** Virtual time (epoch seconds) it stopped signing, for rotated-out keys. */
  retiredAt?: number;
  /** Virtual time it stops verifying (the end of a rotation's grace period). */
  removeAt?: number;
}

export interface RotateOptions {
  /** Seconds the old key keeps verifying; 0 = its tokens stop verifying at once. Default: until removed. */
  grace?: number;
}

/** IDCS names its signing key this in every token header and JWKS entry. */
export const IDCS_KID = 'SIGNING_KEY';

/**
 * The server's signing keys: the first one signs, all of them verify (the mock API and the
 * JWKS read the same ring), so a rotation keeps old tokens valid until their key is removed.
 */
export class KeyRing {
  readonly algorithm: SigningAlgorithm;
  readonly profile: ProfileName;
  #keys: SigningKey[];
  #generated: number;
  #now: () => number;
  #changeListeners = new Listeners();

  private constructor(profile: ProfileName, algorithm: SigningAlgorithm, keys: SigningKey[], now: () => number) {
    this.profile = profile;
    this.algorithm = algorithm;
    this.#keys = keys;
    this.#generated = keys.length;
    this.#now = now;
  }

  /**
   * @param now virtual time in epoch seconds; keys whose grace period ended (removeAt) stop verifying.
   */
  static create(profile: ProfileName, algorithm: SigningAlgorithm, configured: ResolvedKey[], now: () => number = () => Date.now() / 1000): KeyRing {
    const keys = configured.map((key, index) => {
      let privateKey: KeyObject;
      try {
        privateKey = createPrivateKey(key.privateKeyPem);
      } catch (error) {
        throw new Error(`keys[${index}].privateKeyPem is not a PEM private key (PKCS#8 "-----BEGIN PRIVATE KEY-----" or PKCS#1): ${(error as Error).message}`, { cause: error });
      }
      try {
        return createSigningKey(key.kid ?? defaultKid(profile, index), algorithm, privateKey, key.certificatePem);
      } catch (error) {
        throw new Error(`keys[${index}]: ${(error as Error).message}`, { cause: error });
      }
    });
    if (keys.length === 0) {
      keys.push(
        algorithm === 'RS256'
          ? createSigningKey(defaultKid(profile, 0), 'RS256', createPrivateKey(DEFAULT_SIGNING_KEY_PEM), DEFAULT_SIGNING_CERT_PEM)
          : createSigningKey(defaultKid(profile, 0), 'ES256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey),
      );
    }
    return new KeyRing(profile, algorithm, keys, now);
  }

  /** The key that signs new tokens. */
  get current(): SigningKey {
    return this.#keys[0] as SigningKey;
  }

  /**
   * Every key that still verifies, newest first. A key whose grace period has ended leaves the
   * ring here, when first noticed, and that is announced like a removal (`onChange`).
   */
  all(): readonly SigningKey[] {
    if (this.#dropEnded()) this.#changed();
    return this.#keys;
  }

  /** Virtual time (epoch seconds) the next grace period ends, when a retired key has one. */
  nextRemoval(): number | undefined {
    let next: number | undefined;
    for (const key of this.#keys.slice(1)) {
      if (key.removeAt !== undefined && (next === undefined || key.removeAt < next)) next = key.removeAt;
    }
    return next;
  }

  find(kid: string | undefined): SigningKey | undefined {
    return this.all().find((key) => key.kid === kid);
  }

  /** `{"keys": [...]}` with the public part of every verifying key, newest first. */
  jwks(): { keys: PublicJwk[] } {
    return { keys: this.all().map((key) => key.publicJwk) };
  }

  /**
   * Makes a new key the signing key. The old one keeps verifying until `remove()`d, or until
   * its grace period ends.
   */
  async rotate(options: RotateOptions = {}): Promise<SigningKey> {
    const now = this.#now();
    const kid = defaultKid(this.profile, this.#generated);
    this.#generated += 1;
    let key: SigningKey;
    if (this.algorithm === 'RS256') {
      const { privateKey, certificatePem } = await generateRsaKeyWithCertificate(`understudy ${kid}`);
      key = createSigningKey(kid, 'RS256', privateKey, certificatePem);
    } else {
      key = createSigningKey(kid, 'ES256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    }
    const previous = this.current;
    previous.retiredAt = now;
    if (options.grace !== undefined) previous.removeAt = now + options.grace;
    this.#keys = [key, ...this.#keys];
    // One announcement for the rotation and any grace period it ended (grace 0 included).
    this.#dropEnded();
    this.#changed();
    return key;
  }

  /**
   * Calls the listener after every rotation or removal, the end of a grace period included
   * (announced when the ring notices it: see `all()` and `watchGraceEnds`). Returns an
   * unsubscribe function.
   */
  onChange(listener: () => void): () => void {
    return this.#changeListeners.add(listener);
  }

  #changed(): void {
    this.#changeListeners.notify();
  }

  /** True when it dropped a key. The signing key stays whatever its removeAt. */
  #dropEnded(): boolean {
    const now = this.#now();
    const ended = (key: SigningKey, index: number) => index > 0 && key.removeAt !== undefined && key.removeAt <= now;
    // Every verification reads the ring: copy it only when something ended.
    if (!this.#keys.some(ended)) return false;
    this.#keys = this.#keys.filter((key, index) => !ended(key, index));
    return true;
  }

  /** Stops a retired key from verifying. The signing key cannot be removed. */
  remove(kid: string): boolean {
    if (kid === this.current.kid) return false;
    const before = this.#keys.length;
    this.#keys = this.#keys.filter((key) => key.kid !== kid);
    if (this.#keys.length === before) return false;
    this.#changed();
    return true;
  }
}

function defaultKid(profile: ProfileName, index: number): string {
  if (profile === 'idcs') return index === 0 ? IDCS_KID : `${IDCS_KID}_${index + 1}`;
  return `understudy-${index + 1}`;
}

/** A signing key from a private key (and optional certificate for x5c / x5t). */
export function createSigningKey(kid: string, alg: SigningAlgorithm, privateKey: KeyObject, certificatePem?: string): SigningKey {
  const expectedType = alg === 'RS256' ? 'rsa' : 'ec';
  if (privateKey.asymmetricKeyType !== expectedType) {
    throw new Error(`signing key ${kid} is ${privateKey.asymmetricKeyType ?? 'not asymmetric'}, but ${alg} needs an ${expectedType.toUpperCase()} key`);
  }
  const publicKey = createPublicKey(privateKey);
  const jwk = publicKey.export({ format: 'jwk' }) as Jwk;
  const publicJwk: PublicJwk = { ...jwk, kid, alg, use: 'sig' };
  let thumbprints: ReturnType<typeof certificateThumbprints> | undefined;
  if (certificatePem) {
    thumbprints = certificateThumbprints(certificatePem);
    publicJwk.x5c = [thumbprints.x5c];
    publicJwk.x5t = thumbprints.x5t;
    publicJwk['x5t#S256'] = thumbprints.x5tS256;
  }
  return { kid, alg, privateKey, publicKey, publicJwk, x5t: thumbprints?.x5t, x5tS256: thumbprints?.x5tS256 };
}
