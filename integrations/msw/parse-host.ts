/** A production origin the handlers answer for. */
export interface ParsedHost {
  /** What msw matches requests on, e.g. "https://idcs-1234.identity.oraclecloud.com". */
  origin: string;
  /**
   * What understudy names in its URLs: the origin as written, so "https://idcs-1234.identity.oraclecloud.com:443"
   * keeps the explicit ":443" real IDCS discovery documents carry (docs/research/idcs-wire.md §5a).
   */
  baseUrl: string;
}

/**
 * Reads a host option: an http(s) origin with no path, query or fragment.
 * @param option the option's name, for the error message ("host", "apiHost[1]").
 * @throws TypeError naming the option, what is wrong and an accepted value.
 */
export function parseHost(option: string, value: unknown): ParsedHost {
  const example = option.startsWith('apiHost') ? 'https://myhcm.fa.us2.oraclecloud.com' : 'https://idcs-1234.identity.oraclecloud.com';
  const fail = (problem: string): never => {
    throw new TypeError(`understudy/msw: ${option} ${problem}; give the production origin, e.g. "${example}"`);
  };
  if (typeof value !== 'string' || value === '') return fail(`must be a URL string (got ${JSON.stringify(value)})`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(`is not an absolute URL (got "${value}")`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail(`must be an http or https URL (got "${value}")`);
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    fail(`must be an origin only, without path, query, fragment or credentials (got "${value}")`);
  }
  // URL drops a default port; keep one the caller wrote on purpose.
  const writtenPort = /^[a-z]+:\/\/[^/]*:(\d+)\/?$/i.exec(value)?.[1];
  const baseUrl = writtenPort !== undefined && url.port === '' ? `${url.origin}:${Number(writtenPort)}` : url.origin;
  return { origin: url.origin, baseUrl };
}

/**
 * The identity domain name in an IDCS host name: "idcs-1234" for
 * "idcs-1234.identity.oraclecloud.com" or "idcs-1234.us-ashburn-idcs-1.secure.identity.oraclecloud.com".
 */
export function tenantOfHost(origin: string): string | undefined {
  const { hostname } = new URL(origin);
  return /^(idcs-[a-z0-9]+)\.(?:[a-z0-9-]+\.)*identity\.oraclecloud\.com$/i.exec(hostname)?.[1]?.toLowerCase();
}
