import { DEMO_REDIRECT_URI } from '../config/defaults.ts';
import type { HttpContext } from '../http/types.ts';
import { callbackPage, pageSecurityHeaders } from '../authorization/interaction/pages.ts';
import type { ControlContext } from './control-context.ts';

/** The embedded demo web app: its id and secret in the embedded configuration. */
const DEMO_CLIENT = { id: 'demo-web-app', secret: 'demo-web-secret' };

/**
 * GET /_understudy/callback: the embedded demo web app's redirect (and post-logout) URI, so that
 * `npm start` can show a whole sign-in without any app of one's own.
 */
export function demoCallback(server: Pick<ControlContext, 'clients' | 'urls'>) {
  return (ctx: HttpContext): undefined => {
    const params = new URLSearchParams(ctx.querystring);
    const code = params.get('code');
    const demo = server.clients.get(DEMO_CLIENT.id);
    // Only a code of the shape understudy issues goes into a command the person may paste into a shell.
    const redeem =
      code && /^[A-Za-z0-9_-]+=*$/.test(code) && demo?.secret === DEMO_CLIENT.secret
        ? `curl -s -u ${DEMO_CLIENT.id}:${DEMO_CLIENT.secret} -d grant_type=authorization_code --data-urlencode 'code=${code}' --data-urlencode 'redirect_uri=${server.urls.baseUrl}${DEMO_REDIRECT_URI}' ${server.urls.tokenUrl}`
        : undefined;
    ctx.status = 200;
    ctx.set(pageSecurityHeaders());
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = callbackPage(params, redeem);
    return undefined;
  };
}
