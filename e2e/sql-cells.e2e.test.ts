import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSession, openSession } from './support/session.js';
import type { RunningServer } from './support/server.js';

let server: RunningServer;
let browser: Browser;
let page: Page;
const shots = '/tmp';
const NB = 'sql-demo';

const DDL = `CREATE TABLE orders (
  product INT,
  price DOUBLE,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH (
  'connector' = 'datagen',
  'rows-per-second' = '50',
  'fields.product.min' = '1',
  'fields.product.max' = '3',
  'fields.price.min' = '1',
  'fields.price.max' = '10'
)`;
const WINDOWED = `SELECT window_end, COUNT(*) AS orders, SUM(price) AS revenue
FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '1' SECOND))
GROUP BY window_start, window_end`;

/** The SQL cells' ids, in order. */
const sqlCells = () => page.locator('section.cell-sql').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.cellId!));
const status = (id: string) => page.getByTestId(`status-${id}`).textContent();

/** The saved source of a cell (REST), once the page has saved it. */
const savedSource = (id: string) =>
  page.evaluate(async ([nb, cellId]) => ((await (await fetch(`/api/notebooks/${nb}`)).json()) as { notebook: { cells: { id: string; source?: string }[] } }).notebook.cells.find((c) => c.id === cellId)?.source, [NB, id] as const);

/**
 * Pastes SQL into a cell's (empty) editor, as a user pasting a query: typed text would get Monaco's auto-closed
 * brackets and quotes twice (insertText does not overtype them). Then waits until the notebook has saved it.
 */
