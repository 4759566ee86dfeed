import { hash } from 'node:crypto';

/**
 * The pages a person sees: login, consent, errors, signed out. Plain HTML forms, no script at
 * all, one stylesheet inlined and allowed by its hash, so the content security policy can be
 * strict (no 'unsafe-inline', no script-src).
 */

const STYLE = `
body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}
main{max-width:26rem;margin:4rem auto;background:#fff;border-radius:8px;padding:2rem;box-shadow:0 1px 4px #0002}
h1{font-size:1.4rem;margin:0 0 .25rem}
p.sub{margin:0 0 1.5rem;color:#555}
label{display:block;margin:1rem 0 .25rem;font-weight:600}
input[type=text],input[type=password]{box-sizing:border-box;width:100%;padding:.6rem;border:1px solid #8a8f98;border-radius:4px;font:inherit}
input:focus,button:focus{outline:3px solid #2b6cb0;outline-offset:2px}
.actions{display:flex;gap:.75rem;margin-top:1.5rem}
button{font:inherit;padding:.6rem 1.2rem;border-radius:4px;border:1px solid #2b6cb0;cursor:pointer}
button.primary{background:#2b6cb0;color:#fff}
button.secondary{background:#fff;color:#2b6cb0}
.error{background:#fde8e8;border:1px solid #c53030;color:#822;padding:.6rem;border-radius:4px}
ul.scopes{padding-left:1.2rem}
code{font-size:.9em;word-break:break-all}
footer{margin-top:2rem;font-size:.8rem;color:#777}
`;

const STYLE_HASH = `'sha256-${hash('sha256', STYLE, 'base64')}'`;

/**
 * What a page may do: nothing but style itself and post its form (and be redirected to the client
 * after). The empty data: icon keeps browsers from asking for /favicon.ico.
 */
export function pageSecurityHeaders(formTargets: readonly string[] = []): Record<string, string> {
  const formAction = ["'self'", ...new Set(formTargets)].join(' ');
  return {
    'content-security-policy': `default-src 'none'; style-src ${STYLE_HASH}; img-src 'self' data:; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
    pragma: 'no-cache',
  };
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><link rel="icon" href="data:,"><style>${STYLE}</style></head>
<body><main>
${body}
<footer>understudy: a local stand-in for Oracle IDCS. Not a real identity domain.</footer>
</main></body>
</html>
`;
}

export interface LoginPage {
  action: string;
  interaction: string;
  tenant: string;
  clientName: string;
  username?: string;
  error?: string;
}

export function loginPage(view: LoginPage): string {
  const error = view.error ? `<p class="error" role="alert">${escapeHtml(view.error)}</p>` : '';
  return page(
    'Sign In',
    `<h1>Sign In</h1>
<p class="sub">to <strong>${escapeHtml(view.clientName)}</strong> with your ${escapeHtml(view.tenant)} account</p>
${error}
<form method="post" action="${escapeHtml(view.action)}">
<input type="hidden" name="interaction" value="${escapeHtml(view.interaction)}">
<label for="username">User name</label>
<input type="text" id="username" name="username" autocomplete="username" required autofocus value="${escapeHtml(view.username ?? '')}">
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<div class="actions">
<button type="submit" class="primary" name="action" value="login">Sign In</button>
<button type="submit" class="secondary" name="action" value="cancel" formnovalidate>Cancel</button>
</div>
</form>`,
  );
}

export interface ConsentPage {
  action: string;
  interaction: string;
  clientName: string;
  userDisplayName: string;
  scopes: string[];
}

export function consentPage(view: ConsentPage): string {
  const scopes = view.scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('\n');
  return page(
    'Allow access',
    `<h1>Allow access?</h1>
<p class="sub">Signed in as <strong>${escapeHtml(view.userDisplayName)}</strong></p>
<p><strong>${escapeHtml(view.clientName)}</strong> asks to:</p>
<ul class="scopes">
${scopes}
</ul>
<form method="post" action="${escapeHtml(view.action)}">
<input type="hidden" name="interaction" value="${escapeHtml(view.interaction)}">
<div class="actions">
<button type="submit" class="primary" name="action" value="allow" autofocus>Allow</button>
<button type="submit" class="secondary" name="action" value="deny">Deny</button>
</div>
</form>`,
  );
}

/** An error the browser is shown instead of being sent back: the client or its redirect URI cannot be trusted. */
export function errorPage(error: string, description: string, hint?: string): string {
  return page(
    'Sign-in error',
    `<h1>Sign-in error</h1>
<p class="error" role="alert"><strong>${escapeHtml(error)}</strong>: ${escapeHtml(description)}</p>
${hint ? `<p>${escapeHtml(hint)}</p>` : ''}`,
  );
}

export function signedOutPage(): string {
  return page('Signed out', '<h1>You are signed out</h1>\n<p class="sub">Your session has ended. You can close this window.</p>');
}

/**
 * Where the embedded demo web app's answers land (its redirect and post-logout URI): what came
 * back, and the command that redeems a code.
 */
export function callbackPage(params: URLSearchParams, redeemCommand: string | undefined): string {
  const rows = [...params].map(([k, v]) => `<li><code>${escapeHtml(k)}</code> = <code>${escapeHtml(v)}</code></li>`).join('\n');
  const redeem = redeemCommand ? `<p>Redeem the code before it expires:</p>\n<p><code>${escapeHtml(redeemCommand)}</code></p>` : '';
  return page('Back at the demo web app', `<h1>Back at the demo web app</h1>\n<p class="sub">understudy sent the browser here with:</p>\n<ul>\n${rows || '<li>(no parameters)</li>'}\n</ul>\n${redeem}`);
}
