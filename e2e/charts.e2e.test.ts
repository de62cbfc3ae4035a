import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSession, openSession } from './support/session.js';
import type { RunningServer } from './support/server.js';

let server: RunningServer;
let browser: Browser;
let page: Page;
const shots = '/tmp';

const sink = () => page.getByTestId('sink-profit-profit');
const view = () => page.getByTestId('view-profit-profit');
const settingsPanel = () => page.getByTestId('chart-settings-profit-profit');
/** "rows 1–50 of 73" → 73 */
const rowCount = async () => Number(/of ([\d,]+)/.exec((await sink().getByTestId('table-range').textContent()) ?? '')?.[1]?.replace(/,/g, '') ?? NaN);

/** The cells of one column of the table's current page, in order. */
async function column(name: string): Promise<string[]> {
  const headers = await sink().locator('.result-table thead th').allTextContents();
  const i = headers.findIndex((h) => h.replace(/[▲▼]/g, '').trim() === name);
  expect(i, `column ${name} in ${headers.join(', ')}`).toBeGreaterThanOrEqual(0);
  return sink().locator(`.result-table tbody tr td:nth-child(${i + 1})`).allTextContents();
}

/** The value the pie's tooltip shows for its largest slice. */
async function largestSliceValue(): Promise<number> {
  await page.mouse.move(0, 0);
  await sink().locator('.recharts-pie-sector').first().hover();
  const tip = sink().locator('.recharts-tooltip-wrapper');
  await expect.poll(async () => (await tip.textContent()) ?? '').toMatch(/\d/);
  return Number(/([\d,.]+)\s*$/.exec((await tip.textContent())!.trim())![1]!.replace(/,/g, ''));
}

beforeAll(async () => {
  ({ server, browser, page } = await openSession({ viewport: { width: 1280, height: 1000 } }));
  await page.goto(server.url);
});

afterAll(() => closeSession({ server, browser }));

