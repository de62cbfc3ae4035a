import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSession, openSession } from './support/session.js';
import { repoRoot, type RunningServer } from './support/server.js';

let server: RunningServer;
let browser: Browser;
let page: Page;

// A notebook made for this test: hostile markdown, and a cell that fails at a known line.
const notebook = {
  version: 1,
  title: 'Feature check',
  cells: [
    { id: 'md', type: 'markdown', source: '# Safe heading\n\n<img src="x" onerror="window.__xss = 1">\n\n<script>window.__xss = 2</script>\n' },
    { id: 'boom', type: 'code', language: 'typescript', source: "const answer = 42;\nconsole.log('before the error', answer);\nthrow new Error('boom at line three');\n", charts: {} },
  ],
};

beforeAll(async () => {
  ({ server, browser, page } = await openSession({ viewport: { width: 1280, height: 1000 } }));
  writeFileSync(path.join(server.notebooksDir, 'feature-check.flowbook.json'), JSON.stringify(notebook, null, 2));
  writeFileSync(path.join(server.notebooksDir, 'broken.flowbook.json'), '{ "version": 1, "title": ');
  await page.goto(server.url);
});

afterAll(() => closeSession({ server, browser }));

describe('notebook page features, in Chromium', () => {
  it('lists a file that failed to load by its name, next to the notebooks that did', async () => {
    const list = page.getByTestId('notebook-list');
    await list.getByText('Feature check').waitFor();
    await page.getByTestId('load-errors').getByText('broken.flowbook.json').waitFor();
  });

  it('renders markdown without running its scripts or event handlers', async () => {
    await page.getByTestId('notebook-list').getByText('Feature check').click();
    await page.getByTestId('markdown-md').locator('h1', { hasText: 'Safe heading' }).waitFor();
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.getByTestId('markdown-md').locator('script, [onerror]').count()).toBe(0);
  });

  it('Shift+Enter runs the cell; the error names its line, which is underlined in the editor, and the log shows', async () => {
    const editor = page.getByTestId('cell-boom').locator('.monaco-editor');
    await editor.locator('.view-lines').waitFor({ timeout: 30_000 });
    await editor.locator('.view-line').first().click();
    await page.keyboard.press('Shift+Enter');
    await expect.poll(() => page.getByTestId('status-boom').textContent(), { timeout: 30_000 }).toBe('error');
    const error = await page.getByTestId('error-boom').textContent();
    expect(error).toContain('line 3');
    expect(error).toContain('boom at line three');
    await editor.locator('.squiggly-error').first().waitFor({ timeout: 10_000 });
    await page.getByTestId('cell-boom').getByText('before the error 42').waitFor();
    // Shift+Enter ran the cell instead of typing a newline into it.
    expect(await editor.locator('.view-line').count()).toBe(4);
    await page.screenshot({ path: path.join(repoRoot, 'test-results', 'cell-error.png'), fullPage: true });
  });

  it('double-click edits markdown; the change is saved to the file and survives a reload', async () => {
    await page.getByTestId('markdown-md').dblclick();
    const textarea = page.getByTestId('markdown-editor-md');
    await textarea.fill('# Edited heading\n\nSaved by the e2e test.');
    await textarea.blur();
    await page.getByTestId('markdown-md').locator('h1', { hasText: 'Edited heading' }).waitFor();
    await expect.poll(() => page.getByTestId('save-state').textContent(), { timeout: 10_000 }).toBe('saved');
    const onDisk = JSON.parse(readFileSync(path.join(server.notebooksDir, 'feature-check.flowbook.json'), 'utf8'));
    expect(onDisk.cells[0].source).toBe('# Edited heading\n\nSaved by the e2e test.');
    await page.reload();
    await page.getByTestId('markdown-md').locator('h1', { hasText: 'Edited heading' }).waitFor();
  });
});
