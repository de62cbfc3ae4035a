import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSession, openSession } from './support/session.js';
import type { RunningServer } from './support/server.js';

let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ server, browser, page } = await openSession({ viewport: { width: 1280, height: 1000 } }));
  await page.goto(server.url);
});
afterAll(() => closeSession({ server, browser }));

describe('chart cells, in Chromium', () => {
  it('shows another cell\'s live output as a view of its own, with its own saved settings', async () => {
    await page.goto(`${server.origin}/notebook/generated-sales`);
    await page.getByTestId('run-profit').click();
    await expect.poll(() => page.getByTestId('status-profit').textContent(), { timeout: 20_000 }).toBe('running');
    await page.getByTestId('cell-profit').click();
    await page.getByTestId('insert-chart').click();
    const cells = async () => (await page.evaluate(async () => ((await (await fetch('/api/notebooks/generated-sales')).json()) as { notebook: { cells: { id: string; type: string; of?: { cellId: string }; settings?: { type: string } }[] } }).notebook.cells));
    await expect.poll(async () => (await cells()).map((c) => c.type), { timeout: 10_000 }).toEqual(['markdown', 'code', 'chart']);
    const id = (await cells())[2]!.id;
    await page.getByTestId(`chart-of-${id}`).selectOption({ label: 'profit / profit' });
    // The same rows as the source cell, shown as a table here while the source cell keeps its line chart.
    await page.getByTestId(`view-${id}-profit`).selectOption('table');
    await page.getByTestId(`chart-cell-${id}`).locator('.result-table tbody tr').first().waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('view-profit-profit').inputValue()).toBe('line');
    await expect.poll(async () => (await cells())[2], { timeout: 10_000 }).toMatchObject({ of: { cellId: 'profit', sink: 'profit' }, settings: { type: 'table' } });
    await page.getByTestId('cancel-profit').click();
    await expect.poll(() => page.getByTestId('status-profit').textContent(), { timeout: 10_000 }).toBe('cancelled');
    // After a reload the chart cell shows the saved results of its source, in its own view.
    await page.reload();
    await page.getByTestId(`chart-cell-${id}`).locator('.result-table tbody tr').first().waitFor({ timeout: 10_000 });
  });
});
