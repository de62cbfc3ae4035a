import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSession, openSession } from './support/session.js';
import { repoRoot, type RunningServer } from './support/server.js';

let server: RunningServer;
let browser: Browser;
let page: Page;

const shot = (name: string) => page.screenshot({ path: path.join(repoRoot, 'test-results', `first-minutes-${name}.png`), fullPage: true });
const put = (nb: string, body: unknown) =>
  page.evaluate(async ({ nb, body }) => void (await fetch(`/api/notebooks/${nb}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })), { nb, body });

beforeAll(async () => {
  // 1024 px wide: the smallest laptop the toolbar must work on.
  ({ server, browser, page } = await openSession({ viewport: { width: 1024, height: 768 } }));
});
afterAll(() => closeSession({ server, browser }));

describe('the first minutes, in Chromium at 1024 px', () => {
  it('shows the notebook list without loading Monaco or the canvas', async () => {
    const scripts: { url: string; bytes: number }[] = [];
    page.on('response', async (r) => {
      if (r.url().endsWith('.js')) scripts.push({ url: r.url(), bytes: (await r.body().catch(() => Buffer.alloc(0))).length });
    });
    const t0 = Date.now();
    await page.goto(server.url);
    await page.getByTestId('notebook-list').getByText('Sales profit per month').waitFor();
    const ms = Date.now() - t0;
    await page.waitForLoadState('networkidle');
    const total = scripts.reduce((n, s) => n + s.bytes, 0);
    console.log(`notebook list shown after ${ms} ms; ${scripts.length} scripts, ${(total / 1024).toFixed(0)} KiB`);
    // One 6 MB bundle before the split; Monaco (editor.api) and the canvas (PipelineCanvas) are not among them now.
    expect(total).toBeLessThan(1024 * 1024);
    expect(scripts.some((s) => /editor\.api|PipelineCanvas|ts\.worker/.test(s.url))).toBe(false);
  });

  it('starts a new notebook with a runnable starter cell whose chart puts the small measure on a second axis', async () => {
    await page.getByTestId('new-notebook').click();
    await page.getByTestId('new-name').fill('first');
    await page.getByTestId('new-title').fill('First');
    await page.getByTestId('new-create').click();
    await page.waitForURL(`${server.origin}/notebook/first`);
    // The toolbar fits at 1024 px: every button is inside the window.
    const toolbar = page.getByTestId('notebook-toolbar');
    await toolbar.waitFor();
    const outside = await toolbar.locator('button, summary').evaluateAll((els) => els.filter((e) => e.getBoundingClientRect().right > window.innerWidth).length);
    expect(outside).toBe(0);
    await page.getByTestId('cell-cell-2').locator('.monaco-editor .view-lines').waitFor({ timeout: 30_000 });
    await page.getByTestId('run-cell-2').click();
    const chart = page.getByTestId('chart-cell-2');
    await chart.waitFor({ timeout: 30_000 });
    // profit (~thousands) on the left axis, count (~tens) on the right, instead of lying flat under profit: every
    // month's count series, and no profit series, go to the second axis.
    await expect.poll(async () => (await chart.getAttribute('data-right-axis')) ?? '', { timeout: 20_000 }).toMatch(/count/);
    const right = (await chart.getAttribute('data-right-axis'))!.split(',');
    expect(right.every((k) => k.endsWith('count'))).toBe(true);
    await chart.locator('.recharts-yAxis.yAxis').nth(1).waitFor();
    await shot('starter');
    await page.getByTestId('cancel-cell-2').click();
  });

  it('formats time columns of tables as times, and names a syntax error’s line once', async () => {
    const at = new Date(2026, 11, 7, 18, 5, 3).getTime();
    await put('times', {
      version: 1,
      title: 'Times',
      cells: [
        {
          id: 'rows',
          type: 'code',
          source: `import { StreamExecutionEnvironment, LiveSink } from '@flowbook/engine';\nconst env = StreamExecutionEnvironment.getExecutionEnvironment();\nenv.fromElements({ windowEnd: ${at}, n: 1 }, { windowEnd: ${at + 2000}, n: 2 }).sinkTo(new LiveSink('rows'));\nawait env.execute();`,
          charts: { rows: { type: 'table', y: [] } },
        },
        { id: 'bad', type: 'code', source: 'const a = 1;\nconst b = 2;\nconst c = ;\n', charts: {} },
      ],
    });
    await page.goto(`${server.origin}/notebook/times`);
    await page.getByTestId('run-rows').click();
    const table = page.getByTestId('sink-rows-rows').locator('table');
    await table.locator('tbody tr').nth(1).waitFor({ timeout: 30_000 });
    const times = await table.locator('tbody td.time').allTextContents();
    expect(times.sort()).toEqual(['2026-12-07 18:05:03', '2026-12-07 18:05:05']);
    await page.getByTestId('run-bad').click();
    const error = page.getByTestId('error-bad');
    await error.waitFor({ timeout: 20_000 });
    const text = (await error.textContent())!;
    expect(text).toMatch(/^Error at line 3:/);
    expect(text.match(/line 3/g)).toHaveLength(1);
    await shot('times');
  });

  it('reports the TypeScript errors a cell ran with, beside its output', async () => {
    await put('typed', {
      version: 1,
      title: 'Typed',
      cells: [{ id: 'ten', type: 'code', source: "const limit: number = 'ten';\nconsole.log('limit is', limit);\n", charts: {} }],
    });
    await page.goto(`${server.origin}/notebook/typed`);
    // Monaco's TypeScript worker underlines the error first; the run then goes ahead (types are stripped) and says so.
    await page.locator('[data-testid="cell-ten"] .squiggly-error').first().waitFor({ timeout: 30_000 });
    await page.getByTestId('run-ten').click();
    await page.getByTestId('cell-ten').locator('.cell-log', { hasText: 'limit is ten' }).waitFor({ timeout: 30_000 });
    const warning = page.getByTestId('type-errors-ten');
    await warning.waitFor();
    expect(await warning.textContent()).toMatch(/Ran with 1 TypeScript error.*line 1: Type 'string' is not assignable to type 'number'/);
    await shot('type-errors');
  });

  it('reports them too for a cell off screen, which has no editor (Run all)', async () => {
    const tall = Array.from({ length: 12 }, (_, i) => ({ id: `m${i}`, type: 'markdown', source: `## Part ${i}\n\nLine one.\n\nLine two.\n\nLine three.` }));
    await put('typed-far', {
      version: 1,
      title: 'Typed far',
      cells: [...tall, { id: 'far', type: 'code', source: "const limit: number = 'ten';\nconsole.log('limit is', limit);\n", charts: {} }],
    });
    await page.goto(`${server.origin}/notebook/typed-far`);
    await page.getByTestId('cell-far').locator('.code-static').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('cell-far').locator('.monaco-editor').count()).toBe(0);
    await page.getByRole('button', { name: 'Run all' }).click();
    const warning = page.getByTestId('type-errors-far');
    await warning.waitFor({ timeout: 30_000 });
    expect(await warning.textContent()).toMatch(/Ran with 1 TypeScript error.*line 1: Type 'string' is not assignable to type 'number'/);
  });
});

