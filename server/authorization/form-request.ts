import { BodyError, parseForm, readBody } from '../http/read-body.ts';
import type { HttpContext } from '../http/types.ts';
import { OAuthError } from '../profiles/oauth-error.ts';

/**
 * Reads an OAuth form POST (token, introspection, revocation): POST only, form-encoded,
 * within the size limit, and every parameter at most once (RFC 6749 §3.1). The body is read
 * once per request: the fault layer (which matches on client and scope) and the endpoint share it.
 * @returns single-valued parameters.
 * @throws OAuthError (the same one to every caller) when the request is not a well-formed form POST.
 */
export function readFormRequest(ctx: HttpContext, limit: number): Promise<Map<string, string>> {
  ctx.state.form ??= parseFormRequest(ctx, limit);
  return ctx.state.form;
}

async function parseFormRequest(ctx: HttpContext, limit: number): Promise<Map<string, string>> {
  if (ctx.method !== 'POST') {
    ctx.set('allow', 'POST');
    throw new OAuthError('invalid_request', `this endpoint only accepts POST, not ${ctx.method}`, { status: 405 });
  }
  if (!ctx.is('application/x-www-form-urlencoded')) {
    const type = ctx.get('content-type') || 'none';
    throw new OAuthError('invalid_request', `the body must be application/x-www-form-urlencoded (Content-Type was ${type})`);
  }
  let body: Buffer;
  try {
    body = await readBody(ctx.req, limit);
  } catch (error) {
    if (error instanceof BodyError) throw new OAuthError('invalid_request', error.message, { status: error.status });
    throw new OAuthError('invalid_request', 'the request body could not be read');
  }
  const form = parseForm(body);
  const params = new Map<string, string>();
  for (const [key, values] of form) {
    if (values.length > 1) throw new OAuthError('invalid_request', `parameter ${key} must only be provided once`);
    // §3.1: "Parameters sent without a value MUST be treated as if they were omitted from the request."
    if (values[0] !== '') params.set(key, values[0] as string);
  }
  ctx.state.entry.params = [...form.keys()];
  return params;
}
