import { hash } from 'node:crypto';
import type { PkceMethod } from '../config/types.ts';

/** RFC 7636 §4.1: 43 to 128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~". */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/** Is this a well-formed code_challenge or code_verifier (the same alphabet and length, §4.1 and §4.2)? */
export function isPkceValue(value: string): boolean {
  return VERIFIER.test(value);
}

/** RFC 7636 §4.6: does the verifier prove the challenge? */
export function verifierMatches(verifier: string, challenge: string, method: PkceMethod): boolean {
  if (!VERIFIER.test(verifier)) return false;
  const derived = method === 'S256' ? hash('sha256', verifier, 'base64url') : verifier;
  return derived === challenge;
}