async function writeSql(id: string, sql: string, notebook = true): Promise<void> {
  await page.getByTestId(`cell-${id}`).locator('.monaco-editor .view-lines').click();
  await page.evaluate((text) => {
    const data = new DataTransfer();
    data.setData('text/plain', text);
    document.activeElement!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, sql);
  if (notebook) await expect.poll(() => savedSource(id), { timeout: 15_000 }).toBe(sql);
}

/** Adds a SQL cell at the end through the add bar, returning its id. */
async function addSqlCell(): Promise<string> {
  const before = await sqlCells();
  const bars = page.locator('[data-testid^="add-sql-"]');
  const last = bars.last();
  await last.hover({ force: true });
  await last.click({ force: true });
  await expect.poll(sqlCells).toHaveLength(before.length + 1);
  const id = (await sqlCells()).find((c) => !before.includes(c))!;
  await page.getByTestId(`cell-${id}`).locator('.monaco-editor .view-lines').waitFor({ timeout: 30_000 });
  return id;
}

beforeAll(async () => {
  ({ server, browser, page } = await openSession({ viewport: { width: 1280, height: 1100 } }));
  const nb = { version: 1, title: 'SQL demo', cells: [{ id: 'intro', type: 'markdown', source: '# Orders in SQL' }] };
  writeFileSync(path.join(server.notebooksDir, `${NB}.flowbook.json`), JSON.stringify(nb, null, 2));
  await page.goto(server.url);
  await page.goto(`${server.origin}/notebook/${NB}`);
  await page.getByTestId('notebook-toolbar').waitFor({ timeout: 30_000 });
});

afterAll(() => closeSession({ server, browser }));

describe('SQL cells, in Chromium', () => {
  let ddl: string;
  let query: string;

  it('writes a CREATE TABLE and a windowed query, runs it and sees a live updating chart', async () => {
    ddl = await addSqlCell();
    await writeSql(ddl, DDL);
    query = await addSqlCell();
    await writeSql(query, WINDOWED);
    // Completion knows the table made in the cell above (the catalog comes from the saved notebook).
    await expect
      .poll(async () => (await page.evaluate(async (nb) => (await (await fetch(`/api/notebooks/${nb}/sql-catalog`)).json()) as { tables: { name: string }[] }, NB)).tables.map((t) => t.name), { timeout: 15_000 })
      .toEqual(['orders']);
    await page.getByTestId(`sql-mode-append-${query}`).click();
    await page.getByTestId(`run-${query}`).click();
    const sink = page.getByTestId(`sink-${query}-result`);
    await sink.waitFor({ timeout: 60_000 });
    const records = async () => Number(/([\d,]+) records/.exec((await sink.locator('.sink-header .muted').textContent()) ?? '')?.[1]?.replace(/,/g, '') ?? 0);
    await expect.poll(records, { timeout: 30_000, intervals: [500] }).toBeGreaterThan(2);
    const first = await records();
    await expect.poll(records, { timeout: 20_000, intervals: [500] }).toBeGreaterThan(first + 1);
    await page.getByTestId(`view-${query}-result`).selectOption('line');
    await page.getByTestId(`chart-${query}`).waitFor();
    await page.getByTestId(`cell-${query}`).screenshot({ path: path.join(shots, 'sql-append-chart.png') });
    expect(await status(query)).toBe('running');
  });

  it('switches display modes: update shows the current table, single one value with its template', async () => {
    await page.getByTestId(`sql-mode-update-${query}`).click();
    await page.getByTestId(`view-${query}-result`).selectOption('table');
    const table = page.getByTestId(`sink-${query}-result`).locator('.result-table');
    await table.waitFor();
    expect(await table.locator('thead th').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('orders'), expect.stringContaining('revenue')]));
    expect(await table.locator('thead th').allTextContents()).not.toContain('$rowKind');
    await page.getByTestId(`cell-${query}`).screenshot({ path: path.join(shots, 'sql-update-table.png') });
    await page.getByTestId(`sql-mode-single-${query}`).click();
    await page.getByTestId(`sql-template-${query}`).fill('{1} orders in the last window');
    await expect.poll(async () => (await page.getByTestId(`sql-single-${query}`).textContent()) ?? '', { timeout: 10_000 }).toMatch(/^\d+ orders in the last window$/);
    await page.getByTestId(`cell-${query}`).screenshot({ path: path.join(shots, 'sql-single.png') });
    await page.getByTestId(`cancel-${query}`).click();
    await expect.poll(() => status(query), { timeout: 15_000 }).toBe('cancelled');
    // The modes are saved with the cell.
    const saved = async () =>
      (await page.evaluate(async (nb) => ((await (await fetch(`/api/notebooks/${nb}`)).json()) as { notebook: { cells: { id: string; mode?: string; template?: string }[] } }).notebook.cells, NB)).find((c) => c.id === query);
    await expect.poll(saved, { timeout: 15_000 }).toMatchObject({ mode: 'single', template: '{1} orders in the last window' });
  });

  it("marks a SQL error's line in the editor", async () => {
    const bad = await addSqlCell();
    await writeSql(bad, 'SELECT product\nFROM ordres');
    await page.getByTestId(`run-${bad}`).click();
    await expect.poll(async () => (await page.getByTestId(`error-${bad}`).textContent()) ?? '', { timeout: 60_000 }).toContain('at line 2');
    await page.getByTestId(`cell-${bad}`).locator('.squiggly-error').first().waitFor();
  });

  it('imports a Zeppelin note with %flink.ssql paragraphs and runs it', async () => {
    const note = {
      name: 'Zeppelin SQL',
      paragraphs: [
        { id: 'paragraph_md', text: '%md\n# Order count' },
        { id: 'paragraph_ddl', text: "%flink.ssql\nCREATE TABLE orders (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '20', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '20')" },
        { id: 'paragraph_count', text: '%flink.ssql(type=single, template=<b>{0}</b> orders)\nSELECT COUNT(*) AS n FROM orders' },
      ],
    };
    await page.goto(server.origin);
    await page.getByTestId('import').click();
    await page.getByTestId('import-files').setInputFiles([{ name: 'Zeppelin SQL.zpln', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(note)) }]);
    await page.getByTestId('import-upload').click();
    await page.getByTestId('import-ok').waitFor();
    expect(await page.getByTestId('import-ok').textContent()).toContain('(3 cells)');
    await page.getByTestId('import-open').click();
    await page.getByTestId('cell-paragraph_count').locator('.monaco-editor .view-lines').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('sql-mode-single-paragraph_count').getAttribute('aria-checked')).toBe('true');
    expect(await page.getByTestId('sql-template-paragraph_count').inputValue()).toBe('<b>{0}</b> orders');
    await page.getByTestId('run-paragraph_count').click();
    await expect.poll(async () => (await page.getByTestId('sql-single-paragraph_count').textContent().catch(() => '')) ?? '', { timeout: 60_000 }).toBe('20 orders');
    await page.getByTestId('cell-paragraph_count').screenshot({ path: path.join(shots, 'sql-zeppelin-single.png') });
  });
});
