import { z } from 'zod';

/**
 * The configuration file's shape (YAML or JSON), as the user writes it. Every field is optional
 * and documented with its default; `resolveConfig()` turns it into the fully-populated
 * `ResolvedConfig` that the rest of the server reads.
 */

const seconds = (what: string) =>
  z.number({ error: `${what} must be a number of seconds` }).int('must be a whole number of seconds').positive('must be greater than 0');

const headerName = z
  .string()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name such as X-Request-Id');

export const resourceSchema = z
  .object({
    name: z.string().min(1).describe('Name used in logs and by API routes. Default: the audience.').optional(),
    audience: z
      .string()
      .min(1)
      .describe('Primary audience, e.g. "https://payroll.example.test:443". Becomes the token `aud`.'),
    scopes: z
      .array(z.string().min(1).regex(/^\S+$/, 'a scope cannot contain whitespace'))
      .min(1)
      .describe('Scopes this resource defines, e.g. "urn:opc:resource:consumer::all".'),
    accessTokenTtl: seconds('resources[].accessTokenTtl')
      .describe('Lifetime of tokens for this resource. Default: the top-level accessTokenTtl.')
      .optional(),
  })
  .strict();

export const clientSchema = z
  .object({
    id: z.string().min(1).describe('client_id.'),
    secret: z.string().min(1).describe('client_secret. Omit for a private_key_jwt client.').optional(),
    name: z.string().min(1).describe('client_name claim. Default: the id.').optional(),
    active: z.boolean().describe('false = the OAuth client app is deactivated (IDCS "inactive"). Default: true.').optional(),
    grants: z
      .array(z.enum(['client_credentials', 'password', 'authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:jwt-bearer']))
      .min(1)
      .describe('Grant types the client may use. Default: ["client_credentials"].')
      .optional(),
    scopes: z
      .array(z.string().min(1).regex(/^\S+$/, 'a scope cannot contain whitespace'))
      .describe(
        'Scopes granted to the client: fully-qualified "<audience><scope>" or a bare scope that only one resource defines. Default: every scope of every resource.',
      )
      .optional(),
    authMethod: z
      .enum(['client_secret_basic', 'client_secret_post', 'private_key_jwt'])
      .describe('Registered authentication method. Basic and post are both accepted for a secret client. Default: client_secret_basic, or private_key_jwt when jwks is given without a secret.')
      .optional(),
    jwks: z
      .object({ keys: z.array(z.record(z.string(), z.unknown())).min(1) })
      .describe('Public keys for private_key_jwt client assertions (RFC 7523).')
      .optional(),
    accessTokenTtl: seconds('clients[].accessTokenTtl').describe('Lifetime of this client\'s tokens; overrides the resource\'s.').optional(),
    redirectUris: z
      .array(z.string().min(1))
      .describe('Redirect URIs of an authorization_code client: absolute URLs, matched exactly (RFC 6749 §3.1.2), or paths on this server ("/callback"). Required with the authorization_code grant.')
      .optional(),
    postLogoutRedirectUris: z
      .array(z.string().min(1))
      .describe('URLs (or paths on this server) /oauth2/v1/userlogout may send the browser back to (post_logout_redirect_uri), matched exactly. Default: none.')
      .optional(),
    public: z
      .boolean()
      .describe('true = a public client (a browser or mobile app) with no secret: it authenticates with client_id alone and must use PKCE. Default: false.')
      .optional(),
    requireConsent: z.boolean().describe('Ask the user to consent before the first code (IDCS "Require consent"). Default: true.').optional(),
    pkce: z
      .object({
        required: z.boolean().describe('Refuse an authorization request without code_challenge. Default: true for a public client, false otherwise.').optional(),
        methods: z
          .array(z.enum(['S256', 'plain']))
          .min(1)
          .describe('code_challenge_method values accepted. Default: ["S256"] (plain is refused, RFC 9700 §2.1.1).')
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const userSchema = z
  .object({
    username: z.string().min(1).describe('userName: the token `sub` and the login name.'),
    password: z.string().min(1).describe('Password for the login page and the password grant.'),
    displayName: z.string().min(1).describe('Shown on the consent page; `user_displayname` and userinfo `name`. Default: the username.').optional(),
    email: z.string().min(1).describe('userinfo `email` (scope email). Default: none.').optional(),
    groups: z.array(z.string().min(1)).describe('Group names: userinfo `groups` (scope groups). Default: none.').optional(),
  })
  .strict();

export const apiRouteSchema = z
  .object({
    name: z.string().min(1).describe('Name shown in the journal. Default: "METHOD path".').optional(),
    method: z
      .string()
      .regex(/^[A-Za-z]+$/, 'must be an HTTP method such as GET or POST')
      .transform((m) => m.toUpperCase())
      .describe('HTTP method. Default: GET.')
      .optional(),
    path: z.string().startsWith('/', 'must start with "/"').describe('Exact path; a trailing "*" matches any suffix.'),
    scopes: z
      .array(z.string().min(1))
      .describe('Scopes the token must carry (all of them). Default: none.')
      .optional(),
    audience: z.string().min(1).describe('Audience the token must carry. Default: any configured resource audience.').optional(),
    headers: z.array(headerName).describe('Extra headers every call must carry, e.g. ["X-Request-Id"].').optional(),
    response: z
      .object({
        status: z.number().int().min(200).max(599).optional(),
        headers: z.record(z.string(), z.string()).optional(),
        body: z.unknown().optional(),
      })
      .strict()
      .describe('Canned answer. Default: 200 with {"ok": true}.')
      .optional(),
  })
  .strict();

export const keySchema = z
  .object({
    kid: z.string().min(1).optional(),
    privateKeyPem: z.string().min(1).describe('PKCS#8 PEM private key.'),
    certificatePem: z.string().min(1).describe('PEM certificate for x5c/x5t. Optional.').optional(),
  })
  .strict();

export const configSchema = z
  .object({
    $schema: z.string().optional(),
    profile: z.enum(['idcs', 'rfc9068']).describe('Wire shape: "idcs" (default) or "rfc9068".').optional(),
    issuer: z
      .string()
      .url('must be an absolute URL')
      .describe('Token `iss`. Default: "https://identity.oraclecloud.com/" (idcs) or the server\'s own URL (rfc9068).')
      .optional(),
    tenant: z.string().min(1).describe('IDCS tenant (identity domain) name. Default: "idcs-understudy".').optional(),
    algorithm: z.enum(['RS256', 'ES256']).describe('Signing algorithm. idcs is always RS256. Default: RS256.').optional(),
    accessTokenTtl: seconds('accessTokenTtl').describe('Default access token lifetime. Default: 3600.').optional(),
    refreshTokenTtl: seconds('refreshTokenTtl').describe('Refresh token lifetime. Default: 604800 (7 days).').optional(),
    leeway: z.number().int().min(0).describe('Seconds of leeway the mock API allows on exp/nbf. Default: 0.').optional(),
    jwks: z
      .object({ public: z.boolean().describe('false = the JWKS needs a bearer token (IDCS "access signing certificate" off). Default: true.').optional() })
      .strict()
      .optional(),
    keys: z.array(keySchema).min(1).describe('Signing keys; the first signs. Default: the embedded development key.').optional(),
    keyRotation: z
      .object({
        every: seconds('keyRotation.every').describe('Rotate the signing key every N seconds of virtual time.'),
        grace: z.number().int().min(0).describe('Seconds the old key keeps verifying after a rotation (0 = stop at once). Default: until removed.').optional(),
      })
      .strict()
      .optional(),
    resources: z.array(resourceSchema).min(1).describe('Protected resources (audiences and their scopes).').optional(),
    clients: z.array(clientSchema).describe('OAuth clients.').optional(),
    authorizationCodeTtl: seconds('authorizationCodeTtl').describe('Lifetime of an authorization code. Default: 300.').optional(),
    sessionTtl: seconds('sessionTtl').describe('Lifetime of a browser login session (IDCS "Session Duration"). Default: 28800 (480 minutes).').optional(),
    users: z
      .array(userSchema)
      .describe('Users: for the login page, the password grant and JWT user assertions.')
      .optional(),
    api: z
      .object({
        realm: z.string().min(1).describe('realm of WWW-Authenticate: Bearer. Default: "understudy".').optional(),
        routes: z.array(apiRouteSchema).describe('Routes of the mock protected API.').optional(),
      })
      .strict()
      .optional(),
    journal: z
      .object({
        capacity: z.number().int().positive().describe('Entries kept in memory. Default: 10000.').optional(),
        file: z.string().min(1).describe('Also append every entry to this JSON Lines file.').optional(),
      })
      .strict()
      .optional(),
    faults: z
      .array(z.unknown())
      .describe('Fault rules active from the start: a preset ({"preset": "token.rate_limited"}) or a full rule; see `understudy fault presets`.')
      .optional(),
    control: z
      .object({
        adminToken: z
          .string()
          .min(16, 'must be at least 16 characters')
          .describe('When set, non-loopback callers may use the control API with "Authorization: Bearer <adminToken>".')
          .optional(),
      })
      .strict()
      .optional(),
    server: z
      .object({
        host: z.string().min(1).describe('Address to bind. Default: 127.0.0.1.').optional(),
        port: z.number().int().min(0).max(65535).describe('Port; 0 = any free port. Default: 9400.').optional(),
        maxBodyBytes: z.number().int().positive().describe('Largest request body accepted. Default: 65536.').optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** The configuration as a user writes it: every field optional. */
export type UnderstudyConfig = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
/** One OAuth client as the config's `clients` list declares it (id, secret or keys, grants, scopes), for typing a client built in code. */
export type ClientConfig = z.input<typeof clientSchema>;
/** One route of the mock protected API as the config's `api.routes` declares it: the path, the scopes and headers a call needs, and the answer. */
export type ApiRouteConfig = z.input<typeof apiRouteSchema>;
/** One user as the config's `users` list declares it. */
export type UserConfig = z.input<typeof userSchema>;
/** One protected resource as the config's `resources` list declares it: the audience tokens carry and the scopes it defines. */
export type ResourceConfig = z.input<typeof resourceSchema>;

/** The configuration file's JSON Schema, for editors and `understudy schema`. */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
