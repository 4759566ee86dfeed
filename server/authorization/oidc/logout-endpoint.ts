import type { AuthorizationContext, AuthorizationHttpContext } from '../authorization-context.ts';
import { readUnverified } from '../../tokens/index.ts';
import { appendParameters, AuthorizationPageError } from '../interaction/authorization-errors.ts';
import { MAX_PARAMETER_LENGTH, tooLong } from '../interaction/parse-authorization-request.ts';
import { clearBrowserCookie, readBrowserCookie, sessionCookie } from '../interaction/browser-cookies.ts';
import { redirect, sendPage, withInteractionErrors } from '../interaction/interaction-flow.ts';
import { signedOutPage } from '../interaction/pages.ts';
import { readInteractionParams } from '../interaction/read-interaction-params.ts';
import { findRegisteredUri } from '../interaction/registered-uri.ts';
import { verifyIdTokenHint } from './id-token-hint.ts';

/**
 * RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0 §2; IDCS /oauth2/v1/userlogout):
 * ends the browser's session, then sends it to post_logout_redirect_uri (with state) when the
 * client named by id_token_hint registered that exact URL, or shows the signed-out page. As
 * IDCS does, a post_logout_redirect_uri without id_token_hint is refused (idcs-wire.md §8g). As
 * IDCS's GET userlogout, it asks no confirmation: any page can sign the browser out.
 */
export function logoutEndpoint(server: AuthorizationContext) {
  return (ctx: AuthorizationHttpContext) =>
    withInteractionErrors(ctx, server, async () => {
      const params = await readInteractionParams(ctx, server.config.server.maxBodyBytes);
      const single = (name: string) => {
        const values = params.get(name);
        if (values && values.length > 1) throw new AuthorizationPageError('invalid_request', `parameter ${name} must only be provided once`);
        return values?.[0] || undefined;
      };
      const hint = single('id_token_hint');
      const postLogout = single('post_logout_redirect_uri');
      const state = single('state');
      if (state !== undefined && tooLong(state)) {
        throw new AuthorizationPageError('invalid_request', `parameter state is longer than ${MAX_PARAMETER_LENGTH} characters (form-encoded)`);
      }
      const entry = ctx.state.entry;

      let clientId: string | undefined;
      let hinted: string | undefined;
      if (hint !== undefined) {
        const verified = await verifyIdTokenHint(hint, server);
        if (!verified.ok) throw new AuthorizationPageError('invalid_request', 'id_token_hint is not an ID token this server issued', { reason: `id_token_hint rejected: ${verified.problem}` });
        clientId = verified.clientId;
        hinted = verified.subject;
        entry.clientId = clientId;
      }
      let destination: string | undefined;
      if (postLogout !== undefined) {
        if (clientId === undefined) {
          throw new AuthorizationPageError('invalid_request', 'post_logout_redirect_uri needs id_token_hint, to know which client registered it', { reason: 'post_logout_redirect_uri without id_token_hint' });
        }
        const client = server.clients.get(clientId);
        destination = client && findRegisteredUri(client.postLogoutRedirectUris, postLogout, server.urls.baseUrl);
        if (destination === undefined) {
          throw new AuthorizationPageError('invalid_request', "post_logout_redirect_uri does not match any of the client's registered post_logout_redirect_uris", {
            hint: `Registered for ${clientId}: ${client?.postLogoutRedirectUris.join(', ') || '(none)'}.`,
            reason: `post_logout_redirect_uri ${postLogout.slice(0, 300)} is not registered for ${clientId}`,
          });
        }
      }

      const cookie = readBrowserCookie(ctx, sessionCookie(server.urls.baseUrl));
      const current = server.sessions.get(cookie, server.clock.nowSeconds());
      // RP-Initiated Logout 1.0 §2: a hint for another user than the one signed in is suspect; that session stays.
      if (current && hinted !== undefined && current.username !== hinted) {
        throw new AuthorizationPageError('invalid_request', 'id_token_hint names another user than the one signed in', { reason: `id_token_hint is ${hinted}'s; the session is ${current.username}'s` });
      }
      const session = cookie === undefined || !current ? undefined : server.sessions.end(cookie);
      clearBrowserCookie(ctx, sessionCookie(server.urls.baseUrl));
      entry.decision = 'served';
      // A sign-in step only when a session ended: "no session to end" is not a sign-out.
      if (session) entry.interaction = 'signed_out';
      entry.user = session?.username ?? (hint ? String(readUnverified(hint)?.sub ?? '') || undefined : undefined);
      entry.reason = session ? `ended the session of ${session.username}` : 'no session to end';
      if (destination !== undefined) {
        redirect(ctx, appendParameters(destination, new URLSearchParams(state === undefined ? {} : { state })));
        entry.reason += `; sent back to ${postLogout}`;
      } else {
        sendPage(ctx, 200, signedOutPage());
      }
    });
}
