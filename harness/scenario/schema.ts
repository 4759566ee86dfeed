import { z } from 'zod';
import { scenarioNeedsSchema } from './declaration.ts';

/**
 * A scenario file: one sentence of intent, the server set-up, a timeline of steps and the
 * expectations judged on the journal and on the client's reports. YAML, JSON, or TypeScript
 * through `defineScenario`; validated against this schema, which is also exported as JSON Schema.
 */

const count = (what: string) => z.number({ error: `${what} must be a number` }).int().min(0);

const workStep = z
  .object({
    work: z
      .object({
        count: z.number().int().positive().max(10_000).describe('Units of work. Default: 1.').optional(),
        concurrent: z.boolean().describe('Hand all units over at once (true) or one after the other. Default: false.').optional(),
        method: z.string().regex(/^[A-Za-z]+$/).optional(),
        path: z.string().startsWith('/').describe('API path. Default: the first configured API route.').optional(),
        body: z.unknown().optional(),
        /** Real seconds between sequential units. */
        interval: z.number().min(0).max(60).describe('Real seconds between sequential units. Default: 0.').optional(),
        timeout: z.number().positive().max(600).describe('Seconds a unit may take before it counts as failed. Default: 30.').optional(),
      })
      .strict(),
  })
  .strict();

const advanceStep = z.object({ advance: z.number().describe('Move the virtual clock by N seconds.') }).strict();
const waitStep = z.object({ wait: z.number().min(0).max(120).describe('Wait N real seconds.') }).strict();
const faultStep = z
  .object({
    fault: z.union([
      z.record(z.string(), z.unknown()).describe('A fault rule: {"preset": "..."} or a full rule (see the fault rule schema).'),
      z.object({ remove: z.string().min(1) }).strict(),
      z.object({ clear: z.literal(true) }).strict(),
    ]),
  })
  .strict();
const revokeStep = z
  .object({
    revoke: z.union([
      z.object({ clientId: z.string().min(1).optional() }).strict().describe('Every token of the client (default: the scenario client).'),
      z.object({ jti: z.string().min(1).describe('"last" = the last token issued.') }).strict(),
    ]),
  })
  .strict();
const rotateStep = z
  .object({ 'rotate-keys': z.object({ grace: z.number().min(0).optional() }).strict().describe('Rotate the signing key; grace = seconds the old key keeps verifying.') })
  .strict();

const signInStep = z
  .object({
    'sign-in': z
      .object({
        user: z.string().min(1).describe('A configured user (server.users) the person logs in as. Default: client.user.').optional(),
        consent: z.enum(['allow', 'deny']).describe('What the person answers on the consent page. Default: allow.').optional(),
        forge: z
          .enum(['wrong-state', 'no-state'])
          .describe(
            'Hand the client a forged callback instead (RFC 6749 §10.12): a code an attacker got in a sign-in of its own (its own PKCE challenge), with the attacker\'s state or none.',
          )
          .optional(),
        timeout: z.number().positive().max(600).describe('Seconds each of the client\'s answers (the URL, the callback) may take. Default: 10.').optional(),
      })
      .strict()
      .describe('The person signs in: the client gives the authorization URL, the harness logs in and consents, and hands the client the redirect.'),
  })
  .strict();
const signOutStep = z
  .object({
    'sign-out': z
      .object({ timeout: z.number().positive().max(600).describe('Seconds the client\'s answer may take. Default: 10.').optional() })
      .strict()
      .describe('The client signs the person out; the browser visits the end-session URL it gives (RP-initiated logout).'),
  })
  .strict();

export const levelSchema = z.enum(['must', 'should']);

const bounds = z
  .object({ exactly: count('exactly').optional(), min: count('min').optional(), max: count('max').optional() })
  .strict()
  .refine((b) => b.exactly !== undefined || b.min !== undefined || b.max !== undefined, 'give exactly, min or max');

