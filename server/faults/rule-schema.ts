import { z } from 'zod';
import { parseDateTime, RELATIVE_TIME, RFC3339_DATE_TIME } from '../base/time.ts';
import { ENDPOINTS, type Endpoint } from '../journal/types.ts';

/**
 * A fault rule = which requests + when + what happens. One schema for the config file, the
 * control API and scenario timelines. Users write either a preset name (with optional params
 * and match) or a full rule with an action.
 */

const endpointName = z.enum(ENDPOINTS as [Endpoint, ...Endpoint[]]);
const oneOrMany = <T extends z.ZodType>(schema: T) => z.union([schema, z.array(schema).min(1)]);
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name such as X-Tenant-Id');

/**
 * Virtual time: epoch seconds, an RFC 3339 (ISO 8601) date-time, or "+N" seconds after the rule
 * was added; read by ../base/time.ts, the server's one time parser.
 */
export const timeSpec = z.union([
  z.number().finite(),
  z.string().regex(RELATIVE_TIME, 'a relative time looks like "+30" or "+30s"'),
  z
    .string()
    .regex(RFC3339_DATE_TIME, 'must be epoch seconds, an ISO 8601 date-time, or "+N" seconds')
    .refine((text) => parseDateTime(text) !== undefined, 'must be epoch seconds, an ISO 8601 date-time, or "+N" seconds')
    .meta({ format: 'date-time' }),
]);

export const matchSchema = z
  .object({
    endpoint: oneOrMany(endpointName).describe(`Which face: ${ENDPOINTS.join(', ')}.`).optional(),
    client: oneOrMany(z.string().min(1)).describe('Client id(s): from authentication on the token endpoint, from the presented token on the API.').optional(),
    grantType: oneOrMany(z.string().min(1)).describe('grant_type of a token request.').optional(),
    scope: z
      .string()
      .min(1)
      .describe('Scope value(s) the token request must ask for, each compared whole; an IDCS fully-qualified value and its bare form are the same scope.')
      .optional(),
    route: oneOrMany(z.string().min(1)).describe('API route name(s).').optional(),
    path: z.string().min(1).describe('Path glob: * matches within a segment, ** across segments.').optional(),
    method: oneOrMany(z.string().regex(/^[A-Za-z]+$/)).describe('HTTP method(s).').optional(),
    nth: z.number().int().positive().describe('Only the nth request that matches everything else (1 = the first).').optional(),
    from: z.number().int().positive().describe('From the nth matching request on.').optional(),
    times: z.number().int().positive().describe('At most this many times.').optional(),
    after: timeSpec.describe('Only at or after this virtual time.').optional(),
    until: timeSpec.describe('Only before this virtual time.').optional(),
    probability: z.number().min(0).max(1).describe('Apply with this probability (seeded: deterministic run after run).').optional(),
    seed: z.number().int().describe('Seed of the probability and of jitter. Default: 1.').optional(),
  })
  .strict();

const statusCode = z.number().int().min(100).max(599);

/** Steps of the browser flow where an authorization_error can end it (the authorization server's AuthorizationStep). */
export const AUTHORIZATION_STEPS = ['login', 'consent', 'code'] as const;
/** Errors an authorization endpoint sends back to the redirect URI (RFC 6749 §4.1.2.1, OpenID Connect Core §3.1.2.6). */
export const AUTHORIZATION_ERRORS = [
  'access_denied',
  'login_required',
  'consent_required',
  'interaction_required',
  'temporarily_unavailable',
  'server_error',
  'invalid_request',
  'invalid_scope',
  'unauthorized_client',
  'unsupported_response_type',
] as const;

const headersSchema = z.record(z.string(), z.string());

