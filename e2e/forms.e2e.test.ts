import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSession, openSession } from './support/session.js';
import { repoRoot, type RunningServer } from './support/server.js';

let server: RunningServer;
let browser: Browser;
let page: Page;
const NB = 'forms';

// A bounded cell whose output size is the form's value: what runs shows which value it got.
const notebook = {
  version: 1,
  title: 'Forms',
  cells: [
    {
      id: 'nums',
      type: 'code',
      language: 'typescript',
      source: "import { StreamExecutionEnvironment, LiveSink } from '@flowbook/engine';\nconst env = StreamExecutionEnvironment.getExecutionEnvironment();\nenv.fromSequence(1, Number(params.n ?? 3)).map((x) => ({ x, unit: String(params.unit ?? 'none') })).sinkTo(new LiveSink('nums'));\nawait env.execute('nums');\n",
      charts: {},
    },
  ],
};

interface SavedCell {
  id: string;
  params?: { name: string; type: string }[];
  paramValues?: Record<string, unknown>;
  outputs?: { status: string; results: Record<string, { total: number; rows: { unit: string }[] }> };
}
const saved = () =>
  page.evaluate(async (nb) => ((await (await fetch(`/api/notebooks/${nb}`)).json()) as { notebook: { cells: SavedCell[]; params?: unknown[]; paramValues?: Record<string, unknown> } }).notebook, NB);

beforeAll(async () => {
  ({ server, browser, page } = await openSession({ viewport: { width: 1280, height: 900 } }));
  writeFileSync(path.join(server.notebooksDir, `${NB}.flowbook.json`), JSON.stringify(notebook, null, 2));
  mkdirSync(path.join(repoRoot, 'test-results'), { recursive: true });
  await page.goto(server.url);
  await page.goto(`${server.origin}/notebook/${NB}`);
  await page.getByTestId('cell-nums').locator('.monaco-editor .view-lines').waitFor({ timeout: 30_000 });
});
afterAll(() => closeSession({ server, browser }));

describe('dynamic forms, in Chromium', () => {
  it('adds a number input to a cell; changing it re-runs the cell with the value; a notebook-wide select applies to every cell', async () => {
    await page.getByTestId('cell-nums').click();
    await page.getByTestId('param-edit-nums').click();
    await page.getByTestId('param-name-nums').fill('n');
    await page.getByTestId('param-kind-nums').selectOption('number');
    await page.getByTestId('param-add-nums').click();
    // A new number input starts at 1, a value that runs (0 would make a count or rate show nothing).
    expect(await page.getByTestId('param-nums-n').inputValue()).toBe('1');
    await page.getByTestId('param-nums-n').fill('5');
    await page.getByTestId('param-nums-n').press('Enter');
    await expect.poll(async () => (await saved()).cells[0]?.outputs?.results.nums?.total, { timeout: 20_000 }).toBe(5);
    const cell = (await saved()).cells[0]!;
    expect(cell.params).toEqual([{ name: 'n', type: 'number', default: 1 }]);
    expect(cell.paramValues).toEqual({ n: 5 });

    // Notebook-wide: a select read by the cell as params.unit.
    await page.getByTestId('param-edit-notebook').click();
    await page.getByTestId('param-name-notebook').fill('unit');
    await page.getByTestId('param-kind-notebook').selectOption('select');
    await page.getByTestId('param-options-notebook').fill('EUR, USD');
    await page.getByTestId('param-add-notebook').click();
    await page.getByTestId('param-notebook-unit').selectOption('USD');
    await expect.poll(async () => (await saved()).cells[0]?.outputs?.results.nums?.rows.at(-1)?.unit, { timeout: 20_000 }).toBe('USD');
    expect((await saved()).paramValues).toEqual({ unit: 'USD' });
    await page.screenshot({ path: path.join(repoRoot, 'test-results', 'forms.png') });

    // After a reload the form shows the saved values.
    await page.reload();
    await page.getByTestId('param-nums-n').waitFor();
    expect(await page.getByTestId('param-nums-n').inputValue()).toBe('5');
    expect(await page.getByTestId('param-notebook-unit').inputValue()).toBe('USD');
  });
});
