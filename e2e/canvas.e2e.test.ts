import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSession, openSession } from './support/session.js';
import { repoRoot, type RunningServer } from './support/server.js';

let server: RunningServer;
let browser: Browser;
let page: Page;
const shots = path.join(repoRoot, 'test-results');

beforeAll(async () => {
  ({ server, browser, page } = await openSession({ viewport: { width: 1440, height: 900 } }));
  mkdirSync(shots, { recursive: true });
});
afterAll(() => closeSession({ server, browser }));

const node = (id: string) => page.getByTestId(`pl-node-${id}`);
const issueCount = () => page.getByTestId('pl-issue-count').textContent();

/** Drops a palette item on the canvas at a point of the flow area. */
async function drop(entryId: string, x: number, y: number): Promise<void> {
  await page.getByTestId(`pl-palette-${entryId}`).dragTo(page.locator('.react-flow__pane'), { targetPosition: { x, y } });
}

/** Drags from a node's output handle to another node's input handle. */
async function wire(from: string, to: string, input = 0): Promise<void> {
  await page.getByTestId(`pl-handle-${from}-out`).dragTo(page.getByTestId(`pl-handle-${to}-in${input}`));
}

/** Replaces the code in a function editor of the settings panel (Monaco). */
async function typeCode(testId: string, code: string): Promise<void> {
  await page.getByTestId(testId).locator('.monaco-editor').click();
  await page.keyboard.press('ControlOrMeta+A');
  // Typed over a selection, "(" would wrap the selection in brackets (Monaco's auto-surround): clear it first.
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(code);
}

/** The text in the "Show as code" editor (Monaco shows spaces as non-breaking ones). */
async function shownCode(): Promise<string> {
  const text = await page.getByTestId('pl-code-text').locator('.view-lines').innerText();
  return text.replace(/\u00a0/g, ' ');
}

