/**
 * Writes docs/login-page.png and docs/consent-page.png: starts a server with the embedded
 * configuration, opens an authorization request of its demo web app in headless Chromium at
 * 900x700, photographs the login page, signs in as the demo user and photographs the consent
 * page (without answering it). Needs a Chromium: CHROMIUM_PATH, else /usr/bin/chromium.
 *
 *   node scripts/login-screenshot.ts [out-dir]
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './launch-chromium.ts';
import { createServer } from '../server/index.ts';
import { DEMO_REDIRECT_URI, DEMO_USER } from '../server/config/defaults.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = resolve(root, process.argv[2] ?? 'docs');

const server = await createServer({ port: 0 });
const browser = await launchChromium();
try {
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL(server.urls.authorizeUrl);
  authorize.search = new URLSearchParams({
    client_id: 'demo-web-app',
    response_type: 'code',
    // Registered as a path on understudy itself (or, in older configs, as an absolute URL).
    redirect_uri: new URL(DEMO_REDIRECT_URI, server.url).href,
    scope: 'openid profile email',
    state: randomBytes(16).toString('base64url'),
    nonce: randomBytes(16).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();

  const page = await browser.newPage({ viewport: { width: 900, height: 700 }, deviceScaleFactor: 1 });
  mkdirSync(outDir, { recursive: true });

  await page.goto(authorize.href);
  if ((await page.title()) !== 'Sign In') throw new Error(`expected the login page, got "${await page.title()}" at ${page.url()}`);
  // As a person finds it: the caret in the user name field (autofocus).
  await page.locator('#username:focus').waitFor();
  const login = resolve(outDir, 'login-page.png');
  await page.screenshot({ path: login });
  console.log(`wrote ${login}`);

  await page.keyboard.type(DEMO_USER);
  await page.keyboard.press('Tab');
  await page.keyboard.type('demo-password');
  const loginPath = new URL(page.url()).pathname;
  await Promise.all([page.waitForURL((url) => url.pathname !== loginPath), page.keyboard.press('Enter')]);
  if ((await page.title()) !== 'Allow access') throw new Error(`expected the consent page, got "${await page.title()}" at ${page.url()}`);
  await page.locator('button:focus').waitFor();
  const consent = resolve(outDir, 'consent-page.png');
  await page.screenshot({ path: consent });
  console.log(`wrote ${consent}`);
} finally {
  await browser.close();
  await server.close();
}
