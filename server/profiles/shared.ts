/** RFC 6749 §5.1: token endpoint answers carry Cache-Control: no-store and Pragma: no-cache. */
export function noStoreHeaders(): Record<string, string> {
  return { 'cache-control': 'no-store', pragma: 'no-cache' };
}

/**
 * RFC 6749 §5.2: a 401 for a client that authenticated with the Authorization header carries a
 * WWW-Authenticate challenge of the same scheme (RFC 7617 Basic).
 */
export function wwwAuthenticateBasic(realm: string, error: string, description: string): string {
  return `Basic realm="${quote(realm)}", error="${quote(error)}", error_description="${quote(description)}"`;
}

/** RFC 9110 §5.6.4 quoted-string: escape backslash and double quote. */
export function quote(value: string): string {
  return value.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\r\n]/g, ' ');
}
