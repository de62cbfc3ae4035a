import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSession, openSession } from './support/session.js';
import { repoRoot, type RunningServer } from './support/server.js';
import { startSalesServer } from './support/salesServer.js';

let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ server, browser, page } = await openSession({ viewport: { width: 1280, height: 900 } }));
});
afterAll(() => closeSession({ server, browser }));

describe('Jobs dashboard, in Chromium', () => {
  it('shows the running sample with live numbers, opens its page, cancels it and sees the status change', async () => {
    await page.goto(server.url);
    await page.goto(`${server.origin}/notebook/sales-profit-per-month`);
    // The sample's first code cell serves the sales lines on port 9181; the pipeline cell reads them.
    await startSalesServer(page);
    await page.getByTestId('run-profit').click();
    await expect.poll(() => page.getByTestId('status-profit').textContent(), { timeout: 20_000 }).toBe('running');

    await page.getByRole('link', { name: 'Jobs' }).click();
    const row = page.locator('[data-testid^="job-row-"]').first();
    await row.waitFor();
    const jobId = (await row.getAttribute('data-testid'))!.slice('job-row-'.length);
    const recordsIn = async () => {
      const t = (await page.getByTestId(`job-records-in-${jobId}`).textContent()) ?? '0';
      return t.endsWith('K') ? Number(t.slice(0, -1)) * 1000 : Number(t);
    };
    await expect.poll(recordsIn, { timeout: 10_000 }).toBeGreaterThan(0);
    const first = await recordsIn();
    await expect.poll(recordsIn, { timeout: 10_000 }).toBeGreaterThan(first);
    // Throughput from consecutive polls.
    await expect.poll(async () => page.getByTestId(`job-in-rate-${jobId}`).textContent(), { timeout: 10_000 }).toMatch(/^[1-9][\d.]*K?\/s$/);

    await row.click();
    await page.getByTestId('job-page').waitFor();
    expect(await page.getByTestId('job-status').textContent()).toBe('running');
    await page.getByTestId('job-operators').getByText('window').first().waitFor({ timeout: 5000 });
    // The job graph shows each operator with live numbers.
    await page.getByTestId('job-graph').getByText('Window(tumbling)').waitFor();
    // Metrics refresh every second with fresh node objects: every operator stays drawn across refreshes, in every
    // frame (React Flow hides a node whose measured size it lost until it is measured again).
    const hiddenFrames = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          let hidden = 0;
          const end = performance.now() + 3500;
          const frame = () => {
            const nodes = document.querySelectorAll<HTMLElement>('[data-testid="job-graph"] .react-flow__node');
            if (nodes.length === 0 || [...nodes].some((n) => getComputedStyle(n).visibility === 'hidden')) hidden++;
            if (performance.now() < end) requestAnimationFrame(frame);
            else resolve(hidden);
          };
          requestAnimationFrame(frame);
        }),
    );
    expect(hiddenFrames).toBe(0);
    // Clicking an operator opens its live data tap: the records it emits, newest first.
    await page.getByTestId('job-graph').getByText('Socket localhost:9181').click();
    await page.getByTestId('tap-records').getByText(/\d\d-\d\d-2018,\w+,Category\d/).first().waitFor({ timeout: 10_000 });
    await page.getByTestId('tap-search').fill('January');
    await expect.poll(async () => (await page.getByTestId('tap-records').locator('tbody tr code').allTextContents()).every((t) => t.includes('January'))).toBe(true);
    await page.getByTestId('tap-pause').click();
    // The sample checkpoints every 2 s: the history fills (checkpoints tab), and a savepoint can be taken.
    await page.getByTestId('job-tab-checkpoints').click();
    await page.getByTestId('job-checkpoints').locator('tbody tr').first().waitFor({ timeout: 10_000 });
    // Configuration: the sample checkpoints every 2 s, so it restarts with exponential delay (Flink's default then).
    await page.getByTestId('checkpoint-chart').locator('svg').first().waitFor({ timeout: 10_000 });
    await page.getByTestId('job-tab-configuration').click();
    expect(await page.getByTestId('job-config').textContent()).toMatch(/2000 ms.*exponential delay/);
    expect(await page.getByTestId('job-restarts').textContent()).toBe('0');
    await page.getByTestId('job-savepoint').click();
    expect(await page.getByTestId('job-savepoint-path').textContent({ timeout: 10_000 })).toMatch(/savepoint-/);
    await page.getByTestId('job-tab-overview').click();
    await page.screenshot({ path: path.join(repoRoot, 'test-results', 'job-page.png'), fullPage: true });
    await page.getByTestId('job-cancel').click();
    await page.getByTestId('job-cancel-confirm').click();
    await expect.poll(() => page.getByTestId('job-status').textContent(), { timeout: 10_000 }).toBe('cancelled');
    expect(await page.getByTestId('job-timeline').textContent()).toContain('cancelled');
    // Restart from the savepoint just taken: a new job starts restored from it.
    await page.getByTestId('job-restart-from').locator('option', { hasText: 'savepoint' }).first().waitFor({ state: 'attached', timeout: 10_000 });
    const spValue = await page.getByTestId('job-restart-from').locator('option', { hasText: 'savepoint' }).first().getAttribute('value');
    await page.getByTestId('job-restart-from').selectOption(spValue!);
    await page.getByTestId('job-restart').click();
    await expect.poll(() => page.url(), { timeout: 10_000 }).not.toContain(jobId);
    await expect.poll(() => page.getByTestId('job-status').textContent(), { timeout: 10_000 }).toBe('running');
    await page.getByTestId('job-tab-checkpoints').click();
    await page.getByText(/restored from checkpoint \d+/).waitFor({ timeout: 10_000 });
    await page.getByTestId('job-cancel').click();
    await page.getByTestId('job-cancel-confirm').click();
    await expect.poll(() => page.getByTestId('job-status').textContent(), { timeout: 10_000 }).toBe('cancelled');

    // And back to the cell.
    await page.getByRole('link', { name: 'sales-profit-per-month / profit' }).click();
    await expect.poll(() => page.getByTestId('status-profit').textContent(), { timeout: 10_000 }).toBe('cancelled');
    // From the cell: "Resume from…" the latest checkpoint; the cell links to its new job, which says it was restored.
    await page.getByTestId('resume-profit').locator('summary').click();
    await page.getByTestId('resume-latest-profit').click();
    await expect.poll(() => page.getByTestId('status-profit').textContent(), { timeout: 10_000 }).toBe('running');
    await page.getByTestId('job-link-profit').click();
    await page.getByTestId('job-tab-checkpoints').click();
    await page.getByText(/restored from checkpoint \d+/).waitFor({ timeout: 10_000 });
    await page.getByTestId('job-cancel').click();
    await page.getByTestId('job-cancel-confirm').click();
    await expect.poll(() => page.getByTestId('job-status').textContent(), { timeout: 10_000 }).toBe('cancelled');
  });
});
