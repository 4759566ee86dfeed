import { decodeJwt, type JWTPayload } from 'jose';

/**
 * Claims of a compact JWT read without verifying it (jose's decodeJwt), for the journal and for
 * fault matching: never trusted. Undefined when the token is not a three-part compact JWS whose
 * payload is a JSON object.
 */
export function readUnverified(token: string): (JWTPayload & Record<string, unknown>) | undefined {
  try {
    return decodeJwt(token) as JWTPayload & Record<string, unknown>;
  } catch {
    return undefined;
  }
}

