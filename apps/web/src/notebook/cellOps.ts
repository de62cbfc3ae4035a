import { PipelineGraph, type Cell, type CodeCell, type MarkdownCell, type PipelineCell, type SqlCell } from '@flowbook/protocol';

/**
 * Pure cell operations of the notebook page (insert, delete, move, duplicate, change type) and the undo history of
 * those operations. Each returns a new cells array and never mutates its input.
 */

export type CellType = Cell['type'];

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A new cell id: `cell-` and 8 random characters (valid for the CellId schema). Random rather than `cell-<n+1>`: an id
 * must never come back for another cell, because the server keys saved outputs and running jobs by cell id.
 */
export function newCellId(cells: readonly Cell[], random: () => number = Math.random): string {
  for (;;) {
    let id = 'cell-';
    for (let i = 0; i < 8; i++) id += ID_ALPHABET[Math.floor(random() * ID_ALPHABET.length)];
    if (!cells.some((c) => c.id === id)) return id;
  }
}

export function emptyCell(type: CellType, id: string): Cell {
  if (type === 'pipeline') return { id, type: 'pipeline', graph: PipelineGraph.parse({ version: 1, nodes: [], edges: [] }), charts: {} };
  if (type === 'chart') return { id, type: 'chart' };
  if (type === 'sql') return { id, type: 'sql', source: '', mode: 'update', charts: {} };
  return type === 'code' ? { id, type: 'code', language: 'typescript', source: '', charts: {} } : { id, type: 'markdown', source: '' };
}

/** A cell's text: a pipeline cell has none (its graph turns into code through the canvas's "Show as code"). */
export const textOf = (c: Cell): string => (c.type === 'pipeline' || c.type === 'chart' ? '' : c.source);

/** Inserts `cell` at `index` (clamped to the ends). */
export function insertCell(cells: readonly Cell[], index: number, cell: Cell): Cell[] {
  const at = Math.max(0, Math.min(cells.length, index));
  return [...cells.slice(0, at), cell, ...cells.slice(at)];
}

export function deleteCell(cells: readonly Cell[], id: string): Cell[] {
  return cells.filter((c) => c.id !== id);
}

/** Moves a cell `delta` places (-1 up, +1 down); unchanged at the ends. */
export function moveCell(cells: readonly Cell[], id: string, delta: number): Cell[] {
  const from = cells.findIndex((c) => c.id === id);
  const to = from + delta;
  if (from < 0 || to < 0 || to >= cells.length || delta === 0) return [...cells];
  const next = [...cells];
  const [cell] = next.splice(from, 1);
  next.splice(to, 0, cell!);
  return next;
}

/** A copy of the cell right below it, under `newId`: source, charts and form inputs, but not the last run's outputs. */
export function duplicateCell(cells: readonly Cell[], id: string, newId: string): Cell[] {
  const index = cells.findIndex((c) => c.id === id);
  if (index < 0) return [...cells];
  const original = cells[index]!;
  let copy: Cell;
  if (original.type === 'code' || original.type === 'pipeline' || original.type === 'sql') {
    const { outputs: _outputs, ...rest } = original;
    copy = structuredClone({ ...rest, id: newId });
  } else {
    copy = { ...original, id: newId };
  }
  return insertCell(cells, index + 1, copy);
}

/**
 * Changes a cell to markdown or code, keeping its id and source. What only a code cell has (charts, form inputs,
 * outputs) is dropped on the way to markdown; a code cell made from markdown starts with none.
 */
export function changeCellType(
  cells: readonly Cell[],
  id: string,
  type: CellType,
  pipelineToCode: (graph: PipelineGraph) => string = () => '',
  /** Code → pipeline: the graph the code builds (throws when the canvas cannot express it); markdown never becomes one. */
  codeToPipeline?: (source: string) => PipelineGraph,
): Cell[] {
  return cells.map((c) => {
    if (c.id === id && type === 'pipeline' && c.type === 'code' && codeToPipeline) {
      return { id: c.id, type: 'pipeline', ...(c.title !== undefined ? { title: c.title } : {}), graph: codeToPipeline(c.source), charts: c.charts } satisfies PipelineCell;
    }
    // A pipeline becomes code through its generated source.
    if (c.id !== id || c.type === type || type === 'pipeline' || type === 'chart') return c;
    const source = c.type === 'pipeline' ? pipelineToCode(c.graph) : textOf(c);
    if (type === 'sql') return { id: c.id, type: 'sql', source, mode: c.type === 'sql' ? c.mode : 'update', charts: {} } satisfies SqlCell;
    return type === 'code'
      ? ({ id: c.id, type: 'code', language: 'typescript', source, charts: c.type === 'pipeline' ? c.charts : {} } satisfies CodeCell)
      : ({ id: c.id, type: 'markdown', source } satisfies MarkdownCell);
  });
}

