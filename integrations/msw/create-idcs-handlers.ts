import { http, type HttpHandler } from 'msw';
import { createUnderstudy, handlesOf, type CreateUnderstudyOptions, type UnderstudyHandles } from '../../server/create-understudy.ts';
import { createProfile } from '../../server/profiles/index.ts';
import { clearOpenSslErrors } from './clear-openssl-errors.ts';
import { createInMemoryTransport } from './in-memory-transport.ts';
import { answerMisdirected, misdirection, type HostLayout, type HostRoles } from './misdirected-request.ts';
import { parseHost, tenantOfHost } from './parse-host.ts';

/** Options of {@link createIdcsHandlers}: where production lives, and understudy's configuration, clock and initial faults. */
export interface IdcsHandlersOptions extends Pick<CreateUnderstudyOptions, 'config' | 'clock' | 'faults'> {
  /**
   * Origin of the identity domain, as in production, e.g. "https://idcs-1234.identity.oraclecloud.com".
   * Token, JWKS, discovery, introspection and revocation answer there, and every URL understudy
   * reports names it (write ":443" to get the explicit port real IDCS discovery documents carry).
   * For an idcs- host the tenant defaults to its first label ("idcs-1234").
   */
  host: string;
  /**
   * Origin(s) of the protected API whose configured routes understudy answers, e.g.
   * "https://myhcm.fa.us2.oraclecloud.com". Default: none (API routes are not intercepted).
   */
  apiHost?: string | readonly string[];
}

/**
 * What {@link createIdcsHandlers} returns: msw handlers plus the in-process controls of the
 * understudy behind them. Its `urls` are the production URLs it answers on (tokenUrl, jwksUrl,
 * discoveryUrl, introspectUrl, revokeUrl, issuer); its journal holds every request the handlers
 * answered, and why.
 */
export interface IdcsHandlers extends UnderstudyHandles {
  /** Give these to `setupServer(...handlers)` (or `server.use(...handlers)`). */
  handlers: HttpHandler[];
  /**
   * Releases hung and delayed requests (they fail as a reset connection), closes in-memory connections and
   * flushes the journal file. Requests that reach the handlers afterwards fail with an error
   * telling to remove the handlers from msw first.
   */
  close(): Promise<void>;
  /** `await using idcs = await createIdcsHandlers(...)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * msw request handlers that answer for a real IDCS host name from an in-process understudy, so
 * code under test keeps its production URLs and needs no port. Each request goes through Node's
 * HTTP stack in memory into understudy, so fault rules (including resets, cut bodies and hangs)
 * and the journal work as they do against `understudy serve`.
 * @example
 * const idcs = await createIdcsHandlers({ host: 'https://idcs-1234.identity.oraclecloud.com' });
 * const server = setupServer(...idcs.handlers);
 * server.listen({ onUnhandledFrame: 'error' });
 * @throws TypeError for a host that is not an origin; ConfigError for a bad config or fault rule.
 */
export async function createIdcsHandlers(options: IdcsHandlersOptions): Promise<IdcsHandlers> {
  if (typeof options !== 'object' || options === null) throw new TypeError('understudy/msw: createIdcsHandlers needs options, e.g. { host: "https://idcs-1234.identity.oraclecloud.com" }');
  const identity = parseHost('host', options.host);
  const apiHosts = options.apiHost === undefined ? [] : typeof options.apiHost === 'string' ? [options.apiHost] : [...options.apiHost];
  const apiOrigins = apiHosts.map((value, i) => parseHost(typeof options.apiHost === 'string' ? 'apiHost' : `apiHost[${i}]`, value).origin);

  // An earlier mocked connection may have left OpenSSL's error queue dirty (see clear-openssl-errors.ts).
  clearOpenSslErrors();
  const profileName = options.config?.profile ?? 'idcs';
  const tenant = options.config?.tenant ?? (profileName === 'idcs' ? tenantOfHost(identity.origin) : undefined);
  const understudy = await createUnderstudy({
    config: tenant === undefined ? options.config : { ...options.config, tenant },
    clock: options.clock,
    faults: options.faults,
    baseUrl: identity.baseUrl,
  });
  const transport = createInMemoryTransport(understudy.handleRequest);

  const layout: HostLayout = {
    paths: createProfile(understudy.config.profile).paths,
    routes: understudy.config.api.routes,
    identityOrigin: identity.baseUrl,
    apiOrigins,
  };
  const roles = new Map<string, HostRoles>([[identity.origin, { identity: true, api: false }]]);
  for (const origin of apiOrigins) roles.set(origin, { identity: roles.has(origin), api: true });

  const handlers = [...roles].map(([origin, role]) =>
    http.all(`${origin}/*`, ({ request }) => {
      // This request's connection was set up by msw just now, and may have left a stale error.
      clearOpenSslErrors();
      const why = misdirection(role, layout, request.method, new URL(request.url).pathname);
      if (why !== undefined) return answerMisdirected(understudy.journal, understudy.clock.nowMs() / 1000, request, why);
      return transport.send(request);
    }),
  );

  const close = () => understudy.close(async () => transport.close());
  return {
    ...handlesOf(understudy),
    handlers,
    close,
    [Symbol.asyncDispose]: close,
  };
}
