export { signJwt } from './sign.ts';
export {
  verifyAccessToken,
  verifyClientAssertion, verifyUserAssertion,
  type VerifiedToken,
  type RejectedToken,
  type VerifyOptions,
  type AssertionOptions,
  type AssertionResult,
} from './verify.ts';
export type { VerificationContext } from './verification-context.ts';
export { readUnverified } from './decode.ts';
export { jwkThumbprint } from './thumbprint.ts';
