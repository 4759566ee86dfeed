import { timingSafeEqual } from 'node:crypto';
import type { Clock } from '../base/clock.ts';
import type { ClientAuthMethod } from '../config/types.ts';
import { formDecode, parseBasic } from '../http/authorization-header.ts';
import { readUnverified, verifyClientAssertion } from '../tokens/index.ts';
import { digest, type ClientRegistry, type RegisteredClient } from './client-registry.ts';
import { OAuthError } from '../profiles/oauth-error.ts';
import { replayKey, type ReplayCache } from './replay-cache.ts';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface ClientCredentialsInput {
  /** The Authorization header, if any. */
  authorization: string | undefined;
  /** Single-valued form parameters (repeats were rejected before). */
  params: Map<string, string>;
  /** Told the client id the request claims, before it is verified, so a failure is journaled under it. */
  claimedClientId?: (clientId: string) => void;
}

export interface AuthenticationContext {
  registry: ClientRegistry;
  clock: Clock;
  replay: ReplayCache;
  /** Values a client assertion's `aud` may hold (RFC 7523 §3: the token endpoint URL or the issuer). */
  audiences: string[];
  /** Seconds the server's clock runs ahead when judging assertions (clock_skew faults). */
  skew?: number;
}

export interface AuthenticatedClient {
  client: RegisteredClient;
  method: ClientAuthMethod;
}

/**
 * RFC 6749 §2.3 / RFC 7523 §3 client authentication: client_secret_basic, client_secret_post or
 * private_key_jwt, exactly one of them; or none, client_id alone, for a public client. Mirrors oidc-provider's checks (one mechanism, client_id
 * consistency, assertion type, replay) with secrets compared in constant time.
 * @throws OAuthError invalid_request for a malformed attempt, invalid_client for a failed one.
 */
export async function authenticateClient(input: ClientCredentialsInput, context: AuthenticationContext): Promise<AuthenticatedClient> {
  const { params } = input;
  const assertion = params.get('client_assertion');
  const postSecret = params.get('client_secret');
  const used = [input.authorization !== undefined, assertion !== undefined, postSecret !== undefined].filter(Boolean).length;
  if (used > 1) {
    throw new OAuthError('invalid_request', 'client authentication must only be provided using one mechanism');
  }

  if (input.authorization !== undefined) {
    const basic = readBasic(input.authorization);
    // Many client libraries send the halves unencoded; accept both readings, as lenient servers do.
    const clientId = context.registry.get(basic.clientId) ? basic.clientId : context.registry.get(basic.rawClientId) ? basic.rawClientId : basic.clientId;
    input.claimedClientId?.(clientId);
    const paramId = params.get('client_id');
    if (paramId !== undefined && paramId !== clientId) throw new OAuthError('invalid_request', 'client_id mismatch between the form and the Authorization header');
    const client = findClient(context.registry, clientId, 'Basic');
    checkSecret(client, basic.secret === basic.rawSecret ? [basic.secret] : [basic.secret, basic.rawSecret], 'Basic');
    return { client, method: 'client_secret_basic' };
  }

  if (postSecret !== undefined) {
    const clientId = params.get('client_id');
    if (!clientId) throw new OAuthError('invalid_request', 'client_secret was sent without client_id');
    input.claimedClientId?.(clientId);
    const client = findClient(context.registry, clientId);
    checkSecret(client, [postSecret]);
    return { client, method: 'client_secret_post' };
  }

  if (assertion !== undefined) {
    return { client: await verifyAssertion(assertion, input, context), method: 'private_key_jwt' };
  }

  const clientId = params.get('client_id');
  // RFC 6749 §2.1 / §3.2.1: a public client identifies itself with client_id alone.
  const publicClient = clientId === undefined ? undefined : context.registry.get(clientId);
  if (publicClient?.authMethod === 'none') {
    input.claimedClientId?.(publicClient.id);
    return { client: publicClient, method: 'none' };
  }
  throw new OAuthError('invalid_client', 'no client authentication was provided: send HTTP Basic credentials, client_secret, or a client_assertion', {
    reason: clientId ? `client ${clientId} sent no credentials` : 'no client authentication in the request',
  });
}

interface BasicCredentials {
  clientId: string;
  secret: string;
  /** The halves as sent, for clients that do not form-encode them (RFC 6749 §2.3.1 says they must). */
  rawClientId: string;
  rawSecret: string;
}

/**
 * An IDCS administrator can deactivate an OAuth client app; it then fails authentication.
 * RFC 6749 §5.2: a Basic attempt gets a Basic challenge with the 401.
 */