/** What a rule does to the requests it matches. */
export const actionSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('oauth_error'),
      error: z.string().min(1).describe('OAuth error code, e.g. invalid_client, invalid_scope, temporarily_unavailable.'),
      description: z.string().optional(),
      status: statusCode.optional(),
      headers: headersSchema.optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('respond'),
      status: statusCode,
      headers: headersSchema.optional(),
      body: z.unknown().optional().describe('JSON value, or a string sent as is.'),
      contentType: z.string().optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('rate_limit'),
      retryAfter: z.number().int().min(0).describe('Seconds the client must wait.'),
      format: z.enum(['seconds', 'http-date', 'none']).describe('Retry-After as delay-seconds, as an HTTP-date (RFC 9110 §10.2.3), or none (no header).').optional(),
      limit: z.number().int().positive().describe('Police a budget: N requests per window per client, then 429.').optional(),
      window: z.number().int().positive().describe('Window of the budget, seconds. Default: 60.').optional(),
    })
    .strict(),
  z.object({ type: z.literal('delay'), ms: z.number().min(0).max(600_000), jitterMs: z.number().min(0).max(600_000).optional() }).strict(),
  z.object({ type: z.literal('hang') }).strict(),
  z.object({ type: z.literal('reset') }).strict(),
  z.object({ type: z.literal('empty_reply') }).strict(),
  z.object({ type: z.literal('truncate'), fraction: z.number().gt(0).lt(1).optional() }).strict(),
  z
    .object({
      type: z.literal('token_response'),
      expiresIn: z
        .union([z.literal('missing'), z.literal('string'), z.number().int()])
        .describe('"missing", "string" (the number as a JSON string), or the number to send.')
        .optional(),
      expiresInDelta: z.number().int().describe('Send expires_in off by this many seconds from the real exp.').optional(),
      tokenType: z.string().optional(),
      scope: z.string().describe('scope member to send (e.g. narrower than granted).').optional(),
      reissue: z.boolean().describe('Answer with the same cached token while it lives, expires_in shrinking.').optional(),
      errorField: z.string().describe('Add a non-standard "error" member to a 200.').optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('token_mutation'),
      expired: z.boolean().describe('Issue a token that is already expired.').optional(),
      notBefore: z.number().int().positive().describe('nbf this many seconds in the future.').optional(),
      unknownKey: z.boolean().describe('Sign with a key the JWKS does not publish.').optional(),
      audience: z.string().describe('Put this aud instead.').optional(),
      issuer: z.string().describe('Put this iss instead.').optional(),
      dropScopes: z.number().int().positive().describe('Grant this many fewer scopes than asked (scope claim).').optional(),
      announceScope: z.boolean().describe('Say the granted scope in the response (RFC 6749 §5.1 requires it when it differs).').optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('require'),
      header: headerName.optional(),
      param: z.string().min(1).optional(),
      value: z.string().describe('The value it must have. Default: any.').optional(),
      error: z.string().describe('Error code when missing. Default: invalid_request.').optional(),
      status: statusCode.optional(),
      description: z.string().optional(),
    })
    .strict()
    .refine((a) => a.header !== undefined || a.param !== undefined, 'give "header" or "param"'),
  z
    .object({
      type: z.literal('firewall'),
      allow: z.array(z.string().min(1)).describe('Addresses let through (exact, or a prefix ending in "." / ":"). Default: none.').optional(),
      addressHeader: headerName.describe('Read the client address from this header (e.g. X-Forwarded-For) instead of the socket.').optional(),
    })
    .strict(),
  z.object({ type: z.literal('not_found') }).strict(),
  z
    .object({
      type: z.literal('invalid_token'),
      reason: z.enum(['revoked', 'expired']).describe('revoked (default) also revokes the token for good; expired says it expired.').optional(),
    })
    .strict(),
  z.object({ type: z.literal('clock_skew'), seconds: z.number().int() }).strict(),
  z.object({ type: z.literal('insufficient_scope'), scope: z.string().optional() }).strict(),
  z
    .object({
      type: z.literal('authorization_error'),
      error: z
        .enum(AUTHORIZATION_ERRORS)
        .describe('The error the client hears at its redirect URI (RFC 6749 §4.1.2.1, OpenID Connect Core §3.1.2.6), with the state it sent.'),
      description: z.string().describe('error_description. Default: "<error> (injected)".').optional(),
      step: oneOrMany(z.enum(AUTHORIZATION_STEPS))
        .describe('Before which step of the browser flow: the login page, the consent page, or the code (default); a list = the first of them the request reaches.')
        .optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('id_token_mutation'),
      nonce: z.string().describe('Put this nonce instead of the one the authorization request sent.').optional(),
      dropNonce: z.boolean().describe('Leave the nonce claim out.').optional(),
      audience: z.string().describe('Put this aud instead of the client id.').optional(),
      issuer: z.string().describe('Put this iss instead.').optional(),
      expired: z.boolean().describe('Issue an ID token that is already expired (exp in the past).').optional(),
      badSignature: z.boolean().describe('Send it with a signature that does not verify.').optional(),
    })
    .strict()
    .refine((a) => !(a.dropNonce && a.nonce !== undefined), 'give "nonce" or "dropNonce", not both'),
]);

/** The endpoints each action can act on, for the actions that act on only some of them. */
export const ACTION_ENDPOINTS: Partial<Record<FaultAction['type'], readonly Endpoint[]>> = {
  authorization_error: ['authorize', 'login', 'consent'],
  id_token_mutation: ['token'],
};

export const ruleSchema = z
  .object({
    id: z.string().min(1).max(100).regex(/^[\w.:-]+$/, 'letters, digits, _ . : - only').optional(),
    preset: z.string().min(1).describe('A preset name such as token.rate_limited; see `understudy fault presets`.').optional(),
    params: z.record(z.string(), z.unknown()).describe("The preset's parameters.").optional(),
    description: z.string().optional(),
    match: matchSchema.optional(),
    action: actionSchema.optional(),
  })
  .strict()
  .refine((rule) => (rule.preset === undefined) !== (rule.action === undefined), {
    message: 'give either "preset" (a name) or "action" (a full rule), not both and not neither',
  });

/**
 * A fault rule as a user writes it (config `faults`, `server.faults.add()`, POST
 * /_understudy/faults, a scenario's `fault` step): a preset name with params, or a full rule.
 *
 * @example
 * server.faults.add({ preset: 'token.rate_limited', params: { retryAfter: 30 } });
 * server.faults.add({ match: { endpoint: 'api', nth: 1 }, action: { type: 'invalid_token' } });
 */
export type FaultRuleInput = z.input<typeof ruleSchema>;
/** Which requests a fault rule applies to (endpoint, client, route, path, nth/times, virtual-time window, probability); every field given must match. */
export type FaultMatch = z.output<typeof matchSchema>;
/** What a fault rule does to a matched request, told apart by `type` (an OAuth error, a canned response, a delay or hang, a dropped connection...). */
export type FaultAction = z.output<typeof actionSchema>;
export type TimeSpec = z.output<typeof timeSpec>;

/** A rule after its preset was expanded: always an id, a match and an action. */
export interface FaultRule {
  id: string;
  preset?: string;
  description: string;
  match: FaultMatch;
  action: FaultAction;
  /** Virtual time it was added, the origin of relative times. */
  addedAt: number;
}

/** The fault rule's JSON Schema, for editors validating fault files and for `understudy schema`. */
export function faultRuleJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ruleSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
