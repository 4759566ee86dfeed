import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { boundsSchema, resolveBounds, type BoundsInput, type ResolvedBounds } from './bounds.ts';
import { formatPath } from '../../server/config/errors.ts';
import { HarnessError } from '../errors.ts';
import { JWT_BEARER_GRANT } from '../../server/authorization/grants/jwt-bearer-grant.ts';

/** The grants a client can declare it uses (the last: JWT user assertions, RFC 7523 §2.1). */
export const DECLARABLE_GRANTS = ['client_credentials', 'password', 'refresh_token', 'authorization_code', JWT_BEARER_GRANT] as const;
/** Where a client can send the extra headers the harness configures it with. */
export const HEADER_PLACES = ['token', 'api'] as const;

/**
 * What the client under test does, declared by its author instead of guessed by the harness: a
 * scenario that needs something the client does not do is *not applicable* to it, with the reason.
 * A YAML or JSON file (`--declare FILE`), `--declare key=value` options, or an object in code.
 */
export const clientDeclarationSchema = z
  .object({
    $schema: z.string().optional(),
    grants: z
      .array(z.enum(DECLARABLE_GRANTS))
      .min(1)
      .describe('Grants the client uses. Default: [client_credentials]. A refresh-token client (password grant with offline_access, then refresh_token) declares all three.')
      .optional(),
    requestTimeout: z
      .number()
      .positive()
      .max(600)
      .describe('Seconds after which the client gives up on one request; the harness passes it as UNDERSTUDY_TIMEOUT_MS. Default: none (a hanging endpoint is then not applicable).')
      .optional(),
    headers: z
      .array(z.enum(HEADER_PLACES))
      .describe('Where the client sends the extra headers of UNDERSTUDY_TOKEN_HEADERS (token) and UNDERSTUDY_API_HEADERS (api). Default: [token, api].')
      .optional(),
    openid: z
      .boolean()
      .describe('An authorization code client that learns who signed in from the ID token (OpenID Connect): it validates the ID token and reports its subject. Default: false.')
      .optional(),
    public: z
      .boolean()
      .describe('The client can run as a public client (a browser or mobile app): with an empty UNDERSTUDY_CLIENT_SECRET it authenticates with client_id alone and uses PKCE. Default: false.')
      .optional(),
    redirectUri: z
      .url()
      .describe('A callback listener of the client\'s own (e.g. http://127.0.0.1:8765/callback): registered for the scenario client, and the browser\'s return is delivered there by a GET instead of the callback operation. Default: none.')
      .optional(),
    bounds: boundsSchema.describe('Bounds of the verdicts for this client (see the rule catalogue).').optional(),
  })
  .strict();

/** A declaration as written: every field optional. */
export type ClientDeclarationInput = z.input<typeof clientDeclarationSchema>;

/** A declaration with its defaults filled in, and the bounds of the run. */
export interface ClientDeclaration {
  grants: (typeof DECLARABLE_GRANTS)[number][];
  requestTimeout?: number;
  headers: (typeof HEADER_PLACES)[number][];
  openid: boolean;
  public: boolean;
  redirectUri?: string;
  bounds: ResolvedBounds;
}

/** What a scenario needs from the client before it can judge it (`needs:` in a scenario file). */
export const scenarioNeedsSchema = z
  .object({
    grants: z.array(z.enum(DECLARABLE_GRANTS)).min(1).describe('Grants the client must use, e.g. [password, refresh_token].').optional(),
    requestTimeout: z.literal(true).describe('The client must have a request timeout of its own (declared requestTimeout).').optional(),
    headers: z.array(z.enum(HEADER_PLACES)).min(1).describe('Where the client must send configured extra headers.').optional(),
    openid: z.literal(true).describe('The client must read the ID token (declared openid).').optional(),
    public: z.literal(true).describe('The client must be able to run as a public client (declared public).').optional(),
  })
  .strict();

/** A scenario's `needs`. */
export type ScenarioNeeds = z.output<typeof scenarioNeedsSchema>;

/**
 * Merges declarations (later ones win field by field; bounds merge by name) and fills in the
 * defaults. `bounds` given here win over the declarations' own.
 * @throws HarnessError USAGE naming the field, when one does not validate.
 */
export function resolveDeclaration(inputs: readonly (ClientDeclarationInput | undefined)[] = [], bounds: BoundsInput = {}, source = 'the client declaration'): ClientDeclaration {
  const merged: ClientDeclarationInput = {};
  for (const input of inputs) {
    if (input === undefined) continue;
    const { bounds: ownBounds, ...rest } = validate(clientDeclarationSchema, input, source, '(declaration)');
    Object.assign(merged, rest);
    merged.bounds = { ...merged.bounds, ...ownBounds };
  }
  const checkedBounds = validate(boundsSchema, bounds, 'bounds', '(bounds)');
  return {
    grants: merged.grants ?? ['client_credentials'],
    requestTimeout: merged.requestTimeout,
    headers: merged.headers ?? ['token', 'api'],
    openid: merged.openid ?? false,
    public: merged.public ?? false,
    ...(merged.redirectUri === undefined ? {} : { redirectUri: merged.redirectUri }),
    bounds: resolveBounds({ ...merged.bounds, ...checkedBounds }, merged.requestTimeout),
  };
}

