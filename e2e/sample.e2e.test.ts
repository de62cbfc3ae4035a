import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSession, openSession } from './support/session.js';
import { repoRoot, type RunningServer } from './support/server.js';
import { startSalesServer } from './support/salesServer.js';

let server: RunningServer;
let browser: Browser;
let page: Page;
const shots = path.join(repoRoot, 'test-results');
const requests: string[] = [];

beforeAll(async () => {
  ({ server, browser, page } = await openSession({ viewport: { width: 1280, height: 1000 } }));
  mkdirSync(shots, { recursive: true });
  page.on('request', (r) => requests.push(r.url()));
});

afterAll(() => closeSession({ server, browser }));

const points = async () => Number(await page.getByTestId('chart-profit').getAttribute('data-points'));

describe('the sample notebook, in Chromium', () => {
  it('logs in with the token URL and lists the sample notebook', async () => {
    await page.goto(server.url);
    expect(new URL(page.url()).search).toBe(''); // the token left the address bar for an HttpOnly cookie
    await page.getByTestId('notebook-list').getByText('Sales profit per month').waitFor();
  });

  it('opens the notebook, runs the cell, and the live chart grows', async () => {
    await page.getByText('Sales profit per month').click();
    await page.getByTestId('markdown-intro').locator('h1').waitFor();
    expect(await page.getByTestId('markdown-intro').locator('h1').textContent()).toBe('Sales profit per month');
    // Monaco is loaded from the app's own bundle.
    await page.locator('.monaco-editor').first().waitFor();
    // The sample's first code cell serves the sales lines on port 9181; the pipeline cell reads them.
    await startSalesServer(page);
    await page.getByTestId('run-profit').click();
    await expect.poll(() => page.getByTestId('status-profit').textContent(), { timeout: 20_000 }).toBe('running');
    await page.getByTestId('chart-profit').waitFor({ timeout: 20_000 });
    const first = await points();
    expect(first).toBeGreaterThan(0);
    // Windows close every 2 s: a few seconds later the chart has more points.
    await expect.poll(points, { timeout: 15_000, intervals: [500] }).toBeGreaterThan(first);
    const second = await points();
    await expect.poll(points, { timeout: 15_000, intervals: [500] }).toBeGreaterThan(second);
    expect(Number((await page.getByTestId('elapsed-profit').textContent())!.replace(/[^\d.]/g, ''))).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(shots, 'sample-running.png'), fullPage: true });
    await page.getByTestId('cancel-profit').click();
    await expect.poll(() => page.getByTestId('status-profit').textContent(), { timeout: 10_000 }).toBe('cancelled');
  });

  it('shows the saved results when the notebook is opened again', async () => {
    await expect
      .poll(async () => {
        await page.reload();
        await page.getByTestId('status-profit').waitFor();
        return page.getByTestId('status-profit').textContent();
      }, { timeout: 15_000 })
      .toBe('cancelled');
    await page.getByTestId('chart-profit').waitFor();
    expect(await points()).toBeGreaterThan(0);
  });

  it('shows the job on the Jobs page', async () => {
    await page.getByRole('link', { name: 'Jobs' }).click();
    await page.getByTestId('jobs-page').getByText('sales-profit-per-month / profit').first().waitFor();
    await page.screenshot({ path: path.join(shots, 'jobs.png') });
  });

  it('loaded nothing from outside this server', () => {
    const foreign = requests.filter((u) => !u.startsWith(server.origin) && !u.startsWith('data:') && !u.startsWith('blob:'));
    expect(foreign).toEqual([]);
  });
});
