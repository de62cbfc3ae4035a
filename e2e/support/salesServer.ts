import { expect } from 'vitest';
import type { Page } from 'playwright-core';

/**
 * Runs the sample's first code cell (the SaleDataServer on port 9181) and waits until it listens, not only until its
 * worker runs: a job started before then finds the port closed and retries with a growing delay (up to 10 s).
 */
export async function startSalesServer(page: Page): Promise<void> {
  await page.getByTestId('run-server').click();
  await expect.poll(() => page.getByTestId('status-server').textContent(), { timeout: 20_000 }).toBe('running');
  await page.getByTestId('cell-server').locator('.cell-log').filter({ hasText: 'Serving sales lines on port 9181' }).waitFor({ timeout: 20_000 });
}