/** One expectation: a name, the contract rule it checks, its level, and exactly one check. */
export const expectationSchema = z
  .object({
    name: z.string().min(1).describe('What a reader sees. Default: derived from the check.').optional(),
    rule: z.string().min(1).describe('The contract rule (the rule catalogue, docs/rules.md), e.g. "reuse".').optional(),
    level: levelSchema.describe('must: a failure fails the run; should: reported, but the run passes. Default: the scenario level.').optional(),
    why: z.string().describe('Why this level: shown in the verdict.').optional(),
    tokenRequests: bounds.optional(),
    apiCalls: bounds.optional(),
    tokenRequestsPerUnit: z
      .object({ max: z.number().positive().describe('Token requests per unit at most. Default: the failFastAttempts bound.').optional() })
      .strict()
      .describe('Follows each unit: its token requests, at most max (no storm).')
      .optional(),
    failsFast: z.object({}).strict().describe('Follows each unit refused with a permanent error (a 4xx but 429): at most the failFastAttempts bound of token requests.').optional(),
    reusesToken: z.object({}).strict().describe('No token request while the client holds a token that outlives the refreshMargin bound.').optional(),
    singleFlight: z.object({}).strict().describe('Each batch of concurrent units that needed a token shares one token request.').optional(),
    noExpiredTokenUse: z
      .object({ margin: z.number().min(0).describe('Seconds before the told expiry that already count as expired. Default: 0.').optional() })
      .strict()
      .describe('No API call presents a token after what the client was told: response sent + expires_in (+ the expiryLatency bound).')
      .optional(),
    noReuseOfRefusedToken: z.object({}).strict().describe('No API call presents a token the API has already refused (invalid_token).').optional(),
    replayOnceAfterInvalidToken: z
      .object({ mayGiveUp: z.boolean().describe('A unit may also give up at the first refusal (no replay); never more than one replay. Default: false.').optional() })
      .strict()
      .describe('Follows each unit refused with invalid_token: a new token, then exactly one replay; a refused replay ends it.')
      .optional(),
    noRefreshAfterInsufficientScope: z.object({}).strict().optional(),
    retryAfterRespected: z.object({}).strict().optional(),
    fallsBackAfterInvalidGrant: z.object({}).strict().describe('After invalid_grant on a refresh, the next token request uses the base grant, once.').optional(),
    backoff: z
      .object({
        maxAttempts: z.number().int().positive().describe('Token requests at most, per failing unit.').optional(),
        minSpacingMs: z.number().min(0).describe('Smallest gap between two token requests after a failure.').optional(),
      })
      .strict()
      .optional(),
    abandonedWithin: z.object({ seconds: z.number().positive().describe('Default: the giveUpWithin bound.').optional() }).strict().optional(),
    headersPresent: z
      .object({
        endpoint: z.enum(['token', 'api']),
        headers: z.array(z.string().min(1)).min(1),
        minRequests: z.number().int().min(1).describe('Put to the test only when at least this many such requests were made (2: a re-fetch). Default: 1.').optional(),
      })
      .strict()
      .optional(),
    paramsPresent: z.object({ params: z.array(z.string().min(1)).min(1) }).strict().optional(),
    outcomes: z
      .object({
        ok: z.union([z.literal('all'), z.literal('none'), count('ok')]).optional(),
        failed: z.union([z.literal('all'), z.literal('none'), count('failed')]).optional(),
        reportedWithin: z.number().positive().describe('Every unit reported within N seconds.').optional(),
      })
      .strict()
      .optional(),
    exitCode: z.number().int().optional().describe('run-to-completion: the exit code the program must end with.'),
    signInOutcomes: z
      .object({ ok: z.union([z.literal('all'), z.literal('none'), count('ok')]) })
      .strict()
      .describe('What the client reported for the callbacks of the sign-ins: signed in (ok) or not.')
      .optional(),
    refusesSignIn: z
      .object({
        codeRedemption: z
          .enum(['forbidden', 'refused-only', 'allowed'])
          .describe('forbidden: no token request with the callback\'s code; refused-only: one the server refused is allowed (PKCE stopped it); allowed: redeeming is how the client learns the sign-in is bad. Default: forbidden.')
          .optional(),
      })
      .strict()
      .describe('Each sign-in of the segment is reported failed, and no token it yielded is used.')
      .optional(),
    authorizationRequests: z
      .object({
        fresh: z.array(z.enum(['state', 'nonce', 'codeChallenge'])).min(1).describe('Parameters every authorization request carries, a new value each time.').optional(),
        codeChallengeMethod: z.literal('S256').describe('Every authorization request carries an S256 code_challenge (RFC 7636 §4.2).').optional(),
      })
      .strict()
      .optional(),
    noStaleRefreshToken: z
      .object({})
      .strict()
      .describe('No refresh presents a refresh token that was refused, or one that was rotated while its successor reached the client.')
      .optional(),
    codeUsedOnce: z.object({}).strict().describe('No authorization code is presented again after the server answered its redemption.').optional(),
    reportsSignInNeeded: z
      .object({})
      .strict()
      .describe('After the refresh token is refused, every unit fails with needsSignIn, without another token request.')
      .optional(),
    loginAfterSignOut: z.object({}).strict().describe('After the client signs the person out, the next sign-in shows the login page.').optional(),
    freshAssertions: z
      .object({ jti: z.boolean().describe('Also require a jti in every assertion, never the same twice (RFC 7523 §3 item 7). Default: false.').optional() })
      .strict()
      .describe('Every JWT bearer token request presents a new assertion that has not expired.')
      .optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    const checks = EXPECTATION_KINDS.filter((kind) => value[kind] !== undefined);
    if (checks.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: checks.length === 0 ? `give one check: ${EXPECTATION_KINDS.join(', ')}` : `give one check per expectation, not ${checks.join(' and ')}`,
      });
    }
  });

