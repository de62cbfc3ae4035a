import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/browser.js';
import { repoRoot, startServer, type RunningServer } from './support/server.js';

let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await startServer();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await page.goto(server.url);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('pipeline cells in a notebook, in Chromium', () => {
  it('runs the sample\'s drawn pipeline: live metrics on its nodes and a live chart below it', async () => {
    await page.goto(`${server.origin}/notebook/sales-profit-per-month`);
    await page.getByTestId('run-server').click();
    await expect.poll(() => page.getByTestId('status-server').textContent(), { timeout: 20_000 }).toBe('running');
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
});
