import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSession, openSession } from './support/session.js';
import { repoRoot, type RunningServer } from './support/server.js';

let server: RunningServer;
let browser: Browser;
let page: Page;

const NB = 'lifecycle';
// Fails once after 200 records (a module-level flag survives the restart), then runs: a failure and a restart to show.
const CELL = `import { StreamExecutionEnvironment, SalesGenerator, WatermarkStrategy, LiveSink } from '@flowbook/engine';
const env = StreamExecutionEnvironment.getExecutionEnvironment().enableCheckpointing(300);
let seen = 0;
let failed = false;
env.fromSource(new SalesGenerator({ ratePerSecond: 500 }), WatermarkStrategy.noWatermarks<string>(), 'sales')
  .map((l) => {
    if (!failed && ++seen > 200) { failed = true; throw new Error('boom once'); }
    return { month: l.split(',')[1], n: 1 };
  })
  .keyBy((s) => s.month)
  .reduce((a, b) => ({ month: a.month, n: a.n + b.n }))
  .sinkTo(new LiveSink('counts'));
await env.execute();`;

const shot = (name: string) => page.screenshot({ path: path.join(repoRoot, 'test-results', `job-lifecycle-${name}.png`), fullPage: true });

beforeAll(async () => {
  ({ server, browser, page } = await openSession({ viewport: { width: 1280, height: 900 } }));
  await page.goto(server.url);
  await page.evaluate(async ({ nb, source }) => {
    const body = { version: 1, title: 'Lifecycle', cells: [{ id: 'c1', type: 'code', title: 'Counts', source, charts: {} }] };
    await fetch(`/api/notebooks/${nb}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }, { nb: NB, source: CELL });
});
afterAll(() => closeSession({ server, browser }));

describe('job lifecycle as in Flink, in Chromium', () => {
  it('names the job by title, links it, shows failure and restart, asks before cancel, stops with a savepoint as FINISHED and restarts from it', async () => {
    const jobId = await page.evaluate(async (nb) => {
      const r = await fetch('/api/v1/jobs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ notebook: nb, cellId: 'c1' }) });
      return ((await r.json()) as { jobId: string }).jobId;
    }, NB);

    // The list names it by notebook and cell title, as a real link (keyboard, new tab).
    await page.goto(`${server.origin}/jobs`);
    const link = page.getByRole('link', { name: 'Lifecycle · Counts' });
    await link.waitFor({ timeout: 15_000 });
    expect(await link.getAttribute('href')).toBe(`/jobs/${jobId}`);
    await link.focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('job-page').waitFor();
    expect(new URL(page.url()).pathname).toBe(`/jobs/${jobId}`);
    expect(await page.locator('h1').textContent()).toContain('Lifecycle · Counts');

    // It failed once and restarted: the timeline says so, the exceptions tab shows the cell frame with the rest folded.
    await page.getByTestId('job-timeline').locator('[data-kind="restarting"]').first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('job-timeline').locator('[data-kind="failed"]').count()).toBeGreaterThan(0);
    await expect.poll(async () => Number(await page.getByTestId('job-rate-charts').getAttribute('data-samples')), { timeout: 20_000 }).toBeGreaterThan(3);
    await page.getByTestId('job-rate-charts').locator('svg .recharts-line').first().waitFor();
    await shot('overview');
    await page.getByTestId('job-tab-exceptions').click();
    expect(await page.getByTestId('job-exceptions').textContent()).toContain('boom once');
    const stack = page.getByTestId('job-stack').first();
    expect(await stack.locator('.stack-user').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('cell.ts:')]));
    expect(await stack.locator('.stack-internal summary').first().textContent()).toMatch(/^\d+ internal frames?$/);
    await shot('exceptions');
    await page.getByTestId('job-tab-checkpoints').click();
    await page.getByTestId('job-checkpoints').locator('tbody tr').first().waitFor({ timeout: 15_000 });
    await page.getByTestId('job-tab-configuration').click();
    await page.getByTestId('job-config').waitFor();
    await page.getByTestId('job-tab-overview').click();

    // Cancel asks first, and keeping it running keeps it running.
    await page.getByTestId('job-cancel').click();
    await page.getByTestId('job-cancel-confirm').waitFor();
    await shot('cancel-confirm');
    await page.getByTestId('job-cancel-keep').click();
    expect(await page.getByTestId('job-status').textContent()).toBe('running');

    // Stop with savepoint: FINISHED, and Restart offers that savepoint first.
    await page.getByTestId('job-stop-savepoint').click();
    await expect.poll(() => page.getByTestId('job-status').textContent(), { timeout: 20_000 }).toBe('finished');
    const savepoint = (await page.getByTestId('job-savepoint-path').textContent())!.match(/savepoint-\d+-\d+/)![0];
    await expect.poll(() => page.getByTestId('job-restart-from').inputValue(), { timeout: 10_000 }).toBe(savepoint);
    await shot('finished');
    await page.getByTestId('job-restart').click();
    await expect.poll(() => new URL(page.url()).pathname, { timeout: 10_000 }).not.toBe(`/jobs/${jobId}`);
    await expect.poll(() => page.getByTestId('job-status').textContent(), { timeout: 15_000 }).toBe('running');
    await page.getByTestId('job-tab-checkpoints').click();
    await page.getByText(/restored from checkpoint \d+/).waitFor({ timeout: 15_000 });
    await page.getByTestId('job-cancel').click();
    await page.getByTestId('job-cancel-confirm').click();
    await expect.poll(() => page.getByTestId('job-status').textContent(), { timeout: 15_000 }).toBe('cancelled');
  });

  it("reads a generator replaying 2018 as event time years behind, apart from how recently its watermark advanced", async () => {
    const source = `import { StreamExecutionEnvironment, SalesGenerator, WatermarkStrategy, LiveSink } from '@flowbook/engine';
const env = StreamExecutionEnvironment.getExecutionEnvironment();
env.fromSource(new SalesGenerator({ ratePerSecond: 200 }), WatermarkStrategy.forBoundedOutOfOrderness<string>(1000).withTimestampAssigner((l) => { const [d, m, y] = l.split(',')[0].split('-').map(Number); return Date.UTC(y, m - 1, d); }), 'sales')
  .map((l) => ({ month: l.split(',')[1] }))
  .sinkTo(new LiveSink('months'));
await env.execute();`;
    const jobId = await page.evaluate(async (src) => {
      const body = { version: 1, title: 'Replay', cells: [{ id: 'r', type: 'code', title: 'Replay 2018', source: src, charts: {} }] };
      await fetch('/api/notebooks/replay', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const r = await fetch('/api/v1/jobs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ notebook: 'replay', cellId: 'r' }) });
      return ((await r.json()) as { jobId: string }).jobId;
    }, source);
    await page.goto(`${server.origin}/jobs`);
    const wm = page.getByTestId(`job-wm-${jobId}`);
    await expect.poll(async () => (await wm.textContent()) ?? '', { timeout: 20_000 }).toMatch(/^event time \d+\.\d y behind · advanced \d+s ago$/);
    await shot('replay');
    await page.evaluate((id) => fetch(`/api/v1/jobs/${id}/cancel`, { method: 'POST' }), jobId);
  });
});
