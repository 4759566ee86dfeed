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
