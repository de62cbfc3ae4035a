import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/browser.js';
import { startServer, type RunningServer } from './support/server.js';

let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await startServer({ FLOWBOOK_TASKMANAGER_SLOTS: '3' });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('TaskManagers page, in Chromium', () => {
  it('shows the process a running job runs in, with its slots, memory and the job', async () => {
    const r = await fetch(`${server.origin}/api/v1/jobs`, {
      method: 'POST',
      headers: { authorization: `token ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ notebook: 'generated-sales', cellId: 'profit' }),
    });
    const { jobId } = (await r.json()) as { jobId: string };
    await page.goto(server.url);
    await page.getByRole('link', { name: 'TaskManagers' }).click();
    await page.getByTestId('taskmanagers-page').waitFor();
    const row = page.getByTestId('taskmanager-row').first();
    await row.waitFor({ timeout: 15_000 });
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain(jobId.slice(0, 8));
    const cells = await row.locator('td').allTextContents();
    expect(cells[0]).toBe('tm-1');
    expect(Number(cells[1])).toBeGreaterThan(0);
    expect(cells[2]).toBe('1 / 3');
    expect(cells[3]).toBe('2');
    expect(cells[4]).toMatch(/MiB \/ 1024\.0 MiB$/);
    // The job link opens the job's page.
    await row.getByRole('link', { name: jobId.slice(0, 8) }).click();
    await page.getByTestId('job-page').waitFor();
  }, 60_000);
});
