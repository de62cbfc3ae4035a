import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyNotebook, docToNotebook, LEGACY_CELLS, NOTEBOOK_VERSION, type Notebook } from '@flowbook/protocol';
import { NotebookStore } from '../notebooks/NotebookStore.js';
import { LiveNotebooks, type LiveEmit } from './LiveNotebooks.js';

const nb: Notebook = {
  version: NOTEBOOK_VERSION,
  title: 'T',
  cells: [
    { id: 'a', type: 'markdown', source: '# A' },
    { id: 'b', type: 'code', language: 'typescript', source: 'one\n', charts: {} },
  ],
};

async function setup(opts = {}) {
  const store = new NotebookStore(await mkdtemp(path.join(tmpdir(), 'flowbook-live-')));
  await store.create('n', nb);
  const events: { event: string; payload: Record<string, unknown>; except?: string }[] = [];
  const emit: LiveEmit = (_notebook, event, payload, except) => events.push({ event, payload: payload as Record<string, unknown>, except });
  const live = new LiveNotebooks(store, emit, { saveDelayMs: 50, watchIntervalMs: 50, idleMs: 50, ...opts });
  store.live = live;
  const file = () => readFile(store.pathOf('n'), 'utf8').then((t) => JSON.parse(t) as Notebook);
  return { store, live, events, file };
}

/** A client's replica: synced from the server, its local changes sent as one update. */
async function client(live: LiveNotebooks, id: string) {
  const doc = new Y.Doc();
  const s = await live.sync('n', Y.encodeStateVector(doc), id);
  Y.applyUpdate(doc, s.update);
  const edit = async (fn: (n: Notebook) => Notebook) => {
    const before = Y.encodeStateVector(doc);
    applyNotebook(doc, fn(docToNotebook(doc)));
    await live.update('n', Y.encodeStateAsUpdate(doc, before), id);
  };
  return { doc, edit };
}

const until = async (cond: () => Promise<boolean> | boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};
const src = (n: Notebook, id: string) => {
  const c = n.cells.find((x) => x.id === id);
  return c && 'source' in c ? c.source : undefined;
};

