import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/browser.js';
import { startServer, type RunningServer } from './support/server.js';

let server: RunningServer;
let browser: Browser;
let page: Page;
/** Every CSP violation the page reported, and every console error. */
const violations: string[] = [];
const consoleErrors: string[] = [];

beforeAll(async () => {
  server = await startServer();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  // Listen before any script of the app runs, in the page and in its workers' reports.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      ((window as unknown as { __violations: string[] }).__violations ??= []).push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.goto(server.url);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const pageViolations = async () => [...violations, ...((await page.evaluate(() => (window as unknown as { __violations?: string[] }).__violations)) ?? [])];

describe('the app under a strict Content-Security-Policy, in Chromium', () => {
  it('sends the policy and the usual headers', async () => {
    const r = await fetch(`${server.origin}/login`);
    const csp = r.headers.get('content-security-policy')!;
    for (const d of ["default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'self'", "connect-src 'self'"]) expect(csp).toContain(d);
    expect(csp).not.toMatch(/unsafe-eval/);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('referrer-policy')).toBe('no-referrer');
    expect(r.headers.get('x-frame-options')).toBe('DENY');
  });

  it('edits a cell in Monaco, runs it and draws its chart, with no violation', async () => {
    await page.getByTestId('notebook-list').getByText('Generated sales').click();
    const editor = page.getByTestId('cell-profit').locator('.monaco-editor');
    await editor.locator('.view-lines').waitFor({ timeout: 30_000 });
    // Typing works (Monaco's workers and styles load under the policy).
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('//typedUnderCSP', { delay: 50 });
    await expect.poll(() => editor.locator('.view-lines').textContent(), { timeout: 10_000 }).toContain('//typedUnderCSP');
    await page.getByTestId('run-profit').click();
    await page.getByTestId('chart-profit').waitFor({ timeout: 30_000 });
    // Recharts draws the few points of a short run as SVG (uPlot takes over for large results).
    await page.getByTestId('chart-profit').locator('.recharts-line-curve').first().waitFor({ timeout: 30_000 });
    await page.getByTestId('cancel-profit').click();
    await expect.poll(() => page.getByTestId('status-profit').textContent(), { timeout: 10_000 }).toBe('cancelled');
    expect(await pageViolations()).toEqual([]);
    expect(consoleErrors.filter((e) => /Content Security Policy|unsafe-eval|Refused to/.test(e))).toEqual([]);
  });

  it('shows the pipeline canvas (React Flow) with no violation', async () => {
    await page.goto(`${server.origin}/notebook/sales-profit-per-month`);
    await page.locator('.react-flow__node').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('.react-flow__node').count()).toBeGreaterThan(2);
    expect(await pageViolations()).toEqual([]);
    expect(consoleErrors.filter((e) => /Content Security Policy|unsafe-eval|Refused to/.test(e))).toEqual([]);
  });
});
