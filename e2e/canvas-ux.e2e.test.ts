import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSession, openSession } from './support/session.js';
import { repoRoot, type RunningServer } from './support/server.js';

// Issue #18, items 1–3: the canvas in a cell (room, overlays, zoom, text), validation that matches the run, and
// code ⇄ canvas both ways. Each test leaves a screenshot in test-results/.
let server: RunningServer;
let browser: Browser;
let page: Page;
const shots = path.join(repoRoot, 'test-results');
const NB = 'canvas-ux';

const pos = (x: number) => ({ x, y: 80 });
const sales = (watermarkStrategy: Record<string, unknown>) => ({
  version: 1,
  config: { autoWatermarkInterval: 200, maxParallelism: 128 },
  nodes: [
    { id: 'source-1', type: 'source', name: 'sales', position: pos(0), config: { connector: 'sales-generator', config: { ratePerSecond: 50 }, watermarkStrategy } },
    { id: 'map-2', type: 'map', position: pos(260), config: { fn: { code: "(line) => { const [date, month, , , profit] = line.split(','); return { date, month, profit: Number(profit) }; }" } } },
    { id: 'window-3', type: 'window', name: 'Window(tumbling)', position: pos(520), config: { assigner: { kind: 'tumbling', time: 'event', size: 2000, offset: 0 }, function: { kind: 'reduce', reduce: { code: '(a, b) => ({ ...a, profit: a.profit + b.profit })' } } } },
    { id: 'sink-4', type: 'sink', name: 'live', position: pos(780), config: { connector: 'live', config: { name: 'profit' } } },
  ],
  edges: [
    { source: 'source-1', target: 'map-2', targetInput: 0, partitioning: 'forward' },
    { source: 'map-2', target: 'window-3', targetInput: 0, partitioning: 'hash', keySelector: { code: '(s) => s.month' } },
    { source: 'window-3', target: 'sink-4', targetInput: 0, partitioning: 'forward' },
  ],
});
const unkeyed = {
  version: 1,
  config: { autoWatermarkInterval: 200, maxParallelism: 128 },
  nodes: [
    { id: 'source-1', type: 'source', name: 'numbers', position: pos(0), config: { connector: 'elements', config: { elements: [1, 2, 3] } } },
    { id: 'window-2', type: 'window', name: 'Window(tumbling)', position: pos(260), config: { assigner: { kind: 'tumbling', time: 'processing', size: 1000, offset: 0 }, function: { kind: 'reduce', reduce: { code: '(a, b) => a + b' } } } },
    { id: 'sink-3', type: 'sink', name: 'Print', position: pos(520), config: { connector: 'print', config: {} } },
  ],
  edges: [
    { source: 'source-1', target: 'window-2', targetInput: 0, partitioning: 'forward' },
    { source: 'window-2', target: 'sink-3', targetInput: 0, partitioning: 'forward' },
  ],
};
const generatedSales = (JSON.parse(readFileSync(path.join(repoRoot, 'notebooks/generated-sales.flowbook.json'), 'utf8')) as { cells: { id: string; source: string }[] }).cells.find((c) => c.id === 'profit')!.source;