describe('LiveNotebooks: the server document and its file', () => {
  it('merges two clients typing in the same cell, sends each the other\'s update, and writes the file (debounced)', async () => {
    const { live, events, file } = await setup();
    const a = await client(live, 'sa');
    const b = await client(live, 'sb');
    await a.edit((n) => ({ ...n, cells: n.cells.map((c) => (c.id === 'b' ? { ...c, source: 'zero\none\n' } : c)) }));
    await b.edit((n) => ({ ...n, cells: n.cells.map((c) => (c.id === 'b' ? { ...c, source: 'one\ntwo\n' } : c)) }));
    expect(src(live.current('n')!, 'b')).toBe('zero\none\ntwo\n');
    // Each update goes to the room, except to the socket it came from.
    expect(events.filter((e) => e.event === 'doc.update').map((e) => e.except)).toEqual(['sa', 'sb']);
    await until(async () => src(await file(), 'b') === 'zero\none\ntwo\n');
    expect(events.some((e) => e.event === 'doc.saved' && !e.payload.error)).toBe(true);
    await live.closeAll();
  });

  it('merges a file changed on disk into the live document without losing live edits made since', async () => {
    const { store, live, file } = await setup({ saveDelayMs: 10_000 });
    const a = await client(live, 'sa');
    // Live edit, not yet written (long save delay)...
    await a.edit((n) => ({ ...n, cells: n.cells.map((c) => (c.id === 'b' ? { ...c, source: 'one\nlive\n' } : c)) }));
    // ...while an editor changes the file: another cell, and the first line of the same cell.
    const onDisk = await file();
    await new Promise((r) => setTimeout(r, 20));
    await writeFile(
      store.pathOf('n'),
      JSON.stringify({ ...onDisk, cells: onDisk.cells.map((c) => (c.id === 'a' ? { ...c, source: '# A from git' } : c.id === 'b' ? { ...c, source: 'ONE\n' } : c)) }),
    );
    await until(() => src(live.current('n')!, 'a') === '# A from git');
    expect(src(live.current('n')!, 'b')).toBe('ONE\nlive\n');
    // The merged document is what is written.
    await live.flush('n');
    expect(src(await file(), 'b')).toBe('ONE\nlive\n');
    // A job's outputs written to the file reach the document too.
    await store.saveOutputs('n', 'b', { status: 'finished', startedAt: 1, finishedAt: 2, results: {}, logs: ['hi'] });
    await until(() => {
      const c = live.current('n')!.cells.find((x) => x.id === 'b');
      return c?.type === 'code' && c.outputs?.logs[0] === 'hi';
    });
    await live.closeAll();
  });

  it('never undoes typing that arrived while the file was being written (the file change it causes merges as nothing)', async () => {
    const { store, live, file } = await setup();
    const a = await client(live, 'sa');
    const write = store.saveToFile.bind(store);
    let typedDuringWrite: Promise<void> | undefined;
    store.saveToFile = async (name, n) => {
      await write(name, n);
      // A keystroke lands between the file being written and the save finishing.
      typedDuringWrite ??= a.edit((x) => ({ ...x, cells: x.cells.map((c) => (c.id === 'b' ? { ...c, source: 'one\nmore\n' } : c)) }));
      await typedDuringWrite;
    };
    await a.edit((x) => ({ ...x, title: 'first' }));
    await until(async () => (await file()).title === 'first');
    // The watcher sees the file (without "more") change: merging it must not take "more" out.
    await new Promise((r) => setTimeout(r, 300));
    expect(src(live.current('n')!, 'b')).toBe('one\nmore\n');
    await until(async () => src(await file(), 'b') === 'one\nmore\n');
    await live.closeAll();
  });

  it('keeps its Yjs state across a restart, so a browser still holding the old document merges without doubles', async () => {
    const stateDir = await mkdtemp(path.join(tmpdir(), 'flowbook-yjs-'));
    const { store, live } = await setup({ stateDir });
    const a = await client(live, 'sa');
    await a.edit((n) => ({ ...n, cells: n.cells.map((c) => (c.id === 'b' ? { ...c, source: 'one\ntwo\n' } : c)) }));
    await live.closeAll();
    // Offline edit in the browser while the server restarts.
    applyNotebook(a.doc, { ...docToNotebook(a.doc), title: 'offline' });
    const restarted = new LiveNotebooks(store, () => {}, { stateDir, saveDelayMs: 50, watchIntervalMs: 50 });
    const s = await restarted.sync('n', Y.encodeStateVector(a.doc), 'sa2');
    Y.applyUpdate(a.doc, s.update);
    await restarted.update('n', Y.encodeStateAsUpdate(a.doc, s.stateVector), 'sa2');
    expect(restarted.current('n')).toEqual(docToNotebook(a.doc));
    expect(restarted.current('n')!.cells.map((c) => c.id)).toEqual(['a', 'b']);
    expect(restarted.current('n')!.title).toBe('offline');
    await restarted.closeAll();
  });

  it('migrates Yjs state kept by an older version (cells in one array) when it loads, keeping its text', async () => {
    const stateDir = await mkdtemp(path.join(tmpdir(), 'flowbook-yjs-'));
    const { store } = await setup({ stateDir });
    // The layout before: a Y.Array of Y.Maps, the source a Y.Text, typed into since the file was written.
    const old = new Y.Doc();
    for (const [k, v] of Object.entries({ title: 'T', version: NOTEBOOK_VERSION })) old.getMap('meta').set(k, v);
    for (const cell of nb.cells) {
      const m = new Y.Map<unknown>();
      old.getArray<Y.Map<unknown>>(LEGACY_CELLS).push([m]);
      for (const [k, v] of Object.entries(cell)) m.set(k, k === 'source' ? new Y.Text(v as string) : v);
    }
    await writeFile(path.join(stateDir, 'n.yjs'), Y.encodeStateAsUpdate(old));
    const live = new LiveNotebooks(store, () => {}, { stateDir, saveDelayMs: 50, watchIntervalMs: 50 });
    const a = await client(live, 'sa');
    expect(docToNotebook(a.doc).cells.map((c) => c.id)).toEqual(['a', 'b']);
    expect(a.doc.getArray(LEGACY_CELLS).length).toBe(0);
    // And it is today's layout: a move keeps someone's typing in the moved cell.
    const b = await client(live, 'sb');
    await a.edit((n) => ({ ...n, cells: [...n.cells].reverse() }));
    await b.edit((n) => ({ ...n, cells: n.cells.map((c) => (c.id === 'b' ? { ...c, source: 'one\nby B\n' } : c)) }));
    expect(live.current('n')!.cells.map((c) => [c.id, src(live.current('n')!, c.id)])).toEqual([
      ['b', 'one\nby B\n'],
      ['a', '# A'],
    ]);
    await live.closeAll();
  });

  it('reports a file that no longer loads and keeps the live document', async () => {
    const { store, live, events } = await setup();
    await client(live, 'sa');
    await new Promise((r) => setTimeout(r, 20));
    await writeFile(store.pathOf('n'), '{ not json');
    await until(() => events.some((e) => e.event === 'doc.saved' && String(e.payload.error).includes('n.flowbook.json changed on disk but does not load')));
    expect(src(live.current('n')!, 'a')).toBe('# A');
    await live.closeAll();
  });

  it('keeps writing while someone types without a pause: the file is never more than a second behind (a crash loses at most that)', async () => {
    // The default delay: a throttle, not a debounce that would wait for the typing to stop.
    const { live, file } = await setup({ saveDelayMs: undefined });
    const a = await client(live, 'sa');
    const typed: { at: number; length: number }[] = [];
    let worst = 0;
    const start = Date.now();
    while (Date.now() - start < 2500) {
      await a.edit((n) => ({ ...n, cells: n.cells.map((c) => (c.id === 'b' && 'source' in c ? { ...c, source: c.source + 'x' } : c)) }));
      typed.push({ at: Date.now(), length: src(live.current('n')!, 'b')!.length });
      await new Promise((r) => setTimeout(r, 40));
      const onDisk = src(await file(), 'b')!.length;
      // The oldest keystroke not yet in the file: how long ago it was typed.
      const missing = typed.find((t) => t.length > onDisk);
      if (missing) worst = Math.max(worst, Date.now() - missing.at);
    }
    expect(typed.length).toBeGreaterThan(20);
    expect(worst).toBeLessThan(1000);
    await live.closeAll();
  });

  it('writes what is pending on shutdown, and a trashed notebook is not written back', async () => {
    const { store, live, file } = await setup({ saveDelayMs: 60_000 });
    const a = await client(live, 'sa');
    await a.edit((n) => ({ ...n, title: 'Renamed' }));
    await live.closeAll();
    expect((await file()).title).toBe('Renamed');
    const b = await client(live, 'sb');
    await b.edit((n) => ({ ...n, title: 'Again' }));
    await store.trash('n');
    await live.closeAll();
    await expect(readFile(store.pathOf('n'))).rejects.toThrow(/ENOENT/);
  });
});
