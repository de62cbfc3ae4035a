import { describe, expect, it } from 'vitest';
import { CellId, ChartSettings, type Cell, type CodeCell, type PipelineGraph } from '@flowbook/protocol';
import {
  UNDO_LIMIT,
  cellsToRun,
  changeCellType,
  deleteCell,
  duplicateCell,
  emptyCell,
  emptyHistory,
  insertCell,
  moveCell,
  newCellId,
  record,
  redo,
  removedCodeCells,
  restoreStructure,
  selectionAfterDelete,
  stripOutputs,
  undo,
  type Snapshot,
} from './cellOps.js';

const md = (id: string, source = `# ${id}`): Cell => ({ id, type: 'markdown', source });
const code = (id: string, source = `// ${id}`, extra: Partial<CodeCell> = {}): Cell => ({ id, type: 'code', language: 'typescript', source, charts: {}, ...extra });
/** Chart settings with the schema's defaults filled in, as a loaded notebook has them. */
const chart = (type: 'bar' | 'line') => ChartSettings.parse({ type, y: ['v'] });
const ids = (cells: readonly Cell[]) => cells.map((c) => c.id);
const outputs: CodeCell['outputs'] = { status: 'finished', startedAt: 1, finishedAt: 2, results: { s: { rows: [{ a: 1 }], total: 1 } }, logs: ['x'] };

const cells: Cell[] = [md('intro'), code('a'), code('b'), md('end')];

