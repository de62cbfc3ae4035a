import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSession, openSession } from './support/session.js';
import { repoRoot, type RunningServer } from './support/server.js';
import { startSalesServer } from './support/salesServer.js';

let server: RunningServer;
let browser: Browser;
const NB = 'sales-profit-per-month';

beforeAll(async () => {
  ({ server, browser } = await openSession({ viewport: false }));
});
afterAll(() => closeSession({ server, browser }));

describe('dashboard and read-only share link, in Chromium', () => {
  it('puts a live output on the dashboard, then shares it read-only: the viewer sees it update and cannot run code', async () => {
    const owner = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await owner.goto(server.url);
    await owner.goto(`${server.origin}/notebook/${NB}`);
    // The sample's first code cell serves the sales lines on port 9181; the pipeline cell reads them.
    await startSalesServer(owner);
    await owner.getByTestId('run-profit').click();
    await owner.getByTestId('chart-profit').waitFor({ timeout: 20_000 });

    // One click from the notebook (Zeppelin's report mode): a notebook without a layout shows every output, named by
    // cell (title, else its place) and sink, not by internal ids.
    await owner.getByTestId('open-dashboard').click();
    await expect.poll(() => new URL(owner.url()).pathname).toBe(`/dashboard/${NB}`);
    const chart = owner.getByTestId('dashboard-chart-profit-profit');
    await chart.waitFor({ timeout: 30_000 });
    expect(await owner.getByTestId('dashboard-item-profit-profit').locator('.dashboard-item-header strong').textContent()).toBe('cell 3 · profit');
    // Editing the layout saves it: remove the canvas cell's output, add it back by its name.
    await owner.getByTestId('dashboard-edit').click();
    await owner.getByTestId('dashboard-item-canvas-profit').getByTitle('Remove').click();
    await owner.getByTestId('dashboard-add-canvas-profit').getByText('+ cell 5 · profit').waitFor();
    await owner.getByTestId('dashboard-edit').click();
    expect(await owner.getByTestId('dashboard-item-canvas-profit').count()).toBe(0);
    const points = async () => Number(await chart.getAttribute('data-points'));
    const before = await points();
    await expect.poll(points, { timeout: 15_000 }).toBeGreaterThan(before);
    await owner.screenshot({ path: path.join(repoRoot, 'test-results', 'dashboard.png') });
    // Those who may edit have a way back to the notebook.
    expect(await owner.getByTestId('dashboard-back').getAttribute('href')).toBe(`/notebook/${NB}`);

    // Share it read-only, and open the link in a fresh browser context (no owner cookie).
    const share = await owner.evaluate(async (nb) => {
      const r = await fetch('/api/shares', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ notebook: nb, view: 'dashboard' }) });
      return r.json();
    }, NB);
    const viewerContext = await browser.newContext();
    const viewer = await viewerContext.newPage();
    await viewer.goto(`${server.origin}${share.url}`);
    expect(new URL(viewer.url()).pathname).toBe(`/dashboard/${NB}`);
    const vchart = viewer.getByTestId('dashboard-chart-profit-profit');
    await vchart.waitFor({ timeout: 15_000 });
    const vpoints = async () => Number(await vchart.getAttribute('data-points'));
    const v0 = await vpoints();
    await expect.poll(vpoints, { timeout: 15_000 }).toBeGreaterThan(v0);
    expect(await viewer.getByTestId('dashboard-edit').count()).toBe(0);
    expect(await viewer.getByTestId('dashboard-back').count()).toBe(0);
    // Trying to run code through the link is refused by the server, not just hidden.
    const attempt = await viewer.evaluate(async (nb) => {
      const put = await fetch(`/api/notebooks/${nb}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ version: 1, title: 'hacked', cells: [] }) });
      const jobs = await fetch('/api/v1/jobs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ notebook: nb, cellId: 'profit' }) });
      return [put.status, jobs.status];
    }, NB);
    expect(attempt).toEqual([403, 403]);
    await viewerContext.close();
  });
});
