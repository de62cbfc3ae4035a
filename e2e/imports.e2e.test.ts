import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSession, openSession } from './support/session.js';
import { repoRoot, type RunningServer } from './support/server.js';

let server: RunningServer;
let browser: Browser;
let page: Page;

const fixture = (name: string) => readFileSync(path.join(repoRoot, 'apps/server/src/notebooks/importers/fixtures', name), 'utf8');

beforeAll(async () => {
  ({ server, browser, page } = await openSession({ viewport: { width: 1280, height: 900 } }));
  await page.goto(server.url);
  await page.getByTestId('file-tree').waitFor();
});

afterAll(() => closeSession({ server, browser }));

describe('an imported Jupyter notebook in Chromium', () => {
  it('shows its outputs, math, raw cells and the porting banner; HTML outputs run no script', async () => {
    // Imported over the REST API the page uses; a script in an HTML output must not run when shown.
    const r = await page.evaluate(
      async (content) => (await fetch('/api/notebooks/import', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ filename: 'damped-oscillator.ipynb', content }) })).json(),
      fixture('damped-oscillator.ipynb'),
    );
    expect(r).toMatchObject({ name: 'damped-oscillator', cells: 6 });
    const alerts: string[] = [];
    page.on('dialog', (d) => {
      alerts.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${server.origin}/notebook/damped-oscillator`);
    const intro = page.getByTestId('markdown-intro');
    await intro.locator('.katex-display').waitFor();
    expect(await intro.locator('.katex').count()).toBe(2);
    // KaTeX's own CSS is bundled: its fonts, not the page's, set the formula.
    expect(await intro.locator('.katex').first().evaluate((e) => getComputedStyle(e).fontFamily)).toContain('KaTeX_Main');
    // The attachment renders as an image (a data URL), not a broken link.
    expect(await intro.locator('img').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(1);

    await page.getByTestId('static-outputs-imports').locator('pre').waitFor();
    expect(await page.getByTestId('static-outputs-imports').textContent()).toBe('ready\n');
    expect(await page.getByTestId('static-outputs-table').locator('.static-html td').allTextContents()).toEqual(['0', '1.0']);
    expect(await page.getByTestId('static-outputs-plot').locator('img').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(1);
    expect(await page.getByTestId('static-outputs-oops').textContent()).toContain('ZeroDivisionError: division by zero');
    expect(await page.getByTestId('porting-plot').textContent()).toContain('Imported python cell: it does not run here.');
    expect(await page.getByTestId('cell-plot').getByRole('button', { name: /Run/ }).count()).toBe(0);
    const raw = page.getByTestId('markdown-raw');
    expect(await raw.evaluate((e) => e.tagName)).toBe('PRE');
    expect(await raw.textContent()).toBe('<b>not html</b>\n\\LaTeX{} passthrough');
    await page.screenshot({ path: '/tmp/imports-jupyter.png', fullPage: true });
    expect(alerts).toEqual([]);
  });
});
