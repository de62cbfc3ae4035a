import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSession, openSession } from './support/session.js';
import { repoRoot, type RunningServer } from './support/server.js';

let server: RunningServer;
let browser: Browser;
let page: Page;
const shot = (name: string) => page.screenshot({ path: `/tmp/files-sharing-${name}.png` });

// A tiny Zeppelin note: a %md paragraph becomes a markdown cell, the other a code cell (text kept as it is).
const ZEPPELIN_NOTE = {
  name: 'Zeppelin demo',
  paragraphs: [
    { id: 'paragraph_1', text: '%md\n# Hello Zeppelin\n\nImported from a note.' },
    { id: 'p2', text: "%flink\nconsole.log('from zeppelin');" },
    { id: 'p3', text: '   ' },
  ],
};
// Names keep spaces (as Jupyter file names do): URLs, downloads and share links must cope.
const ZEP = 'imports/Zeppelin demo';

/** The notebooks the server lists (REST, as the page's cookie allows). */
const listed = (p: Page = page) =>
  p.evaluate(async () => ((await (await fetch('/api/notebooks')).json()) as { notebooks: { name: string }[] }).notebooks.map((n) => n.name));
const row = (name: string) => page.locator(`[data-testid="nb-${name}"]`);
const toList = async () => {
  await page.getByRole('link', { name: 'Notebooks' }).click();
  await page.getByTestId('file-tree').waitFor();
};
const openFileMenu = async (item: string) => {
  await page.getByTestId('file-menu').click();
  await page.getByTestId(item).click();
};

beforeAll(async () => {
  ({ server, browser, page } = await openSession({ viewport: { width: 1280, height: 900 } }));
  // Two users of the local user store, for the roles test (the documented CLI, password from the environment).
  for (const name of ['alice', 'bob']) {
    execFileSync(process.execPath, [path.join(repoRoot, 'apps/server/dist/cli/users.js'), 'add', name], {
      env: { ...process.env, FLOWBOOK_STATE_DIR: server.stateDir, FLOWBOOK_PASSWORD: `${name}-password` },
    });
  }
  await page.goto(server.url);
  await page.getByTestId('file-tree').waitFor();
});

afterAll(() => closeSession({ server, browser }));

