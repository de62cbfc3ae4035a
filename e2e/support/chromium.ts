import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const INSTALL_CHROMIUM = 'apt-get install -y chromium';

/** Debian's Chromium drives the tests (no Playwright browser download). Installed when we are root; otherwise say how. */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  if (process.getuid?.() !== 0) throw new Error(`Chromium is missing at ${CHROMIUM_PATH}. Run as root: ${INSTALL_CHROMIUM}`);
  execSync(`apt-get update && ${INSTALL_CHROMIUM}`, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`${INSTALL_CHROMIUM} did not provide ${CHROMIUM_PATH}`);
  return CHROMIUM_PATH;
}

/** Headless Chromium with nothing that would reach the network on its own. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: ensureChromium(),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
