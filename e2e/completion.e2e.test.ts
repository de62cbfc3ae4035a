import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSession, openSession } from './support/session.js';
import { repoRoot, type RunningServer } from './support/server.js';

let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ server, browser, page } = await openSession({ viewport: { width: 1280, height: 900 } }));
});
afterAll(() => closeSession({ server, browser }));

describe('the completion popup, in Chromium', () => {
  it('may overflow the cell instead of being cut off by its edges', async () => {
    await page.goto(server.url);
    await page.goto(`${server.origin}/notebook/sales-profit-per-month`);
    const cell = page.getByTestId('cell-profit');
    const lines = cell.locator('.monaco-editor .view-lines');
    await lines.waitFor({ timeout: 30_000 });
    // The last line: the popup opens below it, past the bottom of the cell's editor.
    await lines.locator('.view-line').last().click();
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('env.');
    await page.keyboard.press('Control+Space');
    const widget = page.locator('.suggest-widget.visible');
    await widget.locator('.monaco-list-row').first().waitFor({ timeout: 60_000 });
    const box = (await widget.boundingBox())!;
    await page.screenshot({ path: path.join(repoRoot, 'test-results', 'completion.png') });
    // Monaco hangs the popup in its fixed overflow layer (fixedOverflowWidgets), outside the cell's clipping box…
    expect(await widget.evaluate((el) => el.closest('.overflowingContentWidgets') !== null && el.closest('.cell-editor, section.cell .overflow-guard') === null)).toBe(true);
    // …so its rows are drawn on top of everything: the element under its first row is the popup itself.
    const onTop = await page.evaluate(([x, y]) => !!document.elementFromPoint(x!, y!)?.closest('.suggest-widget'), [box.x + 20, box.y + 8]);
    expect(onTop).toBe(true);
    await page.keyboard.press('Escape');
  });
});
