import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { io } from 'socket.io-client';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSession, openSession } from './support/session.js';
import type { RunningServer } from './support/server.js';

let server: RunningServer;
let browser: Browser;
const NB = 'coedit';
const contexts: BrowserContext[] = [];
let a: Page;
let b: Page;

const notebook = {
  version: 1,
  title: 'Co-editing',
  cells: [
    { id: 'one', type: 'code', language: 'typescript', source: '// one\n', charts: {} },
    { id: 'two', type: 'code', language: 'typescript', source: '// two\n', charts: {} },
    { id: 'q', type: 'sql', source: 'SELECT 1', mode: 'update', charts: {} },
  ],
};

/** The notebook's file as the server wrote it. */
const file = () => JSON.parse(readFileSync(path.join(server.notebooksDir, `${NB}.flowbook.json`), 'utf8')) as typeof notebook;
const fileSource = (id: string) => file().cells.find((c) => c.id === id)!.source;
/**
 * What an editor shows, line by line in order (Monaco renders spaces as non-breaking ones, and reuses line elements, so
 * their order in the DOM is not the lines' order: sorted by their position). textContent, not innerText: a remote cursor
 * is an absolutely positioned span, which innerText would turn into a line break.
 */
const shown = (page: Page, id: string) =>
  page
    .getByTestId(`cell-${id}`)
    .locator('.monaco-editor .view-lines .view-line')
    .evaluateAll((els) => els.map((e) => ({ top: parseFloat((e as HTMLElement).style.top), text: e.textContent ?? "" })).sort((x, y) => x.top - y.top).map((l) => l.text).join('\n'))
    .then((t) => t.replace(/\u00a0/g, ' '));

async function open(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(server.url);
  await page.goto(`${server.origin}/notebook/${NB}`, { timeout: 60_000 });
  await page.getByTestId('cell-two').locator('.monaco-editor .view-lines').waitFor({ timeout: 60_000 });
  return page;
}

/** Types at the end of a cell's editor. */
async function typeAtEnd(page: Page, id: string, text: string) {
  await page.getByTestId(`cell-${id}`).locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type(text, { delay: 20 });
}

beforeAll(async () => {
  ({ server, browser } = await openSession({ viewport: false }));
  writeFileSync(path.join(server.notebooksDir, `${NB}.flowbook.json`), JSON.stringify(notebook, null, 2));
  a = await open();
  b = await open();
}, 90_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await closeSession({ server, browser });
});

