import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSession, openSession } from './support/session.js';
import type { RunningServer } from './support/server.js';
import { startSalesServer } from './support/salesServer.js';

let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ server, browser, page } = await openSession({ viewport: { width: 1280, height: 1000 } }));
});

afterAll(() => closeSession({ server, browser }));

/** The table's first page (newest first) and its total ("rows 1–50 of N"). */
async function table(): Promise<{ rows: string[]; total: number }> {
  await page.getByTestId('view-profit-profit').selectOption('table');
  const rows = await page.locator('[data-testid="sink-profit-profit"] .result-table tbody tr').allTextContents();
  const range = (await page.locator('[data-testid="sink-profit-profit"]').getByTestId('table-range').textContent()) ?? '';
  await page.getByTestId('view-profit-profit').selectOption('line');
  return { rows, total: Number(/of (\d+)/.exec(range)?.[1] ?? rows.length) };
}

describe('live results across a lost connection', () => {
  it('after the socket reconnects, the server replay replaces the rows: none doubled, none lost', async () => {
    await page.goto(server.url);
    await page.getByTestId('notebook-list').getByText('Sales profit per month').click();
    // The sample's first code cell serves the sales lines on port 9181; the pipeline cell reads them.
    await startSalesServer(page);
    await page.getByTestId('run-profit').click();
    await expect.poll(async () => (await table()).total, { timeout: 20_000, intervals: [500] }).toBeGreaterThanOrEqual(24);
    const before = (await table()).total;

    // Chromium's offline mode drops the websocket; socket.io reconnects and joins the notebook again.
    await page.context().setOffline(true);
    await page.waitForTimeout(3_000);
    await page.context().setOffline(false);
    // Reconnecting may take a few seconds (socket.io backs off); then new windows arrive again.
    await expect.poll(async () => (await table()).total, { timeout: 30_000, intervals: [500] }).toBeGreaterThan(before + 12);

    // Newest first: a doubled replay would show the same window twice on the first page.
    const { rows } = await table();
    expect(new Set(rows).size).toBe(rows.length);
    expect(await page.getByTestId('status-profit').textContent()).toBe('running');
    await page.getByTestId('cancel-profit').click();
    await expect.poll(() => page.getByTestId('status-profit').textContent(), { timeout: 10_000 }).toBe('cancelled');
  });
});
