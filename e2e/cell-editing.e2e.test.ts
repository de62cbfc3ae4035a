import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSession, openSession } from './support/session.js';
import { repoRoot, type RunningServer } from './support/server.js';

let server: RunningServer;
let browser: Browser;
let page: Page;
const NB = 'cell-editing';
const shots = path.join(repoRoot, 'test-results');

// Two short cells that finish by themselves, so "run all" ends and their outputs are saved with the notebook.
const notebook = {
  version: 1,
  title: 'Cell editing',
  cells: [
    { id: 'intro', type: 'markdown', source: '# Cell editing\n\nA notebook for the cell editing test.' },
    { id: 'first', type: 'code', language: 'typescript', source: "console.log('first ran');\n", charts: {} },
    { id: 'second', type: 'code', language: 'typescript', source: "console.log('second ran');\n", charts: {} },
  ],
};

interface SavedCell {
  id: string;
  type: string;
  source: string;
  outputs?: { status: string; logs: string[] };
}
/** The notebook as the server has it (REST), not as the page shows it. */
const saved = () =>
  page.evaluate(async (nb) => {
    const r = await fetch(`/api/notebooks/${nb}`);
    return ((await r.json()) as { notebook: { cells: SavedCell[] } }).notebook.cells;
  }, NB);
const order = async () => page.locator('section.cell').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.cellId));
const focused = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.closest('section')?.dataset.cellId ?? null);
const selected = () => page.locator('section.cell.selected').getAttribute('data-cell-id');

beforeAll(async () => {
  ({ server, browser, page } = await openSession({ viewport: { width: 1280, height: 1000 } }));
  // The server works on its own copy of the notebooks folder: this notebook is added to that copy.
  writeFileSync(path.join(server.notebooksDir, `${NB}.flowbook.json`), JSON.stringify(notebook, null, 2));
  mkdirSync(shots, { recursive: true });
  await page.goto(server.url);
  await page.goto(`${server.origin}/notebook/${NB}`);
  await page.getByTestId('cell-second').locator('.monaco-editor .view-lines').waitFor({ timeout: 30_000 });
  await page.getByTestId('notebook-toolbar').waitFor();
});

afterAll(() => closeSession({ server, browser }));

