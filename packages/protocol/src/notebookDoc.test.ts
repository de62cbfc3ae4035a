import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyNotebook, cellOf, docToNotebook, LEGACY_CELLS, migrateDoc, notebookToDoc } from './notebookDoc.js';
import { Notebook } from './notebook.js';

const nb = (): Notebook =>
  Notebook.parse({
    version: 1,
    title: 'T',
    cells: [
      { id: 'a', type: 'markdown', source: '# A' },
      { id: 'b', type: 'code', source: 'one\ntwo\n', outputs: { status: 'finished', startedAt: 1, finishedAt: 2 } },
      {
        id: 'c',
        type: 'pipeline',
        graph: { version: 1, nodes: [{ id: 'n1', type: 'source', position: { x: 0, y: 0 } }, { id: 'n2', type: 'sink', position: { x: 5, y: 5 } }], edges: [{ source: 'n1', target: 'n2' }] },
      },
    ],
  });

/** Two replicas of one document, as two browsers after their first sync. */
function pair(initial: Notebook) {
  const a = notebookToDoc(initial);
  const b = new Y.Doc();
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
  const sync = () => {
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
  };
  return { a, b, sync };
}

describe('notebook ↔ Y.Doc', () => {
  it('round-trips a notebook, outputs and graphs included, and stays valid', () => {
    const doc = notebookToDoc(nb());
    expect(Notebook.parse(docToNotebook(doc))).toEqual(nb());
  });

  it('writes nothing when the notebook did not change', () => {
    const doc = notebookToDoc(nb());
    let updates = 0;
    doc.on('update', () => updates++);
    applyNotebook(doc, nb());
    expect(updates).toBe(0);
  });

  it('keeps both people\'s text typed at once in different cells and in the same cell', () => {
    const { a, b, sync } = pair(nb());
    const na = docToNotebook(a);
    applyNotebook(a, { ...na, cells: na.cells.map((c) => (c.id === 'a' ? { ...c, source: '# A by alice' } : c.id === 'b' ? { ...c, source: 'zero\none\ntwo\n' } : c)) });
    const nbb = docToNotebook(b);
    applyNotebook(b, { ...nbb, cells: nbb.cells.map((c) => (c.id === 'b' ? { ...c, source: 'one\ntwo\nthree\n' } : c)) });
    sync();
    const merged = docToNotebook(a);
    expect(merged).toEqual(docToNotebook(b));
    expect(merged.cells.map((c) => ('source' in c ? c.source : ''))).toEqual(['# A by alice', 'zero\none\ntwo\nthree\n', '']);
  });

  it('merges two people moving different nodes of one graph', () => {
    const { a, b, sync } = pair(nb());
    const move = (doc: Y.Doc, node: string, x: number) => {
      const n = docToNotebook(doc);
      applyNotebook(doc, {
        ...n,
        cells: n.cells.map((c) => (c.type === 'pipeline' ? { ...c, graph: { ...c.graph, nodes: c.graph.nodes.map((g) => (g.id === node ? { ...g, position: { x, y: 0 } } : g)) } } : c)),
      });
    };
    move(a, 'n1', 100);
    move(b, 'n2', 200);
    sync();
    const g = docToNotebook(a).cells.find((c) => c.type === 'pipeline');
    expect(g?.type === 'pipeline' && g.graph.nodes.map((n) => n.position?.x)).toEqual([100, 200]);
  });

  it('adds, moves and deletes cells by id; concurrent inserts both stay', () => {
    const { a, b, sync } = pair(nb());
    const na = docToNotebook(a);
    applyNotebook(a, { ...na, cells: [na.cells[1]!, na.cells[0]!, na.cells[2]!, { id: 'x', type: 'markdown', source: 'x' }] });
    const nbb = docToNotebook(b);
    applyNotebook(b, { ...nbb, cells: [{ id: 'y', type: 'markdown', source: 'y' }, ...nbb.cells.filter((c) => c.id !== 'c')] });
    sync();
    expect(docToNotebook(a).cells.map((c) => c.id)).toEqual(docToNotebook(b).cells.map((c) => c.id));
    expect(docToNotebook(a).cells.map((c) => c.id).sort()).toEqual(['a', 'b', 'x', 'y']);
  });

  it('leaves outputs alone unless asked (they are the server\'s)', () => {
    const doc = notebookToDoc(nb());
    const n = docToNotebook(doc);
    applyNotebook(doc, { ...n, cells: n.cells.map((c) => (c.type === 'code' ? { ...c, outputs: undefined } : c)) });
    expect(docToNotebook(doc).cells[1]).toHaveProperty('outputs');
    applyNotebook(doc, { ...n, cells: n.cells.map((c) => (c.type === 'code' ? { ...c, outputs: undefined } : c)) }, null, { outputs: true });
    expect(docToNotebook(doc).cells[1]).not.toHaveProperty('outputs');
  });

  it('keeps the text someone types in a cell another moves at the same time', () => {
    const { a, b, sync } = pair(nb());
    const na = docToNotebook(a);
    // A moves cell b to the end; B types in it meanwhile.
    applyNotebook(a, { ...na, cells: [na.cells[0]!, na.cells[2]!, na.cells[1]!] });
    const nbb = docToNotebook(b);
    applyNotebook(b, { ...nbb, cells: nbb.cells.map((c) => (c.id === 'b' ? { ...c, source: 'one\ntwo\nthree by B\n' } : c)) });
    sync();
    for (const doc of [a, b]) {
      const cells = docToNotebook(doc).cells;
      expect(cells.map((c) => c.id)).toEqual(['a', 'c', 'b']);
      expect(cells[2]).toMatchObject({ source: 'one\ntwo\nthree by B\n', outputs: { status: 'finished' } });
    }
  });

  it('two people moving the same cell at once leave it in one place', () => {
    const { a, b, sync } = pair(nb());
    const na = docToNotebook(a);
    applyNotebook(a, { ...na, cells: [na.cells[1]!, na.cells[0]!, na.cells[2]!] });
    applyNotebook(b, { ...na, cells: [na.cells[0]!, na.cells[2]!, na.cells[1]!] });
    sync();
    const ids = docToNotebook(a).cells.map((c) => c.id);
    expect(ids).toEqual(docToNotebook(b).cells.map((c) => c.id));
    expect([...ids].sort()).toEqual(['a', 'b', 'c']);
  });

  it('migrates an older document (cells in one Y.Array) into the map and order, for every replica', () => {
    // The layout before: a Y.Array of Y.Maps, as the state files in stateDir/collab still hold it.
    const old = new Y.Doc();
    const legacy = old.getArray<Y.Map<unknown>>(LEGACY_CELLS);
    for (const cell of nb().cells) {
      const m = new Y.Map<unknown>();
      legacy.push([m]);
      for (const [k, v] of Object.entries(cell)) m.set(k, k === 'source' ? new Y.Text(v as string) : v);
    }
    old.getMap('meta').set('title', 'T');
    old.getMap('meta').set('version', 1);
    const before = legacy.map(cellOf).map((c) => c.id);
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(old));
    const sv = Y.encodeStateVector(old);
    expect(migrateDoc(old)).toBe(true);
    expect(migrateDoc(old)).toBe(false);
    expect(before).toEqual(['a', 'b', 'c']);
    expect(docToNotebook(old).cells.map((c) => [c.id, 'source' in c ? c.source : undefined])).toEqual([
      ['a', '# A'],
      ['b', 'one\ntwo\n'],
      ['c', undefined],
    ]);
    expect(legacy.length).toBe(0);
    // Another replica gets the same move as an update.
    Y.applyUpdate(other, Y.encodeStateAsUpdate(old, sv));
    expect(docToNotebook(other)).toEqual(docToNotebook(old));
  });
});
