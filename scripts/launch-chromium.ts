import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** The Chromium the screenshot scripts drive (CHROMIUM_PATH, else Debian's); exits 2 naming what to install when there is none. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    console.error(`no Chromium at ${executablePath}; install one (apt-get install chromium) or set CHROMIUM_PATH`);
    process.exit(2);
  }
  return chromium.launch({ executablePath, args: ['--no-sandbox'] });
}
