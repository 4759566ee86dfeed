/**
 * The one reader of the Authorization header (RFC 9110 §11.6.2: scheme, then credentials). Two
 * kinds of callers read it: those that answer a request (client authentication, the mock API,
 * the JWKS and the control API's admin token) and decide on a strict form; and fault matching,
 * which only reads an unverified client id to match rules on and takes what it can get. So one
 * parse returns both readings.
 */

/** The Authorization header read for one scheme, Basic or Bearer. */
export interface SchemeCredentials {
  /** The header's first word is the scheme, in any letter case ("Bearer", "bearer x", "Bearer,"). */
  named: boolean;
  /**
   * Lenient: the first run of non-space characters after the scheme and one or more spaces,
   * whatever follows it. For reading an unverified id, never for deciding.
   */
  credentials?: string;
  /** The header is the scheme, spaces and `credentials`, with nothing after them (not even spaces). */
  sole?: string;
  /**
   * Strict: the header is exactly the scheme, spaces, one token68 of the scheme's alphabet and
   * optional trailing spaces (Basic: base64, RFC 7617 §2; Bearer: b64token, RFC 6750 §2.1).
   */
  token?: string;
}

/** RFC 7617 §2: base64 of user-id ":" password. */
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=". */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** Per scheme, compiled once: the header names it; the header is it, spaces, credentials and the rest. */
const SCHEMES = {
  Basic: { named: /^Basic\b/i, parts: /^Basic +(\S+)([\s\S]*)$/i },
  Bearer: { named: /^Bearer\b/i, parts: /^Bearer +(\S+)([\s\S]*)$/i },
} as const;

function readScheme(header: string | undefined, scheme: 'Basic' | 'Bearer', alphabet: RegExp): SchemeCredentials {
  const value = header ?? '';
  const named = SCHEMES[scheme].named.test(value);
  const match = SCHEMES[scheme].parts.exec(value);
  if (!match) return { named };
  const credentials = match[1] as string;
  const rest = match[2] as string;
  return {
    named,
    credentials,
    ...(rest === '' ? { sole: credentials } : {}),
    ...(/^ *$/.test(rest) && alphabet.test(credentials) ? { token: credentials } : {}),
  };
}

/** The Authorization header as a Bearer token (RFC 6750 §2.1). */
export function parseBearer(header: string | undefined): SchemeCredentials {
  return readScheme(header, 'Bearer', B64TOKEN);
}

/** Basic credentials: the decoded halves of `credentials`, when it has a colon. */
export interface BasicCredentials extends SchemeCredentials {
  /**
   * base64-decoded credentials split at the first colon, as sent: RFC 6749 §2.3.1 says each half
   * is form-encoded, which many clients forget (see `formDecode`). Undefined without a colon.
   */
  pair?: { clientId: string; secret: string };
}

/** The Authorization header as HTTP Basic credentials (RFC 7617; RFC 6749 §2.3.1 for OAuth clients). */
export function parseBasic(header: string | undefined): BasicCredentials {
  const read = readScheme(header, 'Basic', BASE64);
  if (read.credentials === undefined) return read;
  const decoded = Buffer.from(read.credentials, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? read : { ...read, pair: { clientId: decoded.slice(0, colon), secret: decoded.slice(colon + 1) } };
}

/** application/x-www-form-urlencoded decoding of one value; undefined when it is not validly encoded. */
export function formDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replace(/\+/g, '%20'));
  } catch {
    return undefined;
  }
}