/** Reads a declaration file (YAML or JSON). @throws HarnessError USAGE when it cannot be read or parsed. */
export async function loadDeclarationFile(file: string): Promise<ClientDeclarationInput> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new HarnessError('USAGE', `cannot read the client declaration ${file}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = parseYaml(text) ?? {};
  } catch (error) {
    throw new HarnessError('USAGE', `the client declaration ${file} is not valid YAML or JSON: ${(error as Error).message}`);
  }
  return validate(clientDeclarationSchema, value, `the client declaration ${file}`, '(declaration)');
}

/** The value as the schema reads it. @throws HarnessError USAGE naming each field that does not validate, as config errors name them. */
function validate<S extends z.ZodType>(schema: S, value: unknown, source: string, whole: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new HarnessError('USAGE', `${source}: ${parsed.error.issues.map((issue) => `${formatPath(issue.path) || whole}: ${issue.message}`).join('; ')}`);
}

/**
 * Why a scenario does not apply to a client, or undefined when it does: the scenario needs
 * something the client did not declare. The reason says what to declare if the client does it.
 */
export function notApplicableReason(needs: ScenarioNeeds = {}, declaration: ClientDeclaration): string | undefined {
  // A scenario that names no grant gives the client no person and no assertion key: it is about
  // clients that get their tokens on their own, with client_credentials.
  if (needs.grants === undefined && !declaration.grants.includes('client_credentials')) {
    return `the scenario is about clients that get tokens on their own with the client_credentials grant (no person signs in); this client declares ${declaration.grants.join(', ')}. If it also uses client_credentials, declare grants: [${['client_credentials', ...declaration.grants].join(', ')}]`;
  }
  const missingGrants = (needs.grants ?? []).filter((grant) => !declaration.grants.includes(grant));
  if (missingGrants.length > 0) {
    return `the scenario is about clients that use the ${missingGrants.join(' and ')} grant${missingGrants.length > 1 ? 's' : ''}; this client declares ${declaration.grants.join(', ')}. If it does use them, declare grants: [${[...new Set([...declaration.grants, ...missingGrants])].join(', ')}]`;
  }
  if (needs.requestTimeout && declaration.requestTimeout === undefined) {
    return 'the scenario judges how a client with a request timeout gives up on a token endpoint that never answers; this client declares no requestTimeout (without one, Node\'s fetch waits about 300 s and Python requests forever). Declare requestTimeout: N (seconds; the harness passes it as UNDERSTUDY_TIMEOUT_MS) to judge it';
  }
  const missingHeaders = (needs.headers ?? []).filter((place) => !declaration.headers.includes(place));
  if (missingHeaders.length > 0) {
    const variable = (place: string) => (place === 'token' ? 'UNDERSTUDY_TOKEN_HEADERS' : 'UNDERSTUDY_API_HEADERS');
    return `the scenario judges a client that sends configured extra headers (${missingHeaders.map(variable).join(', ')}); this client declares headers: [${declaration.headers.join(', ')}]`;
  }
  if (needs.public && !declaration.public) {
    return 'the scenario runs the client as a public client (no secret: UNDERSTUDY_CLIENT_SECRET is empty; it must use PKCE, RFC 9700 §2.1.1); this client does not declare public: true. Declare it if the client can run without a secret (a browser, mobile or desktop app)';
  }
  if (needs.openid && !declaration.openid) {
    return 'the scenario judges how a client validates the ID token it is given (OpenID Connect Core §3.1.3.7); this client does not declare openid: true, so it does not say it reads one. Declare openid: true if it learns who signed in from the ID token (and reports it as subject)';
  }
  return undefined;
}

/**
 * One `--declare key=value` option as a declaration, e.g. `requestTimeout=3`,
 * `grants=client_credentials,password,refresh_token`, `headers=api` or `headers=none`.
 * @throws HarnessError USAGE for an unknown key or a bad value.
 */
export function parseDeclarationOption(option: string): ClientDeclarationInput {
  const match = /^([A-Za-z]+)=(.*)$/.exec(option);
  if (!match) throw new HarnessError('USAGE', `--declare ${option}: give a file or key=value (grants=..., requestTimeout=N, headers=token,api, openid=true, public=true, redirectUri=URL)`);
  const [, key, value] = match as unknown as [string, string, string];
  const list = value === 'none' || value === '' ? [] : value.split(',').map((item) => item.trim());
  switch (key) {
    case 'grants':
      return { grants: list as ClientDeclarationInput['grants'] };
    case 'headers':
      return { headers: list as ClientDeclarationInput['headers'] };
    case 'requestTimeout':
      return { requestTimeout: Number(value) };
    case 'openid':
      if (value !== 'true' && value !== 'false') throw new HarnessError('USAGE', `--declare ${option}: openid is true or false`);
      return { openid: value === 'true' };
    case 'redirectUri':
      return { redirectUri: value };
    case 'public':
      if (value !== 'true' && value !== 'false') throw new HarnessError('USAGE', `--declare ${option}: public is true or false`);
      return { public: value === 'true' };
    default:
      throw new HarnessError('USAGE', `--declare ${option}: unknown key ${key}; declare grants, requestTimeout, headers, openid, public or redirectUri (bounds go in --bound name=value)`);
  }
}
