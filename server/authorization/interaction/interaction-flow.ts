import type { AuthorizationContext, AuthorizationHttpContext } from '../authorization-context.ts';
import { OAuthError } from '../../profiles/oauth-error.ts';
import { AuthorizationPageError, AuthorizationRedirectError, redirectUrl, type RedirectTarget } from './authorization-errors.ts';
import { consentScopes, type AuthorizationRequest } from './authorization-request.ts';
import { clearBrowserCookie, interactionCookie, readBrowserCookie, sessionCookie, setBrowserCookie } from './browser-cookies.ts';
import type { Interaction } from './interactions.ts';
import type { AuthorizationStep } from '../token-hooks.ts';
import { errorPage, pageSecurityHeaders } from './pages.ts';
import type { LoginSession } from './sessions.ts';
import { ownPath } from './registered-uri.ts';

/**
 * What happens between an authorization request and its answer, one step at a time: log in
 * (unless a session covers it), consent (unless given before), then a code. Each HTTP request
 * does one step and is one journal entry, whose reason says what was decided.
 */

export function targetOf(request: AuthorizationRequest): RedirectTarget {
  return { redirectUri: request.redirectUri, responseMode: request.responseMode, state: request.state };
}

/** The live session the browser's cookie names, if any. */
export function browserSession(ctx: AuthorizationHttpContext, server: AuthorizationContext): LoginSession | undefined {
  return server.sessions.get(readBrowserCookie(ctx, sessionCookie(server.urls.baseUrl)), server.clock.nowSeconds());
}

/** Does this request need the person to log in, given the session (OIDC Core §3.1.2.1 prompt and max_age)? */
function needsLogin(request: AuthorizationRequest, session: LoginSession | undefined, interaction: Interaction | undefined, now: number): boolean {
  if (interaction?.session !== undefined) return false;
  if (!session) return true;
  if (request.prompt.has('login') || request.prompt.has('select_account')) return true;
  // OIDC Core §3.1.2.1: log in again when more than max_age seconds have passed; max_age=0 is
  // always (oidc-provider takes it as prompt=login).
  return request.maxAge !== undefined && (request.maxAge === 0 || now - session.authTime > request.maxAge);
}

function needsConsent(server: AuthorizationContext, request: AuthorizationRequest, username: string, interaction: Interaction | undefined): boolean {
  const client = server.clients.get(request.clientId);
  if (!client?.requireConsent) return false;
  if (interaction?.consentGiven) return false;
  if (request.prompt.has('consent')) return true;
  return !server.consents.covers(username, request.clientId, consentScopes(request));
}

/**
 * The next step of an authorization: the login page, the consent page, or the code. A
 * request with prompt=none that needs either is answered at once with login_required or
 * consent_required (OIDC Core §3.1.2.6).
 */
export function continueAuthorization(ctx: AuthorizationHttpContext, server: AuthorizationContext, request: AuthorizationRequest, interaction?: Interaction): void {
  const now = server.clock.nowSeconds();
  // A session made in this interaction that ended before it finished (the clock moved on) counts for nothing.
  if (interaction?.session && !server.sessions.isLive(interaction.session, now)) interaction.session = undefined;
  const session = browserSession(ctx, server);
  if (needsLogin(request, session, interaction, now)) {
    if (request.prompt.has('none')) throw redirectError(request, 'login_required', 'End-User authentication is required', session ? 'the session is older than max_age' : 'no session: the user is not signed in');
    consultHooks(ctx, request, 'login');
    showStep(ctx, server, request, interaction, 'login');
    return;
  }
  // No login needed: the interaction's own session, or the browser's, is live.
  const signedIn = (interaction?.session ?? session) as LoginSession;
  if (needsConsent(server, request, signedIn.username, interaction)) {
    if (request.prompt.has('none')) throw redirectError(request, 'consent_required', 'End-User consent is required', `${signedIn.username} has not consented to ${request.clientId} for these scopes`);
    consultHooks(ctx, request, 'consent');
    showStep(ctx, server, request, interaction, 'consent', signedIn.username);
    return;
  }
  consultHooks(ctx, request, 'code');
  issueCode(ctx, server, request, signedIn, interaction);
}

/** Lets hooks (fault rules) end the authorization with an error at the redirect URI before this step. */
function consultHooks(ctx: AuthorizationHttpContext, request: AuthorizationRequest, step: AuthorizationStep): void {
  for (const hook of ctx.state.authorizationHooks ?? []) {
    const error = hook.refuse?.(request, step);
    if (error) throw new AuthorizationRedirectError(error, targetOf(request));
  }
}

function redirectError(request: AuthorizationRequest, error: 'login_required' | 'consent_required', description: string, reason: string): AuthorizationRedirectError {
  return new AuthorizationRedirectError(new OAuthError(error, description, { reason }), targetOf(request));
}

