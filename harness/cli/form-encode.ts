/**
 * application/x-www-form-urlencoded encoding of one value (WHATWG URL §5.2, what URLSearchParams
 * does): RFC 6749 §2.3.1 applies it to client_id and client_secret before HTTP Basic's base64.
 */
export function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

/** The HTTP Basic Authorization header value for OAuth client credentials (RFC 6749 §2.3.1). */
export function basicCredentials(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(secret)}`).toString('base64')}`;
}
