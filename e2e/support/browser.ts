import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Debian's Chromium (Playwright cannot download browsers here): installed as root when missing, else the exact command. */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  const cmd = 'apt-get update && apt-get install -y chromium';
  // `sudo` must cover both commands, hence `sh -c`.
  if (process.getuid?.() !== 0) throw new Error(`Chromium is missing at ${CHROMIUM}. Install it as root: sudo sh -c '${cmd}'`);
  execSync(cmd, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

export async function launchChromium(): Promise<Browser> {
  ensureChromium();
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