/** Sends the browser to the login or consent page of this authorization (starting an interaction if there is none yet). */
function showStep(ctx: AuthorizationHttpContext, server: AuthorizationContext, request: AuthorizationRequest, current: Interaction | undefined, step: 'login' | 'consent', username?: string): void {
  const interaction = current ?? server.interactions.start(request, server.refreshTokens.newGrant(), server.clock.nowSeconds());
  interaction.step = step;
  setBrowserCookie(ctx, interactionCookie(server.urls.baseUrl, interaction.uid), interaction.uid);
  const path = step === 'login' ? server.profile.paths.login : server.profile.paths.consent;
  redirect(ctx, `${ownPath(server.urls.baseUrl, path)}?interaction=${interaction.uid}`);
  const entry = ctx.state.entry;
  entry.decision = 'served';
  entry.grant = interaction.grantId;
  // A page that moved the interaction on (a login) has already said which step this request was.
  entry.interaction ??= step === 'login' ? 'login_required' : 'consent_required';
  entry.reason = joinReason(entry.reason, step === 'login' ? `${request.clientId} needs a login: sent to the login page` : `${username ?? 'the user'} must consent to ${request.clientId}: sent to the consent page`);
}

/** The code, sent to the client's redirect URI: the end of a successful authorization. */
function issueCode(ctx: AuthorizationHttpContext, server: AuthorizationContext, request: AuthorizationRequest, session: LoginSession, interaction: Interaction | undefined): void {
  const now = server.clock.nowSeconds();
  const grantId = interaction?.grantId ?? server.refreshTokens.newGrant();
  const code = server.codes.issue({
    request,
    username: session.username,
    authTime: session.authTime,
    sid: session.sid,
    sessionExp: session.exp,
    exp: now + server.config.authorizationCodeTtl,
    grantId,
  });
  if (interaction) {
    server.interactions.end(interaction.uid);
    clearBrowserCookie(ctx, interactionCookie(server.urls.baseUrl, interaction.uid));
  }
  redirect(ctx, redirectUrl(targetOf(request), { code, iss: issuerParameter(server) }));
  const entry = ctx.state.entry;
  entry.decision = 'issued';
  entry.interaction ??= 'code_issued';
  entry.grant = grantId;
  entry.user = session.username;
  entry.clientId = request.clientId;
  entry.reason = joinReason(entry.reason, `issued a ${server.config.authorizationCodeTtl}s authorization code to ${request.clientId} for ${session.username}`);
}

/** What a page did, then what followed: one sentence for the journal. */
function joinReason(done: string | undefined, next: string): string {
  return done ? `${done}; ${next}` : next;
}

/** 302 after a GET, 303 after a form POST (so the browser follows with a GET). */
export function redirect(ctx: AuthorizationHttpContext, location: string): void {
  ctx.status = ctx.method === 'POST' ? 303 : 302;
  ctx.set('location', location);
  ctx.set({ 'cache-control': 'no-store', pragma: 'no-cache' });
  ctx.body = '';
}

export function sendPage(ctx: AuthorizationHttpContext, status: number, html: string, formTargets: readonly string[] = []): void {
  ctx.status = status;
  ctx.set(pageSecurityHeaders(formTargets));
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = html;
}

/** RFC 9207: the rfc9068 profile names itself in every authorization answer; IDCS does not (nor says it does). */
function issuerParameter(server: Pick<AuthorizationContext, 'profile' | 'urls'>): string | undefined {
  return server.profile.name === 'rfc9068' ? server.urls.issuer : undefined;
}

/**
 * Answers an interaction error: a page (IDCS: a JSON body) for one that cannot be sent back, a
 * redirect with error and state for the others.
 */
export async function withInteractionErrors(
  ctx: AuthorizationHttpContext,
  server: Pick<AuthorizationContext, 'profile' | 'urls'>,
  run: () => void | Promise<void>,
  /** The login and consent pages show their errors as pages whatever the profile (IDCS's own pages are HTML). */
  errors: 'profile' | 'page' = 'profile',
): Promise<void> {
  try {
    await run();
  } catch (error) {
    const entry = ctx.state.entry;
    if (error instanceof AuthorizationPageError) {
      const json = errors === 'profile' ? server.profile.authorizationErrorBody(error.error, error.description, ctx.state.requestId) : undefined;
      if (json) {
        ctx.status = error.status;
        ctx.set({ 'cache-control': 'no-store', pragma: 'no-cache', ...server.profile.responseHeaders(ctx.state.requestId) });
        ctx.body = json;
      } else {
        sendPage(ctx, error.status, errorPage(error.error, error.description, error.hint));
      }
      entry.decision = 'rejected';
      entry.error = error.error;
      entry.reason = joinReason(entry.reason, error.reason);
    } else if (error instanceof AuthorizationRedirectError) {
      redirect(ctx, redirectUrl(error.target, { error: error.oauth.error, error_description: error.oauth.description, iss: issuerParameter(server) }));
      entry.decision = 'rejected';
      entry.error = error.oauth.error;
      entry.reason = joinReason(entry.reason, error.oauth.reason);
    } else {
      throw error;
    }
  }
}
