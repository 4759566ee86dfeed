import { isIP } from 'node:net';
import { InvalidArgumentError } from 'commander';

/** The wire profiles `--profile` accepts (server/config ProfileName). */
export const PROFILE_NAMES = ['idcs', 'rfc9068'] as const;

/** commander argParser for `--port`: a whole number 0-65535 (0 = any free port). */
export function parsePort(value: string): number {
  const port = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(port) || port > 65_535) {
    throw new InvalidArgumentError('The port must be a whole number from 0 to 65535 (0 = any free port).');
  }
  return port;
}

/** commander argParser for `--host`: a non-empty address or host name. */
export function parseHost(value: string): string {
  const host = value.trim();
  if (isIP(host) === 0 && !/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(host)) {
    throw new InvalidArgumentError('The host must be an address or host name such as 127.0.0.1, 0.0.0.0 or ::1 (give the port with --port).');
  }
  return host;
}

/** commander argParser for `--url`: an absolute http(s) URL, returned without a trailing slash. */
export function parseServerUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('The URL must be absolute, e.g. http://127.0.0.1:9400.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError('The URL must start with http:// or https://.');
  }
  return url.href.replace(/\/+$/, '');
}