describe('the pipeline canvas, in Chromium', () => {
  it('builds the sales pipeline by drag and drop, validates it, shows it as code and deploys it as a job', async () => {
    await page.goto(server.url);
    await page.goto(`${server.origin}/pipeline`);
    await page.getByTestId('pl-canvas').waitFor();

    // Search narrows the palette; every group is there without a query.
    await page.getByTestId('pl-palette-search').fill('sales');
    expect(await page.locator('[data-testid^="pl-palette-"][draggable]').count()).toBe(1);
    await page.getByTestId('pl-palette-search').fill('');

    // The flow area is about 900 px wide between the palette and the settings panel.
    await drop('source:sales-generator', 120, 200);
    await drop('map', 350, 200);
    await drop('window', 580, 200);
    await drop('sink:print', 810, 200);
    for (const id of ['source-1', 'map-2', 'window-3', 'sink-4']) await node(id).waitFor();

    await wire('source-1', 'map-2');
    await wire('map-2', 'window-3');
    // The sink is not connected yet: its node turns red with the reason, the list says so, Deploy is off.
    await expect.poll(() => node('sink-4').getAttribute('class')).toContain('pl-node-invalid');
    expect(await page.getByTestId('pl-node-issue-sink-4').textContent()).toBe('input is not connected');
    expect(await page.getByTestId('pl-issues').textContent()).toContain('Print: input is not connected');
    expect(await page.getByTestId('pl-deploy').isDisabled()).toBe(true);

    // Settings from the JSON Schema: a number field, a duration in ms, code editors.
    await node('source-1').click();
    await page.getByTestId('field-config.ratePerSecond').fill('400');
    await node('map-2').click();
    await typeCode('field-fn', "(line) => { const [, month, , , profit] = line.split(','); return { month, profit: Number(profit), count: 1 }; }");
    await node('window-3').click();
    expect(await page.getByTestId('field-assigner.kind').inputValue()).toBe('tumbling');
    await page.getByTestId('field-assigner.size').fill('2000');
    await typeCode('field-function.reduce', '(a, b) => ({ month: a.month, profit: a.profit + b.profit, count: a.count + b.count })');
    // Two parallel subtasks for the window, each owning half of the key groups.
    await page.getByTestId('field-parallelism').fill('2');
    await page.screenshot({ path: '/tmp/flowbook-canvas-settings.png' });
    // keyBy is a property of the connection into the window.
    await page.getByTestId('rf__edge-map-2->window-3:0').click({ force: true });
    await page.getByTestId('field-partitioning').selectOption('hash');
    await typeCode('field-keySelector', '(sale) => sale.month');

    // Shortcuts: Delete removes the selection, Ctrl+Z brings it back; Ctrl+C / Ctrl+V copy a node, undone again.
    await node('sink-4').click();
    await page.keyboard.press('Delete');
    await expect.poll(() => node('sink-4').count()).toBe(0);
    await page.keyboard.press('ControlOrMeta+Z');
    await node('sink-4').waitFor();
    await node('map-2').click();
    await page.keyboard.press('ControlOrMeta+C');
    await page.keyboard.press('ControlOrMeta+V');
    await node('map-5').waitFor();
    await page.keyboard.press('ControlOrMeta+Z');
    await expect.poll(() => node('map-5').count()).toBe(0);

    // Connecting the sink fixes the last problem.
    await wire('window-3', 'sink-4');
    await expect.poll(issueCount).toBe('valid');
    expect(await node('sink-4').getAttribute('class')).not.toContain('pl-node-invalid');
    expect(await page.getByTestId('pl-deploy').isDisabled()).toBe(false);
    await page.getByTestId('pl-layout').click();

    // Show as code: the engine API, in the notebook's style.
    await page.getByTestId('pl-show-code').click();
    await page.getByTestId('pl-code-text').locator('.view-lines').waitFor();
    await expect.poll(shownCode).toContain('.keyBy((sale) => sale.month)');
    const code = await shownCode();
    expect(code).toContain("import {");
    expect(code).toMatch(/\.fromSource<string>\(\s*new SalesGenerator\(\{ ratePerSecond: 400, seed: 42 \}\),\s*WatermarkStrategy\.noWatermarks<string>\(\),?\s*\)/);
    expect(code).toContain('.window(TumblingProcessingTimeWindows.of(Time.seconds(2)))');
    expect(code).toContain('.print();');
    expect(code).toContain('.setParallelism(2)');
    await page.screenshot({ path: '/tmp/flowbook-canvas-code.png' });
    await page.getByTestId('pl-code-close').click();

    // Deploy submits the graph over REST; the job runs and its metrics appear on the nodes.
    await page.getByTestId('pl-deploy').click();
    await expect.poll(() => page.getByTestId('pipeline-job-status').textContent(), { timeout: 20_000 }).toBe('running');
    const jobs = (await page.evaluate(() => fetch('/api/v1/jobs').then((r) => r.json()))) as { jobs: { jobId: string; kind: string; name: string; status: string }[] };
    const job = jobs.jobs.find((j) => j.kind === 'graph');
    expect(job).toMatchObject({ name: 'Scratch pipeline', status: 'running' });
    await expect.poll(() => page.getByTestId('pl-metrics-map-2').textContent(), { timeout: 15_000 }).toMatch(/^in [1-9]/);
    const detail = (await page.evaluate((id) => fetch(`/api/v1/jobs/${id}`).then((r) => r.json()), job!.jobId)) as { operators: { type: string; parallelism?: number }[] };
    expect(detail.operators.find((o) => o.type === 'window')?.parallelism).toBe(2);
    await page.screenshot({ path: '/tmp/flowbook-canvas.png' });
    await page.screenshot({ path: path.join(shots, 'canvas.png') });

    await page.getByTestId('pl-stop').click();
    await expect.poll(() => page.getByTestId('pipeline-job-status').textContent(), { timeout: 15_000 }).toBe('cancelled');
    // The job page shows the window as two subtasks.
    await page.goto(`${server.origin}/jobs/${job!.jobId}`);
    await expect.poll(() => page.getByTestId('job-graph').getByTestId('op-node-Window(tumbling)').textContent(), { timeout: 10_000 }).toContain('×2');
    await page.screenshot({ path: '/tmp/flowbook-job-parallel.png' });
    await page.goto(`${server.origin}/pipeline`);

    // The scratch pipeline survives a reload (localStorage).
    await page.reload();
    await node('window-3').waitFor();
    expect(await issueCount()).toBe('valid');
  });
});