/** The id to select after deleting `id`: the cell that takes its place, else the one above. */
export function selectionAfterDelete(cells: readonly Cell[], id: string): string | undefined {
  const index = cells.findIndex((c) => c.id === id);
  if (index < 0) return cells[0]?.id;
  return (cells[index + 1] ?? cells[index - 1])?.id;
}

// ---- undo history of cell operations ----

/** The cells' structure before an operation, and which cell was selected then (selected again on undo). */
export interface Snapshot {
  cells: readonly Cell[];
  selected: string | undefined;
}

export interface CellHistory {
  past: Snapshot[];
  future: Snapshot[];
}

/** Cell operations remembered for undo; each snapshot shares its cell objects with the live notebook, so this is cheap. */
export const UNDO_LIMIT = 100;

export const emptyHistory = (): CellHistory => ({ past: [], future: [] });

/** Remembers the state before an operation; a new operation drops what could have been redone. */
export function record(history: CellHistory, before: Snapshot, limit = UNDO_LIMIT): CellHistory {
  const past = [...history.past, before];
  return { past: past.length > limit ? past.slice(past.length - limit) : past, future: [] };
}

/**
 * The snapshot's order, types and set of cells, with the text each surviving cell has now. Undo is for cell operations:
 * it must not also throw away what was typed in a cell since (Monaco keeps its own text undo for that).
 */
export function restoreStructure(snapshot: readonly Cell[], current: readonly Cell[]): Cell[] {
  const now = new Map(current.map((c) => [c.id, c]));
  return snapshot.map((s) => {
    const c = now.get(s.id);
    if (!c) return s;
    if (c.type === s.type) return c;
    // Undoing a type change: the old type (with the charts it had), today's text.
    return s.type === 'pipeline' || s.type === 'chart' ? s : { ...s, source: textOf(c) };
  });
}

export interface StepResult {
  history: CellHistory;
  state: { cells: Cell[]; selected: string | undefined };
}

/** Steps back one operation: the cells to show and the history after the step; undefined when there is nothing to undo. */
export function undo(history: CellHistory, current: Snapshot): StepResult | undefined {
  const target = history.past.at(-1);
  if (!target) return undefined;
  return {
    history: { past: history.past.slice(0, -1), future: [...history.future, current] },
    state: { cells: restoreStructure(target.cells, current.cells), selected: target.selected },
  };
}

/** Redoes the last undone operation. */
export function redo(history: CellHistory, current: Snapshot): StepResult | undefined {
  const target = history.future.at(-1);
  if (!target) return undefined;
  return {
    history: { past: [...history.past, current], future: history.future.slice(0, -1) },
    state: { cells: restoreStructure(target.cells, current.cells), selected: target.selected },
  };
}

const runsText = (c: Cell): c is CodeCell | SqlCell => c.type === 'code' || c.type === 'sql';

/** Code and SQL cells of `before` that are gone or no longer code or SQL in `after`: their running jobs are cancelled. */
export function removedCodeCells(before: readonly Cell[], after: readonly Cell[]): string[] {
  const stillCode = new Set(after.filter(runsText).map((c) => c.id));
  return before.filter((c) => runsText(c) && !stillCode.has(c.id)).map((c) => c.id);
}

/** Which code and SQL cells "run all", "run above" (the cells above the selected one) and "run below" (it and those below) start. */
export function cellsToRun(cells: readonly Cell[], which: 'all' | 'above' | 'below', selected: string | undefined): (CodeCell | SqlCell)[] {
  const index = cells.findIndex((c) => c.id === selected);
  const range = which === 'all' || index < 0 ? cells : which === 'above' ? cells.slice(0, index) : cells.slice(index);
  return range.filter(runsText);
}

/** The cells with the saved outputs of `ids` removed (after the server cleared them). */
export function stripOutputs(cells: readonly Cell[], ids: readonly string[]): Cell[] {
  return cells.map((c) => {
    if (!runsText(c) || !c.outputs || !ids.includes(c.id)) return c;
    const { outputs: _outputs, ...rest } = c;
    return rest;
  });
}
