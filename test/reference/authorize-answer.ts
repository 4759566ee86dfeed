/**
 * What an authorization endpoint did with one request, read off the HTTP answer the same way for
 * oidc-provider and for understudy, so the two can be compared field by field. Not a test file.
 *
 *   const answer = await authorizeAnswer(`${url}/authorize`, params);
 *   // { kind: 'redirect', via: 'query', error: 'invalid_request', state: 'st-1', status: 302, ... }
 */

export interface AuthorizeAnswer {
  /**
   * redirect: the answer (error or code) is delivered to the client's redirect_uri — by a Location
   * header (response_mode query/fragment) or by an auto-submitting form_post page (see `via`).
   * page: the user agent is shown an error page and nothing reaches the client.
   * interaction: the request passed validation; a redirect into the server's own login/consent
   * (any Location on the endpoint's own origin: oidc-provider's /interaction/<uid>, understudy's /login).
   */
  kind: 'redirect' | 'page' | 'interaction';
  status: number;
  error?: string;
  errorDescription?: string;
  /** For a redirect: the state delivered to the client. For a page: the state the page shows (oidc-provider prints it). */
  state?: string;
  location?: string;
  /** For kind 'redirect': how the parameters travel. */
  via?: 'query' | 'fragment' | 'form_post';
  /** RFC 9207 iss, when the answer carries one. */
  iss?: string;
  /** For a redirect: the authorization code, when one was issued. */
  code?: string;
}

export interface AuthorizeRequestOptions {
  /** For POST: the request's content-type. Default application/x-www-form-urlencoded. */
  contentType?: string;
  /** For POST: a query string to put on the URL as well. */
  urlQuery?: string | URLSearchParams;
  /** Cookie header to send (a browser with a session). */
  cookie?: string;
}

export const decodeHtml = (s: string): string =>
  s
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

/**
 * Sends one authorization request to `endpoint` (the full authorization endpoint URL) without
 * following redirects, and classifies the answer. `query` is the parameters (a string without
 * '?', or URLSearchParams); for POST they are the form body.
 */
export async function authorizeAnswer(
  endpoint: string,
  query: string | URLSearchParams,
  method: 'GET' | 'POST' = 'GET',
  options: AuthorizeRequestOptions = {},
): Promise<AuthorizeAnswer> {
  const params = typeof query === 'string' ? query.replace(/^\?/, '') : query.toString();
  const cookie: Record<string, string> = options.cookie ? { cookie: options.cookie } : {};
  const response =
    method === 'GET'
      ? await fetch(params ? `${endpoint}?${params}` : endpoint, { redirect: 'manual', headers: cookie })
      : await fetch(options.urlQuery === undefined ? endpoint : `${endpoint}?${options.urlQuery.toString()}`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': options.contentType ?? 'application/x-www-form-urlencoded', ...cookie },
          body: params,
        });
  return classifyAuthorizeResponse(endpoint, response.status, response.headers.get('location') ?? undefined, await response.text());
}

/** Classifies an authorization endpoint's answer (status, Location, body) as authorizeAnswer() does. */
export function classifyAuthorizeResponse(endpoint: string, status: number, location: string | undefined, body: string): AuthorizeAnswer {
  if (location !== undefined) {
    const target = new URL(location, endpoint);
    if (target.origin === new URL(endpoint).origin) return { kind: 'interaction', status, location };
    const fragment = target.hash.length > 1;
    return { kind: 'redirect', status, location, via: fragment ? 'fragment' : 'query', ...pick(new URLSearchParams(fragment ? target.hash.slice(1) : target.search)) };
  }

  // form_post: <form method="post" action="REDIRECT_URI"> with hidden inputs (oidc-provider lib/response_modes/form_post.js:27).
  const form = /<form method="post" action="([^"]*)">([\s\S]*?)<\/form>/.exec(body);
  if (form && body.includes('<title>Submitting Callback</title>')) {
    const fields = new URLSearchParams();
    for (const [, name, value] of form[2]!.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)"\/>/g)) {
      fields.append(decodeHtml(name!), decodeHtml(value!));
    }
    return { kind: 'redirect', status, location: decodeHtml(form[1]!), via: 'form_post', ...pick(fields) };
  }

  // oidc-provider's default renderError page: <pre><strong>KEY</strong>: VALUE</pre> (lib/helpers/defaults.js:473).
  const fields = new URLSearchParams();
  for (const [, key, value] of body.matchAll(/<pre><strong>([^<]*)<\/strong>: ([^<]*)<\/pre>/g)) {
    fields.append(decodeHtml(key!), decodeHtml(value!));
  }
  // understudy's error page: <p class="error" role="alert"><strong>ERROR</strong>: DESCRIPTION</p>
  // (server/authorization/interaction/pages.ts errorPage).
  const understudy = /<p class="error" role="alert"><strong>([^<]*)<\/strong>: ([^<]*)<\/p>/.exec(body);
  if (understudy && !fields.has('error')) {
    fields.set('error', decodeHtml(understudy[1]!));
    fields.set('error_description', decodeHtml(understudy[2]!));
  }
  if (!fields.has('error')) {
    // Neither error page (e.g. Koa's plain "Not Found" for an unrouted method): report the status only.
    const text = body.trim().slice(0, 200);
    return { kind: 'page', status, ...(text && !text.startsWith('<') ? { errorDescription: text } : {}) };
  }
  return { kind: 'page', status, ...pick(fields) };
}

function pick(fields: URLSearchParams): Pick<AuthorizeAnswer, 'error' | 'errorDescription' | 'state' | 'iss' | 'code'> {
  const out: Pick<AuthorizeAnswer, 'error' | 'errorDescription' | 'state' | 'iss' | 'code'> = {};
  const error = fields.get('error');
  const errorDescription = fields.get('error_description');
  const state = fields.get('state');
  const iss = fields.get('iss');
  const code = fields.get('code');
  if (error !== null) out.error = error;
  if (errorDescription !== null) out.errorDescription = errorDescription;
  if (state !== null) out.state = state;
  if (iss !== null) out.iss = iss;
  if (code !== null) out.code = code;
  return out;
}