describe('cell operations', () => {
  it('new ids are valid cell ids and never taken', () => {
    const taken = [code('cell-aaaaaaaa')];
    // The first draw collides with the taken id; the second does not.
    const draws = [...Array(8).fill(0), ...Array(8).fill(0.99)];
    const id = newCellId(taken, () => draws.shift()!);
    expect(id).toBe('cell-99999999');
    expect(CellId.safeParse(id).success).toBe(true);
    const many = new Set(Array.from({ length: 500 }, () => newCellId(cells)));
    expect(many.size).toBe(500);
  });

  it('inserts an empty cell of either type, clamped to the ends', () => {
    expect(ids(insertCell(cells, 1, emptyCell('code', 'n')))).toEqual(['intro', 'n', 'a', 'b', 'end']);
    expect(ids(insertCell(cells, 99, emptyCell('markdown', 'n')))).toEqual(['intro', 'a', 'b', 'end', 'n']);
    expect(ids(insertCell(cells, -1, emptyCell('markdown', 'n')))).toEqual(['n', 'intro', 'a', 'b', 'end']);
    expect(emptyCell('code', 'n')).toEqual({ id: 'n', type: 'code', language: 'typescript', source: '', charts: {} });
    expect(emptyCell('markdown', 'n')).toEqual({ id: 'n', type: 'markdown', source: '' });
  });

  it('deletes a cell and selects the one that takes its place, else the one above', () => {
    expect(ids(deleteCell(cells, 'a'))).toEqual(['intro', 'b', 'end']);
    expect(selectionAfterDelete(cells, 'a')).toBe('b');
    expect(selectionAfterDelete(cells, 'end')).toBe('b');
    expect(selectionAfterDelete([md('only')], 'only')).toBeUndefined();
  });

  it('moves a cell up and down, not past the ends', () => {
    expect(ids(moveCell(cells, 'b', -1))).toEqual(['intro', 'b', 'a', 'end']);
    expect(ids(moveCell(cells, 'a', 1))).toEqual(['intro', 'b', 'a', 'end']);
    expect(ids(moveCell(cells, 'intro', -1))).toEqual(ids(cells));
    expect(ids(moveCell(cells, 'end', 1))).toEqual(ids(cells));
    expect(ids(moveCell(cells, 'nope', 1))).toEqual(ids(cells));
  });

  it('duplicates a cell below itself with its source, charts and form inputs, but not its outputs', () => {
    const withAll = [
      code('a', 'src', {
        charts: { s: chart('bar') },
        params: [{ name: 'n', type: 'number', default: 1 }],
        paramValues: { n: 2 },
        outputs,
      }),
      md('m'),
    ];
    const next = duplicateCell(withAll, 'a', 'copy');
    expect(ids(next)).toEqual(['a', 'copy', 'm']);
    const copy = next[1] as CodeCell;
    expect(copy).toEqual({ id: 'copy', type: 'code', language: 'typescript', source: 'src', charts: { s: chart('bar') }, params: [{ name: 'n', type: 'number', default: 1 }], paramValues: { n: 2 } });
    // A deep copy: changing the copy's charts later does not touch the original.
    expect(copy.charts).not.toBe((withAll[0] as CodeCell).charts);
    expect(ids(duplicateCell(withAll, 'm', 'm2'))).toEqual(['a', 'm', 'm2']);
  });

  it('changes the type, keeping id and source; code-only fields go on the way to markdown', () => {
    const next = changeCellType([code('a', 'x = 1', { charts: { s: chart('line') }, outputs })], 'a', 'markdown');
    expect(next).toEqual([{ id: 'a', type: 'markdown', source: 'x = 1' }]);
    expect(changeCellType(next, 'a', 'code')).toEqual([{ id: 'a', type: 'code', language: 'typescript', source: 'x = 1', charts: {} }]);
    expect(changeCellType(cells, 'a', 'code')[1]).toBe(cells[1]);
  });

  it('turns a code cell into a pipeline cell with the graph its code builds, keeping charts; markdown never', () => {
    const graph: PipelineGraph = { version: 1, config: { autoWatermarkInterval: 200, maxParallelism: 128 }, nodes: [], edges: [] };
    const read: string[] = [];
    const toGraph = (source: string) => (read.push(source), graph);
    const next = changeCellType([code('a', 'env.fromElements(1).print()', { charts: { s: chart('line') }, outputs })], 'a', 'pipeline', undefined, toGraph);
    expect(next).toEqual([{ id: 'a', type: 'pipeline', graph, charts: { s: chart('line') } }]);
    expect(read).toEqual(['env.fromElements(1).print()']);
    const text = [md('m')];
    expect(changeCellType(text, 'm', 'pipeline', undefined, toGraph)).toEqual(text);
    expect(() => changeCellType([code('b', 'for (;;) {}')], 'b', 'pipeline', undefined, () => {
      throw new Error('line 1: a for statement cannot be drawn on the canvas');
    })).toThrow(/for statement/);
  });

  it('strips the outputs of the cleared cells only', () => {
    const withOutputs = [code('a', 'x', { outputs }), code('b', 'y', { outputs }), md('m')];
    const next = stripOutputs(withOutputs, ['a', 'm']);
    expect('outputs' in next[0]!).toBe(false);
    expect((next[1] as CodeCell).outputs).toBe(outputs);
    expect(next[2]).toBe(withOutputs[2]);
  });

  it('lists code cells that a change removed or turned into markdown', () => {
    expect(removedCodeCells(cells, changeCellType(deleteCell(cells, 'a'), 'b', 'markdown'))).toEqual(['a', 'b']);
    expect(removedCodeCells(cells, moveCell(cells, 'a', 1))).toEqual([]);
  });

  it('runs all, above the selected cell, or it and below: code cells only, in order', () => {
    expect(ids(cellsToRun(cells, 'all', 'b'))).toEqual(['a', 'b']);
    expect(ids(cellsToRun(cells, 'above', 'b'))).toEqual(['a']);
    expect(ids(cellsToRun(cells, 'below', 'b'))).toEqual(['b']);
    expect(ids(cellsToRun(cells, 'above', 'intro'))).toEqual([]);
    expect(ids(cellsToRun(cells, 'below', 'intro'))).toEqual(['a', 'b']);
  });

  it('makes SQL cells: new, from code (source kept), run with the code cells, cancelled when turned to markdown', () => {
    expect(emptyCell('sql', 'q')).toEqual({ id: 'q', type: 'sql', source: '', mode: 'update', charts: {} });
    const withSql = changeCellType(cells, 'b', 'sql');
    expect(withSql[2]).toEqual({ id: 'b', type: 'sql', source: '// b', mode: 'update', charts: {} });
    expect(ids(cellsToRun(withSql, 'all', undefined))).toEqual(['a', 'b']);
    expect(removedCodeCells(withSql, changeCellType(withSql, 'b', 'markdown'))).toEqual(['b']);
    const sqlWithOutputs: Cell = { id: 's', type: 'sql', source: 'SELECT 1', mode: 'single', template: '{0}', charts: {}, outputs };
    expect(duplicateCell([sqlWithOutputs], 's', 't')[1]).toEqual({ id: 't', type: 'sql', source: 'SELECT 1', mode: 'single', template: '{0}', charts: {} });
  });
});