async function api(method: string, url: string, body?: unknown): Promise<Response> {
  return fetch(`${server.origin}${url}`, { method, headers: { authorization: `token ${server.token}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
}

beforeAll(async () => {
  ({ server, browser, page } = await openSession({ viewport: { width: 1440, height: 900 } }));
  mkdirSync(shots, { recursive: true });
  expect((await api('POST', '/api/notebooks', { name: NB })).status).toBeLessThan(300);
  const cells = [
    { id: 'wm', type: 'pipeline', graph: sales({ kind: 'boundedOutOfOrderness', maxOutOfOrderness: 1000 }), charts: {} },
    { id: 'all', type: 'pipeline', graph: unkeyed, charts: {} },
    { id: 'empty', type: 'pipeline', graph: { version: 1, config: { autoWatermarkInterval: 200, maxParallelism: 128 }, nodes: [], edges: [] }, charts: {} },
    { id: 'code', type: 'code', language: 'typescript', source: generatedSales, charts: {} },
    { id: 'loop', type: 'code', language: 'typescript', source: "import { StreamExecutionEnvironment } from '@flowbook/engine';\nconst env = StreamExecutionEnvironment.getExecutionEnvironment();\nfor (const n of [1, 2]) env.fromElements(n).print();\nawait env.execute();\n", charts: {} },
  ];
  expect((await api('PUT', `/api/notebooks/${NB}`, { version: 1, title: 'Canvas UX', cells })).status).toBe(200);
  await page.goto(server.url);
});
afterAll(() => closeSession({ server, browser }));

const canvas = (cell: string) => page.getByTestId(`canvas-${cell}`);
const box = async (l: ReturnType<Page['locator']>) => (await l.boundingBox())!;
const overlaps = (a: { x: number; y: number; width: number; height: number }, b: typeof a) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
/** Replaces the code in a function editor of the settings panel (Monaco). */
async function typeCode(scope: ReturnType<Page['locator']>, testId: string, code: string): Promise<void> {
  await scope.getByTestId(testId).locator('.monaco-editor').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(code);
}
/** The flow's zoom, from React Flow's viewport transform. */
const zoomOf = (cell: string) => canvas(cell).locator('.react-flow__viewport').evaluate((el) => new DOMMatrix(getComputedStyle(el).transform).a);

describe('the canvas in a cell (issue #18, item 1)', () => {
  it('goes full screen with folding panels; problems, minimap and zoom never cover nodes; auto-layout stays readable; text wraps', async () => {
    await page.goto(`${server.origin}/notebook/${NB}`);
    const c = canvas('wm');
    await c.getByTestId('pl-node-window-3').waitFor();
    // Overlays live outside the flow: problems and minimap in a strip below it, zoom buttons in the toolbar.
    const flow = await box(c.locator('.pl-flow'));
    for (const overlay of [c.getByTestId('pl-issues'), c.locator('.pl-minimap'), c.getByTestId('pl-zoom-in')]) {
      const b = await box(overlay);
      expect(overlaps(b, flow)).toBe(false);
    }
    expect(await c.locator('.react-flow__controls').count()).toBe(0);

    // Full screen: the canvas is the whole window, over the notebook's sticky toolbar.
    await c.getByTestId('pl-focus').click();
    expect(await box(c.getByTestId('pl-canvas'))).toEqual({ x: 0, y: 0, width: 1440, height: 900 });
    expect(await page.evaluate(() => document.elementFromPoint(700, 20)?.closest('[data-testid="pl-canvas"]') !== null)).toBe(true);
    // Folding both panels gives the flow the width of the window.
    await c.getByTestId('pl-toggle-palette').click();
    await c.getByTestId('pl-toggle-settings').click();
    expect((await box(c.locator('.pl-flow'))).width).toBeGreaterThan(1400);

    // A long name wraps inside its node instead of spilling out.
    await c.getByTestId('pl-toggle-settings').click();
    await c.getByTestId('pl-node-map-2').click();
    await c.getByTestId('field-name').fill('parse each sales line into a record with month and profit, which takes a long name');
    const node = c.getByTestId('pl-node-map-2');
    const inside = await node.evaluate((el) => [...el.querySelectorAll('.pl-node-title, .pl-node-issue, .pl-node-summary')].every((t) => {
      const a = t.getBoundingClientRect();
      const b = el.getBoundingClientRect();
      return a.left >= b.left - 0.5 && a.right <= b.right + 0.5 && t.scrollWidth <= t.clientWidth + 1;
    }));
    expect(inside).toBe(true);

    // Auto-layout fits, but never below a readable zoom (node text ≥ 9 px on screen).
    await c.getByTestId('pl-layout').click();
    await page.waitForTimeout(600);
    expect(await zoomOf('wm')).toBeGreaterThanOrEqual(0.74);
    await page.screenshot({ path: path.join(shots, 'canvas-ux-fullscreen.png') });
    await page.keyboard.press('Escape');
    await expect.poll(async () => (await box(c.getByTestId('pl-canvas'))).width).toBeLessThan(1440);
    await page.screenshot({ path: path.join(shots, 'canvas-ux-cell.png') });
  });
});

describe('validation from the checks the run does (issue #18, item 2)', () => {
  it('refuses a watermark strategy without timestamps before the run, names the setting, and Run says why', async () => {
    await page.goto(`${server.origin}/notebook/${NB}`);
    const c = canvas('wm');
    await c.getByTestId('pl-node-window-3').waitFor();
    expect(await c.getByTestId('pl-issue-count').textContent()).toBe('2 problems');
    expect(await c.getByTestId('pl-node-issue-source-1').textContent()).toMatch(/records carry no event time.*Timestamp assigner/);
    expect(await c.getByTestId('pl-issues').textContent()).toMatch(/window.*needs timestamps and watermarks upstream/i);
    expect(await page.getByTestId('run-wm').isDisabled()).toBe(true);
    expect(await page.getByTestId('run-blocked-wm').textContent()).toBe('Cannot run: 2 problems on the canvas');
    // A run asked for anyway (the keyboard's Ctrl+Enter) is refused by the server: no job, so no "error" in Jobs.
    await page.getByTestId('cell-wm').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Escape');
    await page.keyboard.press('ControlOrMeta+Enter');
    await expect.poll(() => page.getByTestId('status-wm').textContent(), { timeout: 10_000 }).toBe('error');
    const jobs = (await (await api('GET', '/api/v1/jobs')).json()) as { jobs: { cellId?: string; notebook?: string }[] };
    expect(jobs.jobs.filter((j) => j.notebook === NB)).toEqual([]);
    await page.screenshot({ path: path.join(shots, 'canvas-ux-validation.png') });

    // The fix the message names: a timestamp assigner on the source's watermark strategy.
    await c.getByTestId('pl-node-source-1').click();
    await c.getByTestId('field-watermarkStrategy.timestampAssigner-enabled').click();
    await typeCode(c, 'field-watermarkStrategy.timestampAssigner', "(line) => Date.parse(line.split(',')[0])");
    await expect.poll(() => c.getByTestId('pl-issue-count').textContent()).toBe('valid');
    expect(await page.getByTestId('run-wm').isDisabled()).toBe(false);
  });

  it('flags a window without keyBy until "All window" is ticked, and explains the empty canvas', async () => {
    await page.goto(`${server.origin}/notebook/${NB}`);
    const c = canvas('all');
    await c.getByTestId('pl-node-window-2').waitFor();
    expect(await c.getByTestId('pl-node-issue-window-2').textContent()).toMatch(/^the window has no key: set Key by on the edge into it/);
    expect(await c.getByTestId('pl-node-window-2').textContent()).not.toContain('· all');
    await c.getByTestId('pl-node-window-2').click();
    await c.getByTestId('field-allWindow').check();
    await expect.poll(() => c.getByTestId('pl-issue-count').textContent()).toBe('valid');

    const empty = canvas('empty');
    await empty.scrollIntoViewIfNeeded();
    expect(await empty.getByTestId('pl-issues').textContent()).toMatch(/the pipeline is empty: add a source from Sources in the palette/);
    expect(await page.getByTestId('run-empty').isDisabled()).toBe(true);
    await page.screenshot({ path: path.join(shots, 'canvas-ux-empty.png') });
  });
});

describe('code ⇄ canvas (issue #18, item 3)', () => {
  it('finds keyBy in the palette, edits the canvas as code and applies it back, naming what cannot be drawn', async () => {
    await page.goto(`${server.origin}/notebook/${NB}`);
    const c = canvas('all');
    await c.getByTestId('pl-node-window-2').waitFor();
    await c.getByTestId('pl-palette-search').fill('keyBy');
    await c.getByTestId('pl-palette-keyBy').waitFor();
    await c.getByTestId('pl-node-window-2').click();
    await c.getByTestId('pl-palette-keyBy').click();
    expect(await c.getByTestId('field-partitioning').inputValue()).toBe('hash');

    await c.getByTestId('pl-show-code').click();
    const dialog = page.getByTestId('pl-code-view');
    await dialog.locator('.view-lines').waitFor();
    // The dialog is over everything: the notebook's toolbar does not draw over its backdrop.
    expect(await page.evaluate(() => document.elementFromPoint(720, 60)?.closest('.pl-code-backdrop') !== null)).toBe(true);
    const code = (await dialog.locator('.view-lines').innerText()).replace(/\u00a0/g, ' ');
    expect(code).toContain('.keyBy((value) => value)');
    const edited = code.replace('TumblingProcessingTimeWindows.of(Time.seconds(1))', 'TumblingProcessingTimeWindows.of(Time.seconds(7))');
    expect(edited).not.toBe(code);
    const replace = async (text: string) => {
      await dialog.locator('.monaco-editor').click();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.press('Delete');
      await page.keyboard.insertText(text);
    };
    await replace(edited.replace('.print()', '.map((n) => n * 2)\n  .print()'));
    await page.getByTestId('pl-code-apply').click();
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => c.locator('[data-testid^="pl-node-map-"]').count()).toBe(1);
    expect(await c.locator('.react-flow__node').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('tumbling · 7 s')]));

    // Code the graph cannot express: the dialog names the line and construct, the canvas is unchanged.
    await c.getByTestId('pl-show-code').click();
    await dialog.locator('.view-lines').waitFor();
    await replace("import { StreamExecutionEnvironment } from '@flowbook/engine';\nconst env = StreamExecutionEnvironment.getExecutionEnvironment();\nwhile (true) env.fromElements(1).print();\n");
    await page.getByTestId('pl-code-apply').click();
    expect(await page.getByTestId('pl-code-error').textContent()).toBe('Cannot draw this code: line 3: a while statement cannot be drawn on the canvas');
    await page.screenshot({ path: path.join(shots, 'canvas-ux-code.png') });
    await page.getByTestId('pl-code-close').click();
  });

  it('turns a code cell into a pipeline cell, and says which construct prevents it when it cannot', async () => {
    await page.goto(`${server.origin}/notebook/${NB}`);
    await page.getByTestId('cell-loop').click({ position: { x: 5, y: 5 } });
    await page.getByTestId('cell-type-loop').selectOption('pipeline');
    await expect.poll(() => page.getByTestId('notice').textContent()).toBe('This code cannot open on the canvas: line 3: a for of statement cannot be drawn on the canvas');
    expect(await page.getByTestId('canvas-loop').count()).toBe(0);

    await page.getByTestId('cell-code').click({ position: { x: 5, y: 5 } });
    await page.getByTestId('cell-type-code').selectOption('pipeline');
    const c = canvas('code');
    await c.getByTestId('pl-node-window-3').waitFor();
    expect(await c.getByTestId('pl-issue-count').textContent()).toBe('valid');
    const saved = async () => ((await (await api('GET', `/api/notebooks/${NB}`)).json()) as { notebook: { cells: { id: string; type: string; graph?: { nodes: { type: string }[] } }[] } }).notebook.cells.find((x) => x.id === 'code');
    await expect.poll(async () => (await saved())?.type, { timeout: 10_000 }).toBe('pipeline');
    expect((await saved())!.graph!.nodes.map((n) => n.type)).toEqual(['source', 'map', 'window', 'sink']);
    await c.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(shots, 'canvas-ux-converted.png') });
  });
});
