import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser.js';
import { startServer, type RunningServer } from './server.js';

/** What an end-to-end test file works with: its own server (on a free port, with a copy of the notebooks) and Chromium. */
export interface Session {
  server: RunningServer;
  browser: Browser;
  /** A page of the given viewport; undefined when the file opens its own pages (`viewport: false`). */
  page: Page;
}

/** Starts the built server and Chromium for one test file (in its beforeAll), and a page unless `viewport` is false. */
export async function openSession(options: { viewport: { width: number; height: number } | false; env?: Record<string, string> }): Promise<Session> {
  const server = await startServer(options.env);
  const browser = await launchChromium();
  const page = options.viewport === false ? (undefined as unknown as Page) : await browser.newPage({ viewport: options.viewport });
  return { server, browser, page };
}

/** Stops what openSession started (in the file's afterAll); either may be missing when beforeAll failed midway. */
export async function closeSession({ server, browser }: { server?: RunningServer; browser?: Browser }): Promise<void> {
  await browser?.close();
  await server?.stop();
}
