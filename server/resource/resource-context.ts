import type { ResolvedConfig } from '../config/types.ts';
import type { VerificationContext } from '../tokens/verification-context.ts';

/** What the mock protected API reads: its routes and realm, and what validating a token needs. */
export interface ResourceContext extends VerificationContext {
  config: ResolvedConfig;
}