describe('the scratch /pipeline page, in Chromium', () => {
  it("shows its live sink's results under the canvas while the job runs", async () => {
    const graph = {
      version: 1,
      config: { autoWatermarkInterval: 200, maxParallelism: 128 },
      nodes: [
        { id: 's', type: 'source', name: 'sales-generator', config: { connector: 'sales-generator', config: { ratePerSecond: 100, seed: 42 } } },
        { id: 'm', type: 'map', config: { fn: { code: "(l) => ({ month: l.split(',')[1], profit: Number(l.split(',')[4]) })" } } },
        { id: 'k', type: 'sink', name: 'sales', config: { connector: 'live', config: { name: 'sales' } } },
      ],
      edges: [
        { source: 's', target: 'm', targetInput: 0, partitioning: 'forward' },
        { source: 'm', target: 'k', targetInput: 0, partitioning: 'forward' },
      ],
    };
    await page.goto(server.url);
    await page.evaluate((g) => localStorage.setItem('flowbook.pipeline.scratch', JSON.stringify(g)), graph);
    await page.goto(`${server.origin}/pipeline`);
    await page.getByTestId('pl-deploy').click();
    await expect.poll(() => page.getByTestId('pipeline-job-status').textContent(), { timeout: 20_000 }).toBe('running');
    // Profit per month (a chart with a point per month), and the record count grows as the job runs.
    await page.getByTestId('pipeline-chart-sales').waitFor({ timeout: 20_000 });
    const records = async () => Number(((await page.getByTestId('pipeline-sink-sales').locator('.muted').textContent()) ?? '').replace(/\D/g, ''));
    const first = await records();
    await expect.poll(records, { timeout: 15_000 }).toBeGreaterThan(first);
    await shot('pipeline');
    await page.getByTestId('pl-stop').click();
    await expect.poll(() => page.getByTestId('pipeline-job-status').textContent(), { timeout: 15_000 }).toBe('cancelled');
  });
});
