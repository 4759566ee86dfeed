import type { AuthorizationContext, AuthorizationHttpContext } from '../authorization-context.ts';
import { checkUserPassword } from '../user-credentials.ts';
import { OAuthError } from '../../profiles/oauth-error.ts';
import { AuthorizationPageError, AuthorizationRedirectError } from './authorization-errors.ts';
import { consentScopes } from './authorization-request.ts';
import { clearBrowserCookie, interactionCookie, readBrowserCookie, sessionCookie, setBrowserCookie } from './browser-cookies.ts';
import { browserSession, continueAuthorization, sendPage, targetOf, withInteractionErrors } from './interaction-flow.ts';
import type { Interaction } from './interactions.ts';
import { consentPage, loginPage } from './pages.ts';
import { readInteractionParams } from './read-interaction-params.ts';
import { ownPath } from './registered-uri.ts';

/**
 * The login and consent pages: GET shows the form, POST takes its answer. The interaction id
 * is in the page's form and in a cookie; both must agree, so a link opened in another browser
 * (or a forged form) cannot finish someone else's sign-in.
 */

function findInteraction(ctx: AuthorizationHttpContext, server: AuthorizationContext, params: Map<string, string[]>): Interaction {
  const uid = params.get('interaction')?.[0];
  const interaction = server.interactions.get(uid, server.clock.nowSeconds());
  if (!uid || !interaction || readBrowserCookie(ctx, interactionCookie(server.urls.baseUrl, uid)) !== uid) {
    throw new AuthorizationPageError('invalid_request', 'this sign-in page has expired or belongs to another browser', {
      hint: 'Go back to the application and sign in again.',
      reason: !uid ? 'no interaction id' : !interaction ? 'unknown or expired interaction' : 'the interaction cookie does not match',
    });
  }
  ctx.state.entry.clientId = interaction.request.clientId;
  ctx.state.entry.grant = interaction.grantId;
  return interaction;
}

/**
 * Where the form's answer may redirect: form-action also governs the redirect that answers a form
 * (Chrome enforces it). The origin, or for a native app's custom scheme ("com.example.app:/cb",
 * whose origin is "null") the scheme: never the path, which could carry a ";" into the policy.
 */
function formTargets(interaction: Interaction): string[] {
  const url = new URL(interaction.request.redirectUri);
  return [url.origin === 'null' ? url.protocol : url.origin];
}

export function loginEndpoint(server: AuthorizationContext) {
  return (ctx: AuthorizationHttpContext) =>
    withInteractionErrors(ctx, server, async () => {
      const params = await readInteractionParams(ctx, server.config.server.maxBodyBytes);
      const interaction = findInteraction(ctx, server, params);
      const client = server.clients.get(interaction.request.clientId);
      const view = {
        action: ownPath(server.urls.baseUrl, server.profile.paths.login),
        interaction: interaction.uid,
        tenant: server.config.tenant,
        clientName: client?.name ?? interaction.request.clientId,
        username: interaction.request.loginHint,
      };
      const entry = ctx.state.entry;
      if (ctx.method !== 'POST') {
        sendPage(ctx, 200, loginPage(view), formTargets(interaction));
        entry.decision = 'served';
        entry.interaction = 'login_shown';
        entry.reason = `showed the login page for ${interaction.request.clientId}`;
        return;
      }
      if (params.get('action')?.[0] === 'cancel') {
        server.interactions.end(interaction.uid);
        clearBrowserCookie(ctx, interactionCookie(server.urls.baseUrl, interaction.uid));
        throw new AuthorizationRedirectError(new OAuthError('access_denied', 'The user canceled the sign-in.', { reason: 'the user pressed Cancel on the login page' }), targetOf(interaction.request));
      }
      const username = params.get('username')?.[0] ?? '';
      const password = params.get('password')?.[0] ?? '';
      const user = checkUserPassword(server.config.users, username, password);
      if (!user) {
        sendPage(ctx, 200, loginPage({ ...view, username, error: 'You entered an incorrect user name or password.' }), formTargets(interaction));
        entry.decision = 'rejected';
        entry.interaction = 'login_failed';
        entry.user = username.slice(0, 200) || undefined;
        entry.reason = server.config.users.some((u) => u.username === username) ? `wrong password for ${username}` : `no user ${username.slice(0, 200) || '(empty)'}`;
        return;
      }
      const now = server.clock.nowSeconds();
      const previous = readBrowserCookie(ctx, sessionCookie(server.urls.baseUrl));
      if (previous) server.sessions.end(previous);
      const session = server.sessions.create(user.username, now, server.config.sessionTtl);
      setBrowserCookie(ctx, sessionCookie(server.urls.baseUrl), session.cookie);
      interaction.session = session;
      // The step the journal records is the login, whatever comes next (a fault may refuse the next step).
      entry.user = user.username;
      entry.interaction = 'login_succeeded';
      entry.reason = `${user.username} logged in`;
      continueAuthorization(ctx, server, interaction.request, interaction);
    }, 'page');
}

export function consentEndpoint(server: AuthorizationContext) {
  return (ctx: AuthorizationHttpContext) =>
    withInteractionErrors(ctx, server, async () => {
      const params = await readInteractionParams(ctx, server.config.server.maxBodyBytes);
      const interaction = findInteraction(ctx, server, params);
      const now = server.clock.nowSeconds();
      // The browser's session counts only when the flow itself sent it here (it judged the session
      // good enough: no prompt=login, max_age met); a login this interaction asked for must happen.
      const live = interaction.session && server.sessions.isLive(interaction.session, now) ? interaction.session : undefined;
      const session = live ?? (interaction.step === 'consent' ? browserSession(ctx, server) : undefined);
      if (!session) {
        // Nobody is signed in (any more), or a login comes first: the flow says where to go.
        interaction.session = undefined;
        continueAuthorization(ctx, server, interaction.request, interaction);
        return;
      }
      const { request } = interaction;
      const entry = ctx.state.entry;
      entry.user = session.username;
      const user = server.config.users.find((u) => u.username === session.username);
      if (ctx.method !== 'POST') {
        const client = server.clients.get(request.clientId);
        const view = {
          action: ownPath(server.urls.baseUrl, server.profile.paths.consent),
          interaction: interaction.uid,
          clientName: client?.name ?? request.clientId,
          userDisplayName: user?.displayName ?? session.username,
          scopes: consentScopes(request),
        };
        sendPage(ctx, 200, consentPage(view), formTargets(interaction));
        entry.decision = 'served';
        entry.interaction = 'consent_shown';
        entry.reason = `asked ${session.username} to consent to ${request.clientId}: ${view.scopes.join(' ')}`;
        return;
      }
      if (params.get('action')?.[0] !== 'allow') {
        server.interactions.end(interaction.uid);
        clearBrowserCookie(ctx, interactionCookie(server.urls.baseUrl, interaction.uid));
        entry.interaction = 'consent_denied';
        throw new AuthorizationRedirectError(new OAuthError('access_denied', 'The user denied the consent.', { reason: `${session.username} denied consent to ${request.clientId}` }), targetOf(request));
      }
      server.consents.give(session.username, request.clientId, consentScopes(request));
      // The code follows from the session and the consent just given.
      interaction.consentGiven = true;
      entry.interaction = 'consent_given';
      entry.reason = `${session.username} consented to ${request.clientId}`;
      continueAuthorization(ctx, server, request, interaction);
    }, 'page');
}