describe('undo of cell operations', () => {
  /** Applies an operation as the page does: remembers the state before it. */
  const apply = (state: { history: ReturnType<typeof emptyHistory>; now: Snapshot }, cellsAfter: Cell[], selected?: string) => ({
    history: record(state.history, state.now),
    now: { cells: cellsAfter, selected: selected ?? state.now.selected },
  });

  it('undoes insert, delete, move and type change in reverse order, and redoes them', () => {
    let s = { history: emptyHistory(), now: { cells, selected: 'a' } as Snapshot };
    s = apply(s, insertCell(s.now.cells, 2, emptyCell('markdown', 'new')), 'new');
    s = apply(s, deleteCell(s.now.cells, 'a'), 'new');
    s = apply(s, moveCell(s.now.cells, 'end', -1));
    s = apply(s, changeCellType(s.now.cells, 'b', 'markdown'));
    expect(s.now.cells.map((c) => `${c.id}:${c.type}`)).toEqual(['intro:markdown', 'new:markdown', 'end:markdown', 'b:markdown']);

    const steps: string[][] = [];
    let history = s.history;
    let now = s.now;
    for (;;) {
      const r = undo(history, now);
      if (!r) break;
      history = r.history;
      now = r.state;
      steps.push(now.cells.map((c) => `${c.id}:${c.type}`));
    }
    expect(steps).toEqual([
      ['intro:markdown', 'new:markdown', 'end:markdown', 'b:code'],
      ['intro:markdown', 'new:markdown', 'b:code', 'end:markdown'],
      ['intro:markdown', 'a:code', 'new:markdown', 'b:code', 'end:markdown'],
      ['intro:markdown', 'a:code', 'b:code', 'end:markdown'],
    ]);
    // Back at the start, with the selection of that time.
    expect(now.selected).toBe('a');
    expect(now.cells).toEqual(cells);

    const r = redo(history, now)!;
    expect(ids(r.state.cells)).toEqual(['intro', 'a', 'new', 'b', 'end']);
    expect(r.state.selected).toBe('new');
    expect(r.history.future).toHaveLength(3);
  });

  it('keeps what was typed since: undo restores structure, not text', () => {
    const before = cells;
    const afterDelete = deleteCell(before, 'a');
    // Typed into b after deleting a.
    const typed = afterDelete.map((c) => (c.id === 'b' ? { ...c, source: 'edited' } : c));
    const restored = restoreStructure(before, typed);
    expect(ids(restored)).toEqual(['intro', 'a', 'b', 'end']);
    expect((restored.find((c) => c.id === 'b') as { source: string }).source).toBe('edited');
    // Undoing a type change gives the old type (and its charts) with today's text.
    const charted = [code('c', 'old', { charts: { s: chart('bar') } })];
    const asMarkdown: Cell[] = [{ id: 'c', type: 'markdown', source: 'new text' }];
    expect(restoreStructure(charted, asMarkdown)).toEqual([code('c', 'new text', { charts: { s: chart('bar') } })]);
  });

  it('a new operation drops the redo steps; the history is bounded', () => {
    let history = record(emptyHistory(), { cells, selected: 'a' });
    const r = undo(history, { cells: deleteCell(cells, 'a'), selected: 'b' })!;
    expect(r.history.future).toHaveLength(1);
    history = record(r.history, { cells, selected: 'a' });
    expect(history.future).toEqual([]);
    expect(undo(emptyHistory(), { cells, selected: undefined })).toBeUndefined();
    expect(redo(emptyHistory(), { cells, selected: undefined })).toBeUndefined();

    let h = emptyHistory();
    for (let i = 0; i < UNDO_LIMIT + 5; i++) h = record(h, { cells: [md(`m${i}`)], selected: undefined });
    expect(h.past).toHaveLength(UNDO_LIMIT);
    expect(h.past[0]!.cells[0]!.id).toBe('m5');
  });
});