describe('result views and pivot settings, in Chromium', () => {
  it('runs the generated-sales sample until it has more than a page of rows', async () => {
    await page.getByTestId('notebook-list').getByText('Generated sales').click();
    await page.getByTestId('run-profit').click();
    await page.getByTestId('chart-profit').waitFor({ timeout: 30_000 });
    await view().selectOption('table');
    // 12 months per 2-second window: a bit over 10 s for more than one page of 50.
    await expect.poll(rowCount, { timeout: 30_000, intervals: [500] }).toBeGreaterThan(60);
    await page.getByTestId('cancel-profit').click();
    await expect.poll(() => page.getByTestId('status-profit').textContent(), { timeout: 10_000 }).toBe('cancelled');
  });

  it('sorts the table by a column header, numbers by value, ascending then descending', async () => {
    const header = sink().getByRole('button', { name: 'sales', exact: true });
    await header.click();
    await expect.poll(() => sink().locator('th[aria-sort="ascending"]').textContent()).toContain('sales');
    const asc = (await column('sales')).map(Number);
    expect(asc).toHaveLength(50);
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    await header.click();
    await expect.poll(() => sink().locator('th[aria-sort="descending"]').textContent()).toContain('sales');
    const desc = (await column('sales')).map(Number);
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
    expect(desc[0]).toBeGreaterThanOrEqual(asc[asc.length - 1]!);
    await sink().screenshot({ path: path.join(shots, 'charts-table-sorted.png') });
  });

  it('pages by 50 and filters', async () => {
    const total = await rowCount();
    expect(await sink().getByTestId('table-range').textContent()).toBe(`rows 1–50 of ${total}`);
    await sink().getByRole('button', { name: 'Next page' }).click();
    expect(await sink().getByTestId('table-range').textContent()).toBe(`rows 51–${Math.min(100, total)} of ${total}`);
    await sink().getByRole('button', { name: 'Previous page' }).click();
    await sink().getByLabel('Filter rows').fill('june');
    const months = await column('month');
    expect(months.length).toBeGreaterThan(0);
    expect(new Set(months)).toEqual(new Set(['June']));
    expect(await sink().getByTestId('table-range').textContent()).toContain(`(filtered from ${total})`);
    await sink().getByLabel('Filter rows').fill('');
  });

  it('update mode keeps the latest row per key: one row per month', async () => {
    await page.getByTestId('settings-toggle-profit-profit').click();
    await settingsPanel().getByLabel('Mode').selectOption('update');
    await settingsPanel().getByLabel('Add update key').selectOption('month');
    await expect.poll(() => sink().getByTestId('table-range').textContent()).toBe('rows 1–12 of 12');
    await sink().screenshot({ path: path.join(shots, 'charts-update-mode.png') });
    await settingsPanel().getByLabel('Mode').selectOption('append');
    await expect.poll(rowCount).toBeGreaterThan(60);
  });

  it('draws a pie by month, and the aggregation of a value can be changed to avg', async () => {
    await view().selectOption('pie');
    await settingsPanel().getByLabel('Keys').selectOption('month');
    await settingsPanel().getByLabel('Groups').selectOption({ label: 'none' });
    const chart = page.getByTestId('chart-profit');
    await expect.poll(() => chart.getAttribute('data-slices')).toBe('12');
    expect(await chart.locator('.recharts-pie-sector').count()).toBe(12);
    const summed = await largestSliceValue();
    await settingsPanel().getByLabel('Aggregation of profit').selectOption('avg');
    // Each month is in every window: its average is about its sum over the number of windows (six or more here).
    // Polled: the tooltip shows the new value once the pie has redrawn.
    await expect.poll(largestSliceValue).toBeLessThan(summed / 3);
    expect(await largestSliceValue()).toBeGreaterThan(0);
    await sink().screenshot({ path: path.join(shots, 'charts-pie-avg.png') });
  });

  it('saves the settings with the cell, and a reload shows them again', async () => {
    await expect.poll(() => page.getByTestId('save-state').textContent(), { timeout: 10_000 }).toBe('saved');
    const onDisk = JSON.parse(readFileSync(path.join(server.notebooksDir, 'generated-sales.flowbook.json'), 'utf8'));
    expect(onDisk.cells[1].charts.profit).toMatchObject({ type: 'pie', x: 'month', y: ['profit'], aggs: ['avg'], series: null, mode: 'append' });

    await page.reload();
    await page.getByTestId('chart-profit').waitFor({ timeout: 20_000 });
    expect(await view().inputValue()).toBe('pie');
    await expect.poll(() => page.getByTestId('chart-profit').getAttribute('data-slices')).toBe('12');
    await page.getByTestId('settings-toggle-profit-profit').click();
    expect(await settingsPanel().getByLabel('Keys').inputValue()).toBe('month');
    expect(await settingsPanel().getByLabel('Aggregation of profit').inputValue()).toBe('avg');
    await sink().screenshot({ path: path.join(shots, 'charts-after-reload.png') });
  });

  it('shows the latest value of one field as a single value', async () => {
    await view().selectOption('number');
    await settingsPanel().getByLabel('Field').selectOption('sales');
    const value = page.getByTestId('chart-profit-value');
    await expect.poll(async () => Number((await value.textContent())?.replace(/,/g, ''))).toBeGreaterThan(0);
    await sink().screenshot({ path: path.join(shots, 'charts-single-value.png') });
  });

  it('draws line, area, bar and scatter charts from the same settings', async () => {
    const kinds = { line: '.recharts-line-curve', area: '.recharts-area-area', bar: '.recharts-bar-rectangle', scatter: '.recharts-scatter-symbol' };
    for (const [kind, mark] of Object.entries(kinds)) {
      await view().selectOption(kind);
      const chart = page.getByTestId('chart-profit');
      await expect.poll(async () => Number(await chart.getAttribute('data-points'))).toBeGreaterThan(0);
      await chart.locator(mark).first().waitFor();
      await sink().screenshot({ path: path.join(shots, `charts-${kind}.png`) });
    }
  });
});