describe('cell editing with the keyboard and toolbars, in Chromium', () => {
  it('B inserts a cell below, M makes it markdown, Enter edits it, Esc renders it', async () => {
    await page.getByTestId('markdown-intro').click();
    expect(await selected()).toBe('intro');
    await page.keyboard.press('b');
    await expect.poll(order).toHaveLength(4);
    const added = (await order())[1]!;
    expect(added).toMatch(/^cell-[a-z0-9]{8}$/);
    expect(await selected()).toBe(added);
    expect(await focused()).toBe(added);
    await page.keyboard.press('m');
    await page.getByTestId(`markdown-${added}`).waitFor();
    await page.keyboard.press('Enter');
    const editor = page.getByTestId(`markdown-editor-${added}`);
    await editor.waitFor();
    expect(await page.getByTestId('notebook').getAttribute('data-mode')).toBe('edit');
    await page.keyboard.type('## Added by keys');
    await page.keyboard.press('Escape');
    await page.getByTestId(`markdown-${added}`).locator('h2', { hasText: 'Added by keys' }).waitFor();
    expect(await page.getByTestId('notebook').getAttribute('data-mode')).toBe('command');
    expect(await focused()).toBe(added);
  });

  it('J selects the next cell, D D deletes it, Z brings it back where it was', async () => {
    const added = (await order())[1]!;
    await page.keyboard.press('j');
    expect(await selected()).toBe('first');
    await page.keyboard.press('d');
    await page.keyboard.press('d');
    await expect.poll(order).toEqual(['intro', added, 'second']);
    // The cell that took its place is selected.
    expect(await selected()).toBe('second');
    await page.keyboard.press('z');
    await expect.poll(order).toEqual(['intro', added, 'first', 'second']);
    expect(await selected()).toBe('first');
    // Arrow keys and K move the selection too.
    await page.keyboard.press('ArrowDown');
    expect(await selected()).toBe('second');
    await page.keyboard.press('k');
    expect(await selected()).toBe('first');
  });

  it('moves a cell with its toolbar, and duplicates and deletes one', async () => {
    const added = (await order())[1]!;
    await page.getByTestId('cell-second').hover();
    await page.getByTestId('move-up-second').click();
    await expect.poll(order).toEqual(['intro', added, 'second', 'first']);
    await page.getByTestId('duplicate-intro').click();
    await expect.poll(order).toHaveLength(5);
    const copy = (await order())[1]!;
    expect(copy).not.toBe('intro');
    expect(await page.getByTestId(`markdown-${copy}`).locator('h1').textContent()).toBe('Cell editing');
    await page.getByTestId(`delete-${copy}`).click();
    await expect.poll(order).toEqual(['intro', added, 'second', 'first']);
  });

  it('Shift+Enter in the editor runs the cell and selects the next; Esc leaves the editor for command mode', async () => {
    await page.getByTestId('cell-second').locator('.monaco-editor .view-line').first().click();
    expect(await page.getByTestId('notebook').getAttribute('data-mode')).toBe('edit');
    await page.keyboard.press('Shift+Enter');
    await expect.poll(() => page.getByTestId('status-second').textContent(), { timeout: 30_000 }).toBe('finished');
    expect(await selected()).toBe('first');
    expect(await focused()).toBe('first');
    expect(await page.getByTestId('notebook').getAttribute('data-mode')).toBe('command');
    // Each editor's Shift+Enter runs its own cell (Monaco's addCommand would have bound it for every editor at once).
    expect(await page.getByTestId('status-first').textContent()).toBe('ready');
    // The run did not type a newline into the cell.
    expect(await page.getByTestId('cell-second').locator('.view-line').count()).toBe(2);

    await page.getByTestId('cell-first').locator('.monaco-editor .view-line').first().click();
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('notebook').getAttribute('data-mode')).toBe('command');
    expect(await focused()).toBe('first');
    await page.keyboard.press('k');
    expect(await selected()).toBe('second');
    // Enter goes back into the selected code cell's editor.
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => !!document.activeElement?.closest('#cell-second .monaco-editor'))).toBe(true);
    await page.keyboard.press('Escape');
  });

  it('runs all; the saved notebook has the new order, the new markdown cell and both outputs', async () => {
    const added = (await order())[1]!;
    await page.getByTestId('run-all').click();
    await expect.poll(() => page.getByTestId('status-first').textContent(), { timeout: 30_000 }).toBe('finished');
    await expect.poll(() => page.getByTestId('status-second').textContent(), { timeout: 30_000 }).toBe('finished');
    await page.getByTestId('cell-first').locator('.cell-log', { hasText: 'first ran' }).waitFor();
    await expect.poll(() => page.getByTestId('save-state').textContent(), { timeout: 10_000 }).toBe('saved');
    await expect
      .poll(async () => (await saved()).map((c) => `${c.id}:${c.type}:${c.outputs?.status ?? '-'}`), { timeout: 10_000 })
      .toEqual(['intro:markdown:-', `${added}:markdown:-`, 'second:code:finished', 'first:code:finished']);
    const cells = await saved();
    expect(cells[1]!.source).toBe('## Added by keys');
    expect(cells[3]!.outputs!.logs).toContain('first ran');
    await page.screenshot({ path: '/tmp/cell-editing.png', fullPage: true });
    await page.screenshot({ path: path.join(shots, 'cell-editing.png'), fullPage: true });
  });

  it('clears one output, then all, on the page and in the file', async () => {
    await page.getByTestId('clear-first').click();
    await expect.poll(() => page.getByTestId('status-first').textContent()).toBe('ready');
    expect(await page.getByTestId('cell-first').locator('.cell-log').count()).toBe(0);
    await expect.poll(async () => (await saved()).find((c) => c.id === 'first')!.outputs).toBeUndefined();
    expect((await saved()).find((c) => c.id === 'second')!.outputs?.status).toBe('finished');
    await page.getByTestId('clear-all').click();
    await expect.poll(() => page.getByTestId('status-second').textContent()).toBe('ready');
    await expect.poll(async () => (await saved()).filter((c) => c.outputs).length).toBe(0);
    // Reopened, the page shows no outputs either.
    await page.reload();
    await page.getByTestId('status-first').waitFor();
    expect(await page.getByTestId('status-first').textContent()).toBe('ready');
    expect(await page.getByTestId('status-second').textContent()).toBe('ready');
  });

  it('undo reverts a type change; the toolbar inserts below the selected cell, in edit mode', async () => {
    await page.getByTestId('cell-second').locator('.cell-toolbar').click();
    expect(await selected()).toBe('second');
    await page.keyboard.press('m');
    await page.getByTestId('markdown-second').waitFor();
    await page.keyboard.press('z');
    await page.getByTestId('cell-second').locator('.monaco-editor').waitFor();
    await page.getByTestId('insert-code').click();
    await expect.poll(order).toHaveLength(5);
    const inserted = (await order())[3]!;
    // The toolbar's insert puts the new cell below the selected one, in edit mode.
    expect(await page.evaluate((id) => !!document.activeElement?.closest(`#cell-${id} .monaco-editor`), inserted)).toBe(true);
    await page.getByTestId('undo').click();
    await expect.poll(order).toHaveLength(4);
  });
});

describe('a read-only share link', () => {
  it('shows the notebook without editing or run controls, and keys change nothing', async () => {
    const share = await page.evaluate(async (nb) => {
      const r = await fetch('/api/shares', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ notebook: nb, view: 'notebook' }) });
      return (await r.json()) as { url: string };
    }, NB);
    const context = await browser.newContext();
    const viewer = await context.newPage();
    await viewer.goto(`${server.origin}${share.url}`);
    await viewer.getByTestId('read-only').waitFor();
    await viewer.getByTestId('cell-first').locator('.monaco-editor').waitFor({ timeout: 30_000 });
    for (const id of ['notebook-toolbar', 'cell-actions-first', 'run-first', 'add-cell-0', 'save-state']) expect(await viewer.getByTestId(id).count()).toBe(0);
    const before = await viewer.locator('section.cell').count();
    await viewer.getByTestId('markdown-intro').click();
    for (const key of ['b', 'd', 'd', 'm', 'Shift+Enter']) await viewer.keyboard.press(key);
    expect(await viewer.locator('section.cell').count()).toBe(before);
    // Double-click does not open the markdown editor for a reader.
    await viewer.getByTestId('markdown-intro').dblclick();
    expect(await viewer.getByTestId('markdown-editor-intro').count()).toBe(0);
    await viewer.screenshot({ path: '/tmp/cell-editing-reader.png' });
    await context.close();
  });
});
