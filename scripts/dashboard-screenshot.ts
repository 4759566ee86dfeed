/**
 * Writes docs/dashboard.png: starts a server, opens the dashboard in headless Chromium at
 * 1280x800, plays the demo story and takes the picture at the end of the rate-limit chapter,
 * while its fault rule is still active. Needs a Chromium: CHROMIUM_PATH, else /usr/bin/chromium.
 *
 *   node scripts/dashboard-screenshot.ts [out.png]
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './launch-chromium.ts';
import { createServer } from '../server/index.ts';
import { createDemoCast, playStory } from '../harness/demo/story.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = resolve(root, process.argv[2] ?? 'docs/dashboard.png');

const server = await createServer({ port: 0 });
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  await page.goto(`${server.urls.controlUrl}/`);
  await page.locator('body[data-ready="true"]').waitFor();
  const cast = await createDemoCast(server.urls);
  let taken = false;
  await playStory({
    cast,
    pauseMs: 80,
    listener: {
      async onChapterEnd(result) {
        if (result.chapter.id !== 'rate-limit') return;
        // Let the page draw the last events, then let a row's hover tooltip not get in the way.
        await page.locator('#faults li').first().waitFor();
        await page.locator('.bar-row[data-state="revoked"]').first().waitFor();
        await page.waitForTimeout(400);
        await page.mouse.move(0, 0);
        mkdirSync(dirname(out), { recursive: true });
        await page.screenshot({ path: out });
        taken = true;
      },
    },
  });
  if (!taken) throw new Error('the story has no rate-limit chapter to photograph');
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.close();
}