export function assertActive({ client, method }: AuthenticatedClient): void {
  if (!client.active) {
    throw new OAuthError('invalid_client', `the OAuth client app ${client.id} is inactive; activate it to get tokens`, {
      idcsDescription: 'The OAuth Client app is inactive.',
      reason: `client ${client.id} is deactivated`,
      challenge: method === 'client_secret_basic' ? 'Basic' : undefined,
    });
  }
}

/** Strict: a well-formed Basic header with both halves, or invalid_request saying what is wrong. */
function readBasic(header: string): BasicCredentials {
  const basic = parseBasic(header);
  if (basic.token === undefined) {
    throw new OAuthError('invalid_request', 'the Authorization header must be "Basic " followed by base64(client_id:client_secret)');
  }
  if (!basic.pair) throw new OAuthError('invalid_request', 'the Basic credentials must be client_id:client_secret (no colon found)');
  const { clientId: rawClientId, secret: rawSecret } = basic.pair;
  if (!rawClientId || !rawSecret) throw new OAuthError('invalid_request', 'the Basic credentials have an empty client_id or client_secret');
  // A value that is not validly form-encoded is taken as is.
  return { clientId: formDecode(rawClientId) ?? rawClientId, secret: formDecode(rawSecret) ?? rawSecret, rawClientId, rawSecret };
}

function findClient(registry: ClientRegistry, clientId: string, challenge?: 'Basic'): RegisteredClient {
  const client = registry.get(clientId);
  if (!client) throw new OAuthError('invalid_client', 'client authentication failed', { challenge, reason: `unknown client ${clientId}` });
  return client;
}

function checkSecret(client: RegisteredClient, candidates: string[], challenge?: 'Basic'): void {
  if (!client.secretDigest || client.authMethod === 'private_key_jwt') {
    throw new OAuthError('invalid_client', 'client authentication failed', {
      challenge,
      reason: `client ${client.id} is registered for ${client.authMethod}, not a client secret`,
    });
  }
  // Digests have equal length whatever the input, so the comparison time reveals nothing.
  const digestOfSecret = client.secretDigest;
  if (!candidates.map((secret) => timingSafeEqual(digestOfSecret, digest(secret))).includes(true)) {
    throw new OAuthError('invalid_client', 'client authentication failed', { challenge, reason: `wrong client secret for client ${client.id}` });
  }
}

async function verifyAssertion(assertion: string, input: ClientCredentialsInput, context: AuthenticationContext): Promise<RegisteredClient> {
  const { params } = input;
  const type = params.get('client_assertion_type');
  if (type !== JWT_BEARER) {
    throw new OAuthError('invalid_request', `client_assertion_type must be ${JWT_BEARER}`);
  }
  const subject = unverifiedSubject(assertion);
  input.claimedClientId?.(subject);
  const paramId = params.get('client_id');
  if (paramId !== undefined && paramId !== subject) throw new OAuthError('invalid_request', 'client_id does not match the client_assertion sub');
  const client = findClient(context.registry, subject);
  if (client.authMethod !== 'private_key_jwt' || !client.assertionKeys) {
    throw new OAuthError('invalid_client', 'client authentication failed', { reason: `client ${client.id} is registered for ${client.authMethod}, not private_key_jwt` });
  }
  const now = context.clock.nowSeconds() + (context.skew ?? 0);
  const verified = await verifyClientAssertion(assertion, client.assertionKeys, { clientId: client.id, audience: context.audiences, now });
  if (!verified.ok) {
    throw new OAuthError('invalid_client', 'client authentication failed', { reason: `client_assertion of ${client.id} rejected: ${verified.problem}` });
  }
  const payload = verified.claims;
  // RFC 7523 §3 item 7: a jti may only be used once while the assertion is valid.
  if (payload.jti !== undefined && typeof payload.jti !== 'string') {
    throw new OAuthError('invalid_client', 'client authentication failed', { reason: `client_assertion of ${client.id} rejected: jti is not a string` });
  }
  if (payload.jti !== undefined) {
    if (!context.replay.add(replayKey('client assertion', client.id, payload.jti), payload.exp ?? now, now)) {
      throw new OAuthError('invalid_client', 'client authentication failed', { reason: `client_assertion jti ${payload.jti} of ${client.id} was already used` });
    }
  }
  return client;
}

/** The assertion's sub read before verification: it names the client whose keys verify it. */
function unverifiedSubject(assertion: string): string {
  const claims = readUnverified(assertion);
  if (!claims) throw new OAuthError('invalid_request', 'client_assertion is not a JWT');
  const { sub } = claims;
  if (typeof sub !== 'string' || !sub) {
    throw new OAuthError('invalid_request', 'client_assertion must be a signed JWT whose sub is the client_id');
  }
  return sub;
}