describe('notebooks as files, revisions and share links, in Chromium', () => {
  it('creates a notebook in a folder from the list page and opens it; a taken name gets the server’s error', async () => {
    await page.getByTestId('new-notebook').click();
    await page.getByTestId('new-folder').fill('team/reports');
    await page.getByTestId('new-name').fill('bad:name');
    // The shared name rule is checked while typing; Create stays disabled.
    expect(await page.getByTestId('new-problem').textContent()).toMatch(/letters, digits, space/);
    expect(await page.getByTestId('new-create').isDisabled()).toBe(true);
    await page.getByTestId('new-name').fill('weekly');
    await page.getByTestId('new-title').fill('Weekly report');
    await page.getByTestId('new-create').click();
    await page.waitForURL(`${server.origin}/notebook/team/reports/weekly`);
    await page.locator('.notebook-header h1', { hasText: 'Weekly report' }).waitFor();
    expect(existsSync(path.join(server.notebooksDir, 'team/reports/weekly.flowbook.json'))).toBe(true);

    await toList();
    const folder = page.getByTestId('folder-team');
    await folder.getByTestId('folder-team/reports').waitFor();
    expect(await row('team/reports/weekly').locator('.notebook-title').textContent()).toBe('Weekly report');
    await page.getByTestId('new-notebook').click();
    await page.getByTestId('new-folder').fill('team/reports');
    await page.getByTestId('new-name').fill('weekly');
    await page.getByTestId('new-create').click();
    expect(await page.getByTestId('new-error').textContent()).toBe('notebook "team/reports/weekly" already exists');
    await shot('new-error');
    await page.getByTestId('new-notebook-form').getByRole('button', { name: 'Cancel' }).click();
  });

  it('renames (moves) a notebook to another folder and duplicates it', async () => {
    await row('team/reports/weekly').getByTestId('rename').click();
    await row('team/reports/weekly').getByTestId('rename-input').fill('team/weekly-report');
    await shot('rename');
    await row('team/reports/weekly').getByTestId('rename-save').click();
    await row('team/weekly-report').waitFor();
    expect(await row('team/reports/weekly').count()).toBe(0);
    // The emptied folder is gone from the tree; the file moved on disk.
    expect(await page.getByTestId('folder-team/reports').count()).toBe(0);
    expect(existsSync(path.join(server.notebooksDir, 'team/weekly-report.flowbook.json'))).toBe(true);
    expect(await page.getByTestId('list-notice').textContent()).toContain('Renamed team/reports/weekly to team/weekly-report.');

    await row('team/weekly-report').getByTestId('duplicate').click();
    await row('team/weekly-report-copy').waitFor();
    expect(await row('team/weekly-report-copy').locator('.notebook-title').textContent()).toBe('Weekly report (copy)');
    expect(await row('team/weekly-report-copy').getAttribute('class')).toContain('highlight');
    expect(await listed()).toEqual(expect.arrayContaining(['team/weekly-report', 'team/weekly-report-copy']));
  });

  it('imports a Zeppelin note by upload (a bad file is named with its problem) and shows its cells', async () => {
    await page.getByTestId('import').click();
    await page.getByTestId('import-folder').fill('imports');
    await page.getByTestId('import-files').setInputFiles([
      { name: 'Zeppelin demo.zpln', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(ZEPPELIN_NOTE)) },
      { name: 'broken.ipynb', mimeType: 'application/json', buffer: Buffer.from('{"cells": [') },
    ]);
    await shot('upload');
    await page.getByTestId('import-upload').click();
    await page.getByTestId('import-results').waitFor();
    expect(await page.getByTestId('import-ok').textContent()).toContain('Zeppelin demo.zpln → imports/Zeppelin demo (2 cells)');
    // The import report: the %flink paragraph is kept as Scala, to be ported.
    const report = page.getByTestId('import-report');
    expect(await report.locator('summary').textContent()).toBe('1 converted · 1 needs porting');
    await report.locator('summary').click();
    expect(await report.locator('li').first().textContent()).toContain('paragraph 2: %flink (scala) kept as a scala cell that does not run here');
    expect(await page.getByTestId('import-error').textContent()).toMatch(/^broken\.ipynb: invalid JSON/);
    await row(ZEP).waitFor();

    // Pasted JSON: a malformed one says what is wrong, a valid Flowbook file is imported under the given name.
    await page.getByTestId('import-tab-paste').click();
    await page.getByTestId('import-text').fill('{"version": 1, "title": "Pasted"');
    await page.getByTestId('import-name').fill('pasted');
    await page.getByTestId('import-paste').click();
    const pasteError = page.getByTestId('import-error');
    await pasteError.waitFor();
    expect(await pasteError.textContent()).toMatch(/^pasted JSON: invalid JSON/);
    await page.getByTestId('import-text').fill(JSON.stringify({ version: 1, title: 'Pasted', cells: [{ id: 'a', type: 'markdown', source: '# Pasted' }] }));
    await page.getByTestId('import-paste').click();
    await row('imports/pasted').waitFor();
    await shot('import');

    await row(ZEP).getByRole('link', { name: 'Zeppelin demo' }).click();
    await page.getByTestId('markdown-paragraph_1').locator('h1', { hasText: 'Hello Zeppelin' }).waitFor();
    await page.getByTestId('cell-p2').locator('.monaco-editor .view-lines').waitFor({ timeout: 30_000 });
    expect(await page.locator('section.cell').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.cellId))).toEqual(['paragraph_1', 'p2']);
    // Monaco draws spaces as no-break spaces, one element per line.
    const code = (await page.getByTestId('cell-p2').locator('.view-line').allTextContents()).map((l) => l.replace(/\u00a0/g, ' '));
    expect(code).toEqual(['%flink', "console.log('from zeppelin');"]);
    expect(await page.getByTestId('porting-p2').textContent()).toContain('Imported scala cell: it does not run here.');
  });

  it('exports a notebook as a .flowbook.json download, from the list and from the File menu', async () => {
    await toList();
    const [download] = await Promise.all([page.waitForEvent('download'), row('team/weekly-report').getByTestId('export').click()]);
    expect(download.suggestedFilename()).toBe('weekly-report.flowbook.json');
    const exported = JSON.parse(readFileSync(await download.path(), 'utf8'));
    // A new notebook starts with a heading and a runnable starter cell.
    expect(exported.title).toBe('Weekly report');
    expect(exported.cells.map((c: { type: string }) => c.type)).toEqual(['markdown', 'code']);
    expect(exported.cells[0].source).toMatch(/^# Weekly report/);

    await row(ZEP).getByRole('link', { name: 'Zeppelin demo' }).click();
    await page.getByTestId('file-menu').click();
    const [fromMenu] = await Promise.all([page.waitForEvent('download'), page.getByTestId('menu-export').click()]);
    expect(fromMenu.suggestedFilename()).toBe('Zeppelin demo.flowbook.json');
    const zep = JSON.parse(readFileSync(await fromMenu.path(), 'utf8'));
    expect(zep.title).toBe('Zeppelin demo');
    expect(zep.cells.map((c: { type: string }) => c.type)).toEqual(['markdown', 'code']);
  });

  it('saves a revision, shows the diff after a cell changes, and restores it', async () => {
    await openFileMenu('menu-revisions');
    const dialog = page.getByTestId('revisions-dialog');
    await dialog.getByTestId('revisions-empty').waitFor();
    await dialog.getByTestId('revision-message').fill('as imported');
    await dialog.getByTestId('revision-save').click();
    await dialog.getByTestId('revision-list').getByText('as imported').waitFor();
    await dialog.getByTestId('revisions-dialog-close').click();

    // Change the markdown cell and wait until it is saved.
    await page.getByTestId('markdown-paragraph_1').dblclick();
    await page.getByTestId('markdown-editor-paragraph_1').fill('# Hello Zeppelin\n\nEdited after the revision.');
    await page.keyboard.press('Escape');
    await page.getByTestId('markdown-paragraph_1').getByText('Edited after the revision.').waitFor();
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('saved');

    await openFileMenu('menu-revisions');
    await dialog.getByTestId('revision-diff').click();
    const diff = dialog.getByTestId('revision-diff-view');
    await diff.waitFor();
    expect(await diff.locator('.diff-del').allTextContents()).toEqual(['−      "source": "# Hello Zeppelin\\n\\nImported from a note."']);
    expect(await diff.locator('.diff-add').allTextContents()).toEqual(['+      "source": "# Hello Zeppelin\\n\\nEdited after the revision."']);
    expect(await diff.locator('header').textContent()).toContain('+1 −1');
    await shot('revisions-diff');

    await dialog.getByTestId('revision-restore').click();
    await Promise.all([page.waitForEvent('load'), dialog.getByTestId('revision-restore-confirm').click()]);
    await page.getByTestId('markdown-paragraph_1').getByText('Imported from a note.').waitFor();
    expect(await page.getByTestId('markdown-paragraph_1').textContent()).not.toContain('Edited after the revision.');
    const file = JSON.parse(readFileSync(path.join(server.notebooksDir, `${ZEP}.flowbook.json`), 'utf8'));
    expect(file.cells[0].source).toBe('# Hello Zeppelin\n\nImported from a note.');
    // Restoring kept the edited version as a revision of its own.
    await openFileMenu('menu-revisions');
    await dialog.getByTestId('revision-list').getByText('before restoring "as imported"').waitFor();
    await dialog.getByTestId('revision-diff').first().click();
    await dialog.getByTestId('revision-diff-view').locator('.diff-add', { hasText: 'Imported from a note.' }).waitFor();
    await dialog.getByTestId('revisions-dialog-close').click();
  });

  it('shares the notebook read-only: a fresh browser sees it, cannot run or edit, and loses it when the link is revoked', async () => {
    await openFileMenu('menu-share');
    const dialog = page.getByTestId('share-dialog');
    await dialog.getByTestId('share-none').waitFor();
    await dialog.getByTestId('share-create').click();
    const url = await dialog.getByTestId('share-url').inputValue();
    expect(url).toMatch(new RegExp(`^${server.origin}/share/[\\w-]+\\.[\\w-]+$`));
    await dialog.getByTestId('share-copy').click();
    await dialog.getByRole('button', { name: 'Copied ✓' }).waitFor();
    await shot('share');

    // No owner cookie in a new context: only the link grants anything.
    const viewerContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const viewer = await viewerContext.newPage();
    await viewer.goto(url);
    expect(decodeURIComponent(new URL(viewer.url()).pathname)).toBe(`/notebook/${ZEP}`);
    await viewer.getByTestId('markdown-paragraph_1').locator('h1', { hasText: 'Hello Zeppelin' }).waitFor();
    await viewer.getByTestId('cell-p2').locator('.monaco-editor .view-lines').waitFor({ timeout: 30_000 });
    expect(await viewer.getByTestId('read-only').textContent()).toBe('read-only');
    expect(await viewer.getByTestId('run-p2').count()).toBe(0);
    expect(await viewer.getByTestId('notebook-toolbar').count()).toBe(0);
    // Its File menu only exports: no revisions, sharing or roles.
    await viewer.getByTestId('file-menu').click();
    expect(await viewer.getByTestId('file-menu-list').getByRole('menuitem').allTextContents()).toEqual(['Export (.flowbook.json)']);
    await viewer.screenshot({ path: '/tmp/files-sharing-viewer.png' });
    // The server refuses running, editing and copying through the link, whatever the UI shows.
    const refused = await viewer.evaluate(async (nb) => {
      const json = { 'content-type': 'application/json' };
      const run = await fetch('/api/v1/jobs', { method: 'POST', headers: json, body: JSON.stringify({ notebook: nb, cellId: 'p2' }) });
      const runAll = await fetch(`/api/v1/notebooks/${nb}/run`, { method: 'POST', headers: json });
      const save = await fetch(`/api/notebooks/${nb}/revisions`, { method: 'POST', headers: json, body: JSON.stringify({ message: 'x' }) });
      const copy = await fetch(`/api/notebooks/${nb}/duplicate`, { method: 'POST', headers: json, body: JSON.stringify({ to: 'viewer-copy' }) });
      return [run.status, runAll.status, save.status, copy.status];
    }, ZEP);
    expect(refused).toEqual([403, 403, 403, 403]);
    // The list page shows the viewer only this notebook, with no file actions but export.
    await viewer.goto(`${server.origin}/`);
    await viewer.getByTestId(`nb-${ZEP}`).waitFor();
    expect(await listed(viewer)).toEqual([ZEP]);
    expect(await viewer.getByTestId('new-notebook').count()).toBe(0);
    expect(await viewer.getByTestId('import').count()).toBe(0);
    expect(await viewer.getByTestId(`nb-${ZEP}`).locator('.file-row-actions').locator('button, a').allTextContents()).toEqual(['Export']);

    // Revoke: the link and the viewer's cookie stop working.
    await dialog.getByTestId('share-revoke').click();
    await dialog.getByTestId('share-revoke-confirm').click();
    await dialog.getByTestId('share-none').waitFor();
    await dialog.getByTestId('share-dialog-close').click();
    // The viewer's cookie names a revoked link: the server no longer knows this browser at all.
    expect((await viewer.goto(`${server.origin}/notebook/${ZEP}`))?.status()).toBe(401);
    expect(await viewer.evaluate(async () => (await fetch('/api/notebooks')).status)).toBe(401);
    const again = await viewer.goto(url);
    expect(again?.status()).toBe(404);
    expect(await viewer.textContent('body')).toContain('This share link is invalid or has been revoked.');
    await viewerContext.close();
  });

  it('lets owners set roles, and shows each user only the file actions their role allows', async () => {
    await page.goto(`${server.origin}/notebook/team/weekly-report`);
    await openFileMenu('menu-permissions');
    const dialog = page.getByTestId('permissions-dialog');
    await dialog.getByTestId('role-owners').fill('alice');
    await dialog.getByTestId('role-writers').fill('alice');
    await dialog.getByTestId('role-runners').fill('bob, alice');
    await dialog.getByTestId('permissions-save').click();
    await dialog.getByTestId('permissions-saved').waitFor();
    await shot('permissions');
    const roles = await page.evaluate(async () => (await fetch('/api/notebooks/team/weekly-report/permissions')).json());
    expect(roles).toEqual({ owners: ['alice'], writers: ['alice'], runners: ['bob', 'alice'], readers: [], public: 'none' });
    await dialog.getByTestId('permissions-dialog-close').click();

    const loggedIn = async (name: string) => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const p = await context.newPage();
      await p.goto(`${server.origin}/login`);
      await p.getByTestId('login-name').fill(name);
      await p.getByTestId('login-password').fill(`${name}-password`);
      await p.getByTestId('login-submit').click();
      await p.getByTestId('file-tree').waitFor();
      return { context, p };
    };
    const actions = (p: Page, name: string) => p.locator(`[data-testid="nb-${name}"] .file-row-actions`).locator('button, a').allTextContents();
    const menu = async (p: Page) => {
      await p.getByTestId('file-menu').click();
      return p.getByTestId('file-menu-list').getByRole('menuitem').allTextContents();
    };

    // Bob may run, not edit: no rename or delete, a "run only" badge; the sample notebooks (no roles) are the token holder's.
    const bob = await loggedIn('bob');
    expect(await actions(bob.p, 'team/weekly-report')).toEqual(['Duplicate', 'Export']);
    expect(await bob.p.locator('[data-testid="nb-team/weekly-report"] .role-badge').textContent()).toBe('run only');
    expect(await bob.p.getByTestId('nb-generated-sales').count()).toBe(0);
    await bob.p.screenshot({ path: '/tmp/files-sharing-runner-list.png' });
    await bob.p.getByRole('link', { name: 'Weekly report', exact: true }).click();
    expect(await menu(bob.p)).toEqual(['Revisions…', 'Export (.flowbook.json)']);
    await bob.p.getByTestId('menu-revisions').click();
    await bob.p.getByTestId('revisions-dialog').getByTestId('revisions-empty').waitFor();
    expect(await bob.p.getByTestId('revision-message').count()).toBe(0);
    await bob.context.close();

    // Alice owns it: every action, and sharing and roles in the File menu.
    const alice = await loggedIn('alice');
    expect(await actions(alice.p, 'team/weekly-report')).toEqual(['Rename / move', 'Duplicate', 'Export', 'Delete']);
    await alice.p.getByRole('link', { name: 'Weekly report', exact: true }).click();
    expect(await menu(alice.p)).toEqual(['Revisions…', 'Share read-only link…', 'Permissions…', 'Export (.flowbook.json)']);
    await alice.context.close();

    // The public flag opens it to every logged-in user (here: to view), set in the same dialog.
    await openFileMenu('menu-permissions');
    await dialog.getByTestId('role-public').selectOption('read');
    await dialog.getByTestId('permissions-save').click();
    await dialog.getByTestId('permissions-saved').waitFor();
    expect((await page.evaluate(async () => (await fetch('/api/notebooks/team/weekly-report/permissions')).json())).public).toBe('read');
    await dialog.getByTestId('permissions-dialog-close').click();
  });

  it('deletes a notebook to the trash after confirming, and it is gone from the list', async () => {
    await toList();
    await row('team/weekly-report-copy').getByTestId('trash').click();
    await shot('confirm-delete');
    await row('team/weekly-report-copy').getByTestId('trash-confirm').click();
    await page.getByTestId('list-notice').getByText('Moved team/weekly-report-copy to the trash').waitFor();
    expect(await row('team/weekly-report-copy').count()).toBe(0);
    expect(await listed()).not.toContain('team/weekly-report-copy');
    expect(readdirSync(path.join(server.notebooksDir, '.trash/team')).some((f) => f.startsWith('weekly-report-copy.'))).toBe(true);
    await shot('list');
  });
});
