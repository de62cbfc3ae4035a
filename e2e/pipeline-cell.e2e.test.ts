import { readFileSync, writeFileSync } from 'node:fs';
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
  ({ server, browser, page } = await openSession({ viewport: { width: 1280, height: 1000 } }));
  await page.goto(server.url);
});
afterAll(() => closeSession({ server, browser }));

describe('pipeline cells in a notebook, in Chromium', () => {
  it('runs the sample\'s drawn pipeline: live metrics on its nodes and a live chart below it', async () => {
    await page.goto(`${server.origin}/notebook/sales-profit-per-month`);
    await startSalesServer(page);
    const canvas = page.getByTestId('canvas-canvas');
    await canvas.scrollIntoViewIfNeeded();
    await canvas.getByTestId('pl-node-window-3').waitFor();
    await page.getByTestId('run-canvas').click();
    await expect.poll(() => page.getByTestId('status-canvas').textContent(), { timeout: 20_000 }).toBe('running');
    // The job runs the graph as drawn: its metrics land on the same nodes.
    await expect.poll(async () => (await canvas.getByTestId('pl-metrics-source-1').textContent()) ?? '', { timeout: 15_000 }).toMatch(/in [1-9]/);
    await page.getByTestId('sink-canvas-profit').waitFor({ timeout: 15_000 });
    // Edges carry the records per second leaving their source node.
    await expect.poll(async () => (await canvas.locator('.react-flow__edge-text').allTextContents()).join(' '), { timeout: 10_000 }).toMatch(/\d+(\.\d)?K?\/s/);
    // Selecting a node of the running pipeline opens its live data tap.
    await canvas.getByTestId('pl-node-map-2').click();
    await page.getByTestId('tap-records').getByText(/"month":"\w+"/).first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(repoRoot, 'test-results', 'pipeline-cell.png'), fullPage: true });
    await page.getByTestId('cancel-canvas').click();
    await expect.poll(() => page.getByTestId('status-canvas').textContent(), { timeout: 10_000 }).toBe('cancelled');
    await page.getByTestId('cancel-server').click();
  });

  it('exports a pipeline cell as .pipeline.json and imports one into another, refusing a bad file', async () => {
    await page.goto(`${server.origin}/notebook/sales-profit-per-month`);
    await page.getByTestId('canvas-canvas').scrollIntoViewIfNeeded();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-pipeline-canvas').click()]);
    expect(download.suggestedFilename()).toMatch(/\.pipeline\.json$/);
    const file = path.join(repoRoot, 'test-results', download.suggestedFilename());
    await download.saveAs(file);
    const exported = JSON.parse(readFileSync(file, 'utf8'));
    expect(exported.version).toBe(1);
    expect(exported.nodes.map((n: { type: string }) => n.type)).toEqual(['source', 'map', 'window', 'sink']);

    await page.goto(`${server.origin}/notebook/generated-sales`);
    await page.getByTestId('cell-profit').click();
    await page.getByTestId('insert-pipeline').click();
    const cells = async () => (await page.evaluate(async () => ((await (await fetch('/api/notebooks/generated-sales')).json()) as { notebook: { cells: { id: string; type: string; graph?: { nodes: unknown[] } }[] } }).notebook.cells));
    await expect.poll(async () => (await cells()).length, { timeout: 10_000 }).toBe(3);
    const id = (await cells())[2]!.id;
    const bad = path.join(repoRoot, 'test-results', 'bad.pipeline.json');
    writeFileSync(bad, '{"version": 1, "nodes": "nope"}');
    await page.getByTestId(`import-pipeline-${id}`).setInputFiles(bad);
    await page.getByText(/bad\.pipeline\.json: /).waitFor();
    await page.getByTestId(`import-pipeline-${id}`).setInputFiles(file);
    await expect.poll(async () => (await cells())[2]?.graph?.nodes.length, { timeout: 10_000 }).toBe(4);
    // Back to the notebook as it was, for the next test.
    await page.getByTestId(`cell-${id}`).click();
    await page.getByTestId(`delete-${id}`).click();
    await expect.poll(async () => (await cells()).length, { timeout: 10_000 }).toBe(2);
  });

  it('adds a pipeline cell from the toolbar, saves it, and turns it into code', async () => {
    await page.goto(`${server.origin}/notebook/generated-sales`);
    await page.getByTestId('cell-profit').click();
    await page.getByTestId('insert-pipeline').click();
    const saved = async () =>
      (await page.evaluate(async () => ((await (await fetch('/api/notebooks/generated-sales')).json()) as { notebook: { cells: { id: string; type: string; source?: string }[] } }).notebook.cells));
    await expect.poll(async () => (await saved()).map((c) => c.type), { timeout: 10_000 }).toEqual(['markdown', 'code', 'pipeline']);
    const id = (await saved())[2]!.id;
    await page.getByTestId(`canvas-${id}`).waitFor();
    await page.getByTestId(`cell-type-${id}`).selectOption('code');
    await expect.poll(async () => (await saved())[2]?.type, { timeout: 10_000 }).toBe('code');
    expect((await saved())[2]!.source).toContain('StreamExecutionEnvironment');
  });

  it('runs a drawn pipeline and the code it turns into: identical output', async () => {
    // A bounded, seeded pipeline: the same records every run.
    const graph = {
      version: 1,
      name: 'bounded sales',
      config: { autoWatermarkInterval: 200, maxParallelism: 128 },
      nodes: [
        { id: 'src', type: 'source', name: 'sales', config: { connector: 'sales-generator', config: { ratePerSecond: 0, count: 300, seed: 5 } } },
        { id: 'parse', type: 'map', config: { fn: { code: "(l) => { const f = l.split(','); return { month: f[1], profit: Number(f[4]) }; }" } } },
        { id: 'sum', type: 'reduce', config: { fn: { code: '(a, b) => ({ month: a.month, profit: a.profit + b.profit })' } } },
        { id: 'out', type: 'sink', config: { connector: 'live', config: { name: 'out' } } },
      ],
      edges: [
        { source: 'src', target: 'parse' },
        { source: 'parse', target: 'sum', partitioning: 'hash', keySelector: { code: '(s) => s.month' } },
        { source: 'sum', target: 'out' },
      ],
    };
    const file = path.join(repoRoot, 'test-results', 'bounded.pipeline.json');
    writeFileSync(file, JSON.stringify(graph));
    await page.goto(`${server.origin}/notebook/generated-sales`);
    await page.getByTestId('cell-profit').click();
    await page.getByTestId('insert-pipeline').click();
    type Saved = { id: string; type: string; outputs?: { status: string; results: Record<string, { rows: unknown[]; total: number }> } };
    const cells = async () => (await page.evaluate(async () => ((await (await fetch('/api/notebooks/generated-sales')).json()) as { notebook: { cells: unknown[] } }).notebook.cells)) as Saved[];
    // Earlier tests may have left cells in this notebook: the new one is the pipeline cell.
    await expect.poll(async () => (await cells()).some((c) => c.type === 'pipeline'), { timeout: 10_000 }).toBe(true);
    const drawn = (await cells()).find((c) => c.type === 'pipeline')!.id;
    await page.getByTestId(`import-pipeline-${drawn}`).setInputFiles(file);
    await page.getByTestId(`canvas-${drawn}`).getByTestId('pl-node-sum').waitFor();
    await page.getByTestId(`run-${drawn}`).click();
    await expect.poll(async () => (await cells()).find((c) => c.id === drawn)?.outputs?.status, { timeout: 20_000 }).toBe('finished');
    const drawnRows = (await cells()).find((c) => c.id === drawn)!.outputs!.results.out!;
    expect(drawnRows.total).toBe(300);

    // Duplicate it, turn the copy into code ("Show as code"), run that.
    await page.getByTestId(`cell-${drawn}`).click();
    const before = new Set((await cells()).map((c) => c.id));
    await page.getByTestId(`duplicate-${drawn}`).click();
    await expect.poll(async () => (await cells()).filter((c) => !before.has(c.id)).length, { timeout: 10_000 }).toBe(1);
    const coded = (await cells()).find((c) => !before.has(c.id))!.id;
    await page.getByTestId(`cell-${coded}`).click();
    await page.getByTestId(`cell-type-${coded}`).selectOption('code');
    await expect.poll(async () => (await cells()).find((c) => c.id === coded)?.type, { timeout: 10_000 }).toBe('code');
    await page.getByTestId(`run-${coded}`).click();
    await expect.poll(async () => (await cells()).find((c) => c.id === coded)?.outputs?.status, { timeout: 20_000 }).toBe('finished');
    const codedRows = (await cells()).find((c) => c.id === coded)!.outputs!.results.out!;
    expect(codedRows.total).toBe(300);
    expect(codedRows.rows).toEqual(drawnRows.rows);
  });

  it('shows the watermark moving on an event-time pipeline: lag on the nodes, windows firing', async () => {
    const graph = {
      version: 1,
      name: 'sensors',
      config: { autoWatermarkInterval: 200, maxParallelism: 128 },
      nodes: [
        { id: 'src', type: 'source', name: 'sensors', config: { connector: 'iot-sensors', config: { sensors: 4, eventsPerSecond: 40, startTime: 'now' }, watermarkStrategy: { kind: 'boundedOutOfOrderness', maxOutOfOrderness: 500 } } },
        { id: 'win', type: 'window', config: { assigner: { kind: 'tumbling', time: 'event', size: 1000, offset: 0 }, function: { kind: 'reduce', reduce: { code: '(a, b) => (a.temperature > b.temperature ? a : b)' } } } },
        { id: 'out', type: 'sink', config: { connector: 'live', config: { name: 'hottest' } } },
      ],
      edges: [
        { source: 'src', target: 'win', partitioning: 'hash', keySelector: { code: '(r) => r.sensorId' } },
        { source: 'win', target: 'out' },
      ],
    };
    const file = path.join(repoRoot, 'test-results', 'sensors.pipeline.json');
    writeFileSync(file, JSON.stringify(graph));
    await page.goto(`${server.origin}/notebook/generated-sales`);
    await page.getByTestId('cell-profit').click();
    const before = new Set((await page.evaluate(async () => ((await (await fetch('/api/notebooks/generated-sales')).json()) as { notebook: { cells: { id: string }[] } }).notebook.cells.map((c) => c.id))));
    await page.getByTestId('insert-pipeline').click();
    const newPipeline = async () =>
      (await page.evaluate(async () => ((await (await fetch('/api/notebooks/generated-sales')).json()) as { notebook: { cells: { id: string; type: string }[] } }).notebook.cells)).find((c) => c.type === 'pipeline' && !before.has(c.id))?.id;
    await expect.poll(newPipeline, { timeout: 10_000 }).toBeDefined();
    const id = (await newPipeline())!;
    await page.getByTestId(`import-pipeline-${id}`).setInputFiles(file);
    const canvas = page.getByTestId(`canvas-${id}`);
    await canvas.getByTestId('pl-node-win').waitFor();
    await page.getByTestId(`run-${id}`).click();
    // Event time follows the wall clock here: the watermark trails it by about the out-of-orderness bound.
    await expect.poll(async () => (await canvas.getByTestId('pl-metrics-src').textContent()) ?? '', { timeout: 15_000 }).toMatch(/lag \d+s/);
    // A source reading 40 readings a second leaves the job thread mostly idle: no backpressure.
    await expect.poll(async () => (await canvas.getByTestId('pl-bp-src').textContent()) ?? '', { timeout: 10_000 }).toMatch(/backpressure ok · busy \d+%/);
    const windowsOut = async () => Number(/out (\d+)/.exec((await canvas.getByTestId('pl-metrics-win').textContent()) ?? '')?.[1] ?? 0);
    await expect.poll(windowsOut, { timeout: 15_000 }).toBeGreaterThan(0);
    const first = await windowsOut();
    await expect.poll(windowsOut, { timeout: 15_000 }).toBeGreaterThan(first);
    await page.getByTestId(`cancel-${id}`).click();
    await expect.poll(() => page.getByTestId(`status-${id}`).textContent(), { timeout: 10_000 }).toBe('cancelled');
  });
});

