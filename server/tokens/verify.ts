import { errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type ProtectedHeaderParameters } from 'jose';
import type { VerificationContext } from './verification-context.ts';
import { readUnverified } from './decode.ts';

export interface VerifiedToken {
  ok: true;
  claims: JWTPayload & Record<string, unknown>;
  header: ProtectedHeaderParameters;
}

export interface RejectedToken {
  ok: false;
  /** error_description for the caller: says what is wrong with the token. */
  description: string;
  /** Claims read without verification, for the journal (never trusted). */
  unverified?: Record<string, unknown>;
}

export interface VerifyOptions {
  /** Seconds the verifier's clock runs ahead of the server clock (clock-skew faults). */
  skew?: number;
  /** Audience the token must carry; default: any configured resource audience. */
  audience?: string | string[];
}

/**
 * Validates an access token as a careful resource server does (RFC 9068 §4, RFC 8725):
 * signature with the server's own current keys, pinned algorithm, iss, aud, exp/nbf against the
 * virtual clock with the configured leeway, required claims, and revocation.
 */
export async function verifyAccessToken(token: string, server: VerificationContext, options: VerifyOptions = {}): Promise<VerifiedToken | RejectedToken> {
  const { keys, config, clock, urls } = server;
  const now = clock.nowSeconds() + (options.skew ?? 0);
  const audience = options.audience ?? config.resources.map((r) => r.audience);
  try {
    const { payload, protectedHeader } = await jwtVerify(
      token,
      (header) => {
        const key = keys.find(header.kid);
        if (!key) throw new joseErrors.JWKSNoMatchingKey();
        return key.publicKey;
      },
      {
        algorithms: [keys.algorithm],
        issuer: urls.issuer,
        audience,
        currentDate: new Date(now * 1000),
        clockTolerance: config.leeway,
        requiredClaims: ['exp', 'iat', 'jti', 'client_id', 'sub'],
        ...(config.profile === 'rfc9068' ? { typ: 'at+jwt' } : {}),
      },
    );
    const claims = payload as VerifiedToken['claims'];
    // iat is informational (RFC 7519 §4.1.6): like jose's and Spring's validators, only nbf and
    // exp decide validity, so an API whose clock runs behind the issuer's still accepts a fresh token.
    const revoked = server.revocations.check(claims);
    if (revoked) {
      return { ok: false, description: revoked === 'expired' ? 'The access token expired.' : 'The access token has been revoked.', unverified: claims };
    }
    return { ok: true, claims, header: protectedHeader };
  } catch (error) {
    return { ok: false, description: describe(error, now), unverified: readUnverified(token) };
  }
}

function describe(error: unknown, now: number): string {
  if (error instanceof joseErrors.JWTExpired) {
    const exp = (error.payload as { exp?: number }).exp;
    return exp === undefined ? 'The access token expired.' : `The access token expired ${now - exp}s ago.`;
  }
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return 'The access token is not yet valid.';
    if (error.claim === 'iss') return 'The access token was issued by another issuer.';
    if (error.claim === 'aud') return 'The access token is not intended for this resource (aud).';
    if (error.reason === 'missing') return `The access token lacks the required claim ${error.claim}.`;
    return `The access token claim ${error.claim} is invalid.`;
  }
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'The access token is signed by an unknown key.';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'The access token uses a signing algorithm that is not accepted.';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'The access token signature is invalid.';
  if (error instanceof joseErrors.JOSEError) return 'The access token is malformed.';
  return 'The access token could not be validated.';
}

/** RFC 7523 / RFC 8725: asymmetric algorithms only; never `none`, never HMAC with a public key. */
const ASSERTION_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export interface AssertionOptions {
  /** The client id: iss and sub must both be it (RFC 7523 §3). */
  clientId: string;
  /** Values the assertion's `aud` may hold (the token endpoint URL or the issuer). */
  audience: string[];
  /** The server's virtual time in epoch seconds, skew included, that exp/nbf are judged against. */
  now: number;
}

export type AssertionResult = { ok: true; claims: JWTPayload } | { ok: false; /** What is wrong, for the journal's reason. */ problem: string };

/** Verifies a private_key_jwt client assertion (RFC 7523 §3) with the client's registered keys. */
export function verifyClientAssertion(assertion: string, keys: JWTVerifyGetKey, options: AssertionOptions): Promise<AssertionResult> {
  return verifyAssertion(assertion, keys, options, { subject: options.clientId, requiredClaims: ['exp'] });
}

/**
 * Verifies a JWT user assertion (RFC 7523 §2.1, §3) with the client's registered keys: iss is the
 * client, sub is whoever the client speaks for (the caller checks it names a user), exp and iat
 * are required as IDCS documents them for user assertions, nbf is honoured when present.
 */
export function verifyUserAssertion(assertion: string, keys: JWTVerifyGetKey, options: AssertionOptions): Promise<AssertionResult> {
  return verifyAssertion(assertion, keys, options, { requiredClaims: ['exp', 'iat', 'sub'] });
}

async function verifyAssertion(
  assertion: string,
  keys: JWTVerifyGetKey,
  options: AssertionOptions,
  checks: { subject?: string; requiredClaims: string[] },
): Promise<AssertionResult> {
  try {
    const { payload } = await jwtVerify(assertion, keys, {
      algorithms: ASSERTION_ALGORITHMS,
      issuer: options.clientId,
      subject: checks.subject,
      audience: options.audience,
      requiredClaims: checks.requiredClaims,
      currentDate: new Date(options.now * 1000),
    });
    return { ok: true, claims: payload };
  } catch (error) {
    return { ok: false, problem: assertionProblem(error) };
  }
}

function assertionProblem(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'it has expired (exp is in the past of the server clock)';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `claim ${error.claim} is invalid (${error.reason})`;
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'the signature does not verify with the registered keys';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'its algorithm is not allowed (asymmetric algorithms only)';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'no registered key matches its kid/alg';
  return error instanceof Error ? error.message : String(error);
}