describe('two people on one notebook, in two Chromium contexts', () => {
  it('typing in different cells at once: both edits kept, each sees the other\'s within 1 s, the file has both', async () => {
    await Promise.all([typeAtEnd(a, 'one', 'const alpha = 1;'), typeAtEnd(b, 'two', 'const beta = 2;')]);
    await expect.poll(() => shown(b, 'one'), { timeout: 1_000, intervals: [50] }).toContain('const alpha = 1;');
    await expect.poll(() => shown(a, 'two'), { timeout: 1_000, intervals: [50] }).toContain('const beta = 2;');
    await expect.poll(() => fileSource('one') + fileSource('two'), { timeout: 3_000, intervals: [100] }).toBe('// one\nconst alpha = 1;// two\nconst beta = 2;');
    // Presence as today, and B's cursor named in A's editor.
    await expect.poll(() => a.locator('.yRemoteSelectionHead').count(), { timeout: 3_000 }).toBeGreaterThan(0);
  });

  it('typing in the same cell at once: both kept in both browsers, and after a reload', async () => {
    await a.getByTestId('cell-one').locator('.monaco-editor .view-lines').click();
    await a.keyboard.press('Control+Home');
    await Promise.all([a.keyboard.type('/* A */', { delay: 20 }), typeAtEnd(b, 'one', ' // B')]);
    const both = '/* A */// one\nconst alpha = 1; // B';
    await expect.poll(() => shown(a, 'one'), { timeout: 1_000, intervals: [50] }).toBe(both);
    await expect.poll(() => shown(b, 'one'), { timeout: 1_000, intervals: [50] }).toBe(both);
    await expect.poll(() => fileSource('one'), { timeout: 3_000, intervals: [100] }).toBe(both);
    await a.reload();
    await a.getByTestId('cell-one').locator('.monaco-editor .view-lines').waitFor();
    expect(await shown(a, 'one')).toBe(both);
  });

  it('a SQL cell is co-edited like a code cell: both people\'s typing kept', async () => {
    await a.getByTestId('cell-q').locator('.monaco-editor .view-lines').click();
    await a.keyboard.press('Control+Home');
    await Promise.all([a.keyboard.type('/* A */ ', { delay: 20 }), typeAtEnd(b, 'q', ' AS b')]);
    const both = '/* A */ SELECT 1 AS b';
    await expect.poll(() => shown(a, 'q'), { timeout: 1_000, intervals: [50] }).toBe(both);
    await expect.poll(() => shown(b, 'q'), { timeout: 1_000, intervals: [50] }).toBe(both);
    await expect.poll(() => fileSource('q'), { timeout: 3_000, intervals: [100] }).toBe(both);
  });

  it('A moves a cell while B types in it: the move and the typing are both kept', async () => {
    const order = (page: Page) => page.locator('section.cell').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.cellId));
    await b.getByTestId('cell-two').locator('.monaco-editor .view-lines').click();
    await b.keyboard.press('Control+End');
    await Promise.all([
      b.keyboard.type(' // typed while moved', { delay: 30 }),
      (async () => {
        await a.waitForTimeout(150);
        await a.getByTestId('cell-two').hover();
        await a.getByTestId('move-up-two').click();
      })(),
    ]);
    for (const page of [a, b]) {
      await expect.poll(() => order(page), { timeout: 2_000, intervals: [50] }).toEqual(['two', 'one', 'q']);
      await expect.poll(() => shown(page, 'two'), { timeout: 2_000, intervals: [50] }).toContain('// typed while moved');
    }
    await expect.poll(() => file().cells.map((c) => c.id).join(), { timeout: 3_000, intervals: [100] }).toBe('two,one,q');
    await expect.poll(() => fileSource('two'), { timeout: 3_000, intervals: [100] }).toContain('// typed while moved');
  });

  it('a share link\'s viewer gets the edits live; an edit it sends is refused by the server', async () => {
    const share = await a.evaluate(async (nb) => {
      const r = await fetch('/api/shares', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ notebook: nb }) });
      return (await r.json()) as { url: string };
    }, NB);
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    contexts.push(context);
    const viewer = await context.newPage();
    await viewer.goto(`${server.origin}${share.url}`, { timeout: 60_000 });
    await viewer.getByTestId('cell-two').locator('.monaco-editor .view-lines').waitFor({ timeout: 60_000 });
    await typeAtEnd(a, 'two', ' // live');
    await expect.poll(() => shown(viewer, 'two'), { timeout: 2_000, intervals: [50] }).toContain('// live');
    // The viewer's page has no way to edit; what a modified client would send is refused all the same. Same cookie,
    // same server, a socket of its own.
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const socket = io(server.origin, { extraHeaders: { cookie }, transports: ['websocket'] });
    const doc = new Y.Doc();
    const sync = await socket.emitWithAck('doc.sync', { notebook: NB, stateVector: Y.encodeStateVector(doc) });
    expect(sync).toMatchObject({ ok: true, canWrite: false });
    Y.applyUpdate(doc, new Uint8Array(sync.update));
    const before = Y.encodeStateVector(doc);
    doc.getMap('meta').set('title', 'defaced');
    const res = await socket.emitWithAck('doc.update', { notebook: NB, update: Y.encodeStateAsUpdate(doc, before) });
    socket.close();
    expect(res).toEqual({ ok: false, error: 'read-only: a share link cannot edit' });
    await a.waitForTimeout(500);
    expect(file().title).toBe('Co-editing');
    expect(await a.locator('h1').first().innerText()).toBe('Co-editing');
  });

  it('edits made while disconnected merge with the others\' when the connection is back', async () => {
    await b.context().setOffline(true);
    await expect.poll(() => b.getByTestId('save-state').innerText(), { timeout: 10_000 }).toMatch(/^offline/);
    await typeAtEnd(b, 'two', ' // offline B');
    await typeAtEnd(a, 'one', ' // online A');
    await a.waitForTimeout(300);
    expect(await shown(b, 'one')).not.toContain('online A');
    await b.context().setOffline(false);
    await expect.poll(() => shown(b, 'one'), { timeout: 20_000, intervals: [100] }).toContain('// online A');
    await expect.poll(() => shown(a, 'two'), { timeout: 5_000, intervals: [100] }).toContain('// offline B');
    await expect.poll(() => fileSource('one') + '|' + fileSource('two'), { timeout: 3_000, intervals: [100] }).toMatch(/online A\|.*\/\/ offline B$/s);
  });

  it('a cell off screen has no editor but shows the others\' typing live; scrolled to, it gets one with that text', async () => {
    // Editors only for cells on or near the screen (50 per page were the cost of co-editing a long notebook).
    const cells = Array.from({ length: 20 }, (_, i) => ({ id: `l${i}`, type: 'code', language: 'typescript', source: `// cell ${i}\n`, charts: {} }));
    writeFileSync(path.join(server.notebooksDir, 'coedit-long.flowbook.json'), JSON.stringify({ version: 1, title: 'Long', cells }));
    const pages = await Promise.all([a, b].map((p) => p.context().newPage()));
    try {
      await Promise.all(
        pages.map(async (page) => {
          await page.goto(`${server.origin}/notebook/coedit-long`, { timeout: 60_000 });
          await page.getByTestId('cell-l0').locator('.monaco-editor .view-lines').waitFor({ timeout: 60_000 });
        }),
      );
      const [pa, pb] = pages as [Page, Page];
      const last = pb.getByTestId('cell-l19');
      expect(await last.locator('.monaco-editor').count()).toBe(0);
      expect(await pb.locator('.monaco-editor').count()).toBeLessThan(cells.length);
      await pa.getByTestId('cell-l19').scrollIntoViewIfNeeded();
      await typeAtEnd(pa, 'l19', 'const far = 1;');
      // B, at the top, has the cell's text in its static view within a second, highlighted as Monaco does.
      // Monaco's highlighting renders spaces as non-breaking ones.
      await expect.poll(() => last.locator('.code-static').textContent().then((t) => t?.replace(/\u00a0/g, ' ')), { timeout: 1_000, intervals: [50] }).toContain('const far = 1;');
      await expect.poll(() => last.locator('.code-static [class^="mtk"]').count(), { timeout: 3_000 }).toBeGreaterThan(0);
      await last.scrollIntoViewIfNeeded();
      await last.locator('.monaco-editor .view-lines').waitFor({ timeout: 10_000 });
      await expect.poll(() => shown(pb, 'l19'), { timeout: 1_000, intervals: [50] }).toBe('// cell 19\nconst far = 1;');
      // And B's typing there, now in a live editor, reaches A.
      await typeAtEnd(pb, 'l19', ' // B');
      await expect.poll(() => shown(pa, 'l19'), { timeout: 1_000, intervals: [50] }).toBe('// cell 19\nconst far = 1; // B');
    } finally {
      for (const page of pages) await page.close();
    }
  });

  it('a REST PUT based on an old version gets 409 with the current one', async () => {
    const res = await a.evaluate(async (nb) => {
      const got = await fetch(`/api/notebooks/${nb}`);
      const etag = got.headers.get('etag')!;
      const { notebook } = (await got.json()) as { notebook: { title: string } };
      // Someone edits meanwhile (here: the REST client itself, live, with the right version).
      const put1 = await fetch(`/api/notebooks/${nb}`, { method: 'PUT', headers: { 'content-type': 'application/json', 'if-match': etag }, body: JSON.stringify({ ...notebook, title: 'Newer' }) });
      const stale = await fetch(`/api/notebooks/${nb}`, { method: 'PUT', headers: { 'content-type': 'application/json', 'if-match': etag }, body: JSON.stringify({ ...notebook, title: 'Stale' }) });
      return { put1: put1.status, stale: stale.status, body: (await stale.json()) as { notebook: { title: string } } };
    }, NB);
    expect(res).toMatchObject({ put1: 200, stale: 409, body: { notebook: { title: 'Newer' } } });
    await expect.poll(() => b.locator('h1').first().innerText(), { timeout: 2_000 }).toBe('Newer');
  });
});
