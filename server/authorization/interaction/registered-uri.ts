/**
 * Finds `given` among a client's registered URIs (redirect or post-logout), compared exactly
 * (RFC 6749 §3.1.2.3). A registered path ("/callback") is on this server: it matches the path
 * as sent or its absolute URL.
 * @returns the absolute URL to send the browser to, or undefined when none matches.
 */
export function findRegisteredUri(registered: readonly string[], given: string, baseUrl: string): string | undefined {
  const match = registered.find((uri) => uri === given || absoluteUri(uri, baseUrl) === given);
  return match === undefined ? undefined : absoluteUri(match, baseUrl);
}

export function absoluteUri(uri: string, baseUrl: string): string {
  return uri.startsWith('/') ? `${baseUrl}${uri}` : uri;
}

/**
 * A path of this server as the browser should be sent to it: relative to the origin the browser
 * is already on (RFC 9110 §10.2.2 allows a relative Location), so the cookies set on that origin
 * come along whether it reached the server as 127.0.0.1 or localhost.
 */
export function ownPath(baseUrl: string, path: string): string {
  return `${new URL(baseUrl).pathname.replace(/\/$/, '')}${path}`;
}