export const EXPECTATION_KINDS = [
  'tokenRequests',
  'apiCalls',
  'tokenRequestsPerUnit',
  'failsFast',
  'reusesToken',
  'singleFlight',
  'noExpiredTokenUse',
  'noReuseOfRefusedToken',
  'replayOnceAfterInvalidToken',
  'noRefreshAfterInsufficientScope',
  'retryAfterRespected',
  'fallsBackAfterInvalidGrant',
  'backoff',
  'abandonedWithin',
  'headersPresent',
  'paramsPresent',
  'outcomes',
  'exitCode',
  'signInOutcomes',
  'refusesSignIn',
  'authorizationRequests',
  'noStaleRefreshToken',
  'codeUsedOnce',
  'reportsSignInNeeded',
  'loginAfterSignOut',
  'freshAssertions',
] as const;

const expectStep = z.object({ expect: z.array(expectationSchema).min(1) }).strict();

export const stepSchema = z.union([workStep, advanceStep, waitStep, faultStep, revokeStep, rotateStep, signInStep, signOutStep, expectStep]);

export const scenarioSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'kebab-case, e.g. reuse-valid-token').describe('Default: the file name.').optional(),
    intent: z.string().min(10).describe('One sentence: what the scenario proves.'),
    tags: z.array(z.string().min(1)).describe('e.g. rule:reuse, idcs, must.').optional(),
    level: levelSchema.describe('Level of its expectations unless they say otherwise. Default: must.').optional(),
    mode: z.enum(['interactive', 'run-to-completion']).describe('run-to-completion: just run the program and judge journal and exit code.').optional(),
    needs: scenarioNeedsSchema.describe('What the client must declare it does for the scenario to apply; otherwise the verdict is "not applicable".').optional(),
    server: z.record(z.string(), z.unknown()).describe('Configuration (the config file shape) on top of the embedded default.').optional(),
    client: z
      .object({
        id: z.string().min(1).describe('Client id the integration uses. Default: the first configured client.').optional(),
        secret: z.string().optional(),
        scope: z.string().describe('Scope the integration asks for. Default: its first granted scope.').optional(),
        user: z.string().min(1).describe('A configured user (server.users) the client signs in as: UNDERSTUDY_USERNAME and UNDERSTUDY_PASSWORD.').optional(),
        tokenHeaders: z.record(z.string(), z.string()).optional(),
        apiHeaders: z.record(z.string(), z.string()).optional(),
        env: z.record(z.string(), z.string()).describe('Extra environment, templated: {{tokenUrl}}, {{issuer}}, {{jwksUrl}}, {{clientId}}, {{clientSecret}}, {{scope}}, {{apiUrl}}.').optional(),
      })
      .strict()
      .optional(),
    timeline: z.array(stepSchema).min(1),
    expect: z.array(expectationSchema).describe('Judged at the end.').optional(),
    timeout: z.number().positive().max(600).describe('Seconds the whole scenario may take. Default: 60.').optional(),
  })
  .strict();

/** A scenario as a user writes it (file or `defineScenario()`): optional fields left out, defaults not yet applied. */
export type ScenarioInput = z.input<typeof scenarioSchema>;
/** A validated scenario, as `loadScenarioFile()` / `validateScenario()` return it and reporters receive it: it always has a name (default: the file name). */
export type Scenario = z.output<typeof scenarioSchema> & { name: string; file?: string };
/** One step of a scenario's timeline: `work`, `advance`, `wait`, `fault`, `revoke`, `rotate-keys`, `sign-in`, `sign-out` or `expect` (a checkpoint). */
export type Step = z.output<typeof stepSchema>;
/** One check of a scenario (exactly one kind, e.g. `tokenRequests` or `retryAfterRespected`), with the rule and level it is reported under. */
export type Expectation = z.output<typeof expectationSchema>;
/** The name of a check an expectation can carry, e.g. `noExpiredTokenUse`. */
export type ExpectationKind = (typeof EXPECTATION_KINDS)[number];
/** How much an expectation counts: a failed `must` fails the scenario, a failed `should` is only reported. */
export type Level = z.output<typeof levelSchema>;

/** The scenario file's JSON Schema, for editors validating scenario YAML/JSON and for `understudy schema`. */
export function scenarioJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
