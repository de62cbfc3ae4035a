import { Fragment, useRef, useState } from 'react';
import { isRunnable, paramValuesOf, runsHere, seriesOf, type Cell, type ChartSettings, type Notebook, type PipelineGraph } from '@flowbook/protocol';
import { getSocket } from '../api/socket.js';
import { CodeCell } from '../cells/CodeCell.js';
import { SqlCellView } from '../cells/SqlCellView.js';
import { MarkdownCell, type MarkdownDone } from '../cells/MarkdownCell.js';
import { applyRunEvents } from './cellRuns.js';
import { useLiveRuns } from './useLiveRuns.js';
import { useNotebookFile } from './useNotebookFile.js';
import { useNotice } from './useNotice.js';
import { useCellHistory } from './useCellHistory.js';
import { useNotebookAccess } from './access.js';
import { AddCellBar } from './AddCellBar.js';
import { CellActions } from './CellActions.js';
import { NotebookToolbar } from './NotebookToolbar.js';
import { ParamForm } from '../cells/ParamForm.js';
import { PipelineCellView } from '../cells/PipelineCellView.js';
import { ChartCellView } from '../cells/ChartCellView.js';
import { toCode } from '../canvas/engine.js';
import { clearOutputs } from './clearOutputs.js';
import type { NotebookCommand } from './keymap.js';
import { useCellFocus, type FocusTarget } from './useCellFocus.js';
import { useNotebookKeys } from './useNotebookKeys.js';
import { NotebookHeader } from './NotebookHeader.js';
import {
  cellsToRun,
  changeCellType,
  deleteCell,
  duplicateCell,
  emptyCell,
  insertCell,
  moveCell,
  newCellId,
  removedCodeCells,
  selectionAfterDelete,
  stripOutputs,
  type CellType,
} from './cellOps.js';

/** A pipeline cell turned into a code cell: the engine's code for its graph (what "Show as code" shows). */
const pipelineToCode = (graph: PipelineGraph) => {
  try {
    return toCode(graph);
  } catch (e) {
    return `// This pipeline could not be turned into code: ${(e as Error).message}\n`;
  }
};

const isRunning = (status: string | undefined) => status === 'running' || status === 'pending';

/**
 * A notebook: its cells in order, live results from the server, edits saved shortly after typing stops. Cells are
 * selected, added, deleted, moved, duplicated and retyped with JupyterLab's keyboard model; cell operations undo.
 */
export function NotebookPage({ name }: { name: string }) {
  const access = useNotebookAccess(name);
  const [notice, setNotice] = useNotice();

  /** The code cell whose form inputs are being edited. */
  const [formEditing, setFormEditing] = useState<string>();
  const accessRef = useRef(access);
  accessRef.current = access;
  // Keyboard commands can follow each other faster than React renders: they read and write refs that always hold the
  // latest selection (selRef) and notebook (the file's nbRef); the state is what renders.
  const focus = useCellFocus({
    isMarkdown: (id) => nbRef.current?.cells.find((c) => c.id === id)?.type === 'markdown',
    canWrite: () => accessRef.current.write,
  });
  const { selected, selRef, mode, editingMarkdown, setEditingMarkdown, select } = focus;
  const { notebook, loadError, saveState, nbRef, commit, flushSave, saving, doc } = useNotebookFile(
    name,
    () => accessRef.current.write,
    (nb) => {
      select(nb.cells[0]?.id);
      document.title = `${nb.title} — Flowbook`;
    },
  );

  // Undo/redo of this browser's own changes in the shared document (Yjs' UndoManager).
  const history = useCellHistory(doc);
  const { runs, setLive } = useLiveRuns(name, notebook);
  const runsRef = useRef(runs);
  runsRef.current = runs;

  // ---- runs ----

  const runCell = (id: string, restore?: string) => {
    const nb = nbRef.current;
    const cell = nb?.cells.find((c) => c.id === id);
    // Imported cells of other languages (Python, Scala, …) do not run: their banner says so.
    if (!nb || !cell || !runsHere(cell) || !accessRef.current.run) return;
    // What runs is what the file will say: save pending edits now rather than after the typing pause, and run once
    // saved (the server runs only cells of the saved notebook). Runners send no code: the server runs the saved cell.
    flushSave();
    // A run the server refuses (invalid message, unknown notebook) has no job and so no status: show why on the cell.
    // A SQL cell sends its SQL; the server wraps it into the program that runs it.
    const program = !accessRef.current.write ? { source: '' } : cell.type === 'pipeline' ? { source: '', graph: cell.graph } : { source: cell.source };
    const msg = { notebook: name, cellId: id, ...program, params: paramValuesOf(nb, cell), series: seriesOf(cell), ...(restore ? { restore } : {}) };
    void saving.current.then(() =>
      getSocket().emit('cell.run', msg, (res) => {
        if (!res.ok) setLive((r) => applyRunEvents(r, [{ kind: 'status', msg: { notebook: name, cellId: id, status: 'error', error: { message: res.error } } }]));
      }),
    );
  };

  const cancelCell = (id: string) => getSocket().emit('cell.cancel', { notebook: name, cellId: id });

  /** Streaming jobs never end, so "run all" starts the cells in order rather than waiting for each (as the REST /run does). */
  const runMany = (which: 'all' | 'above' | 'below') => {
    for (const c of cellsToRun(nbRef.current?.cells ?? [], which, selRef.current)) runCell(c.id);
  };

  const clear = (ids?: string[]) => {
    clearOutputs(name, ids).then(
      ({ cleared, running }) => {
        const nb = nbRef.current;
        if (nb) commit({ ...nb, cells: stripOutputs(nb.cells, cleared) }, false);
        // The server tells everyone in the notebook the same; this makes it immediate here.
        setLive((r) => applyRunEvents(r, cleared.map((cellId) => ({ kind: 'status', msg: { notebook: name, cellId, status: 'ready' } }))));
        setNotice(running.length > 0 ? `${running.length} running cell${running.length > 1 ? 's keep their' : ' keeps its'} output (cancel first).` : undefined);
      },
      (e: Error) => setNotice(`Could not clear outputs: ${e.message}`),
    );
  };

  // ---- cell operations (undoable) ----

  /** A code cell deleted or turned into markdown has no Cancel button any more: its job is cancelled with it. */
  const cancelRemoved = (before: readonly Cell[], after: readonly Cell[]) => {
    for (const id of removedCodeCells(before, after)) if (isRunning(runsRef.current[id]?.status)) cancelCell(id);
  };

  const operate = (fn: (cells: Cell[]) => Cell[], selectAfter: string | undefined, focus: FocusTarget = 'cell') => {
    const nb = nbRef.current;
    if (!nb || !accessRef.current.write) return;
    const after = fn(nb.cells);
    history.record({ cells: nb.cells, selected: selRef.current });
    cancelRemoved(nb.cells, after);
    commit({ ...nb, cells: after });
    select(selectAfter, focus);
  };

  const cells = () => nbRef.current?.cells ?? [];
  const indexOf = (id: string | undefined) => cells().findIndex((c) => c.id === id);

  const insertAt = (index: number, type: CellType, focus: FocusTarget) => {
    const id = newCellId(cells());
    operate((cs) => insertCell(cs, index, emptyCell(type, id)), id, focus);
  };
  const insertRelative = (offset: 0 | 1, type: CellType, focus: FocusTarget) => {
    const i = indexOf(selRef.current);
    insertAt(i < 0 ? (offset === 0 ? 0 : cells().length) : i + offset, type, focus);
  };
  const remove = (id: string) => operate((cs) => deleteCell(cs, id), selectionAfterDelete(cells(), id));
  const move = (id: string, delta: -1 | 1) => operate((cs) => moveCell(cs, id, delta), id);
  const duplicate = (id: string) => {
    const copy = newCellId(cells());
    operate((cs) => duplicateCell(cs, id, copy), copy);
  };
  const retype = (id: string, type: CellType) => {
    const cell = cells().find((c) => c.id === id);
    if (!cell || cell.type === type) return;
    if (type === 'pipeline' && cell.type === 'code') {
      // The code's pipeline, read without running it (loaded on demand: the parser is not part of the first load).
      void import('../canvas/codeToGraph.js').then(({ codeToGraph }) => {
        try {
          const graph = codeToGraph(cell.source);
          operate((cs) => changeCellType(cs, id, type, pipelineToCode, () => graph), id);
        } catch (e) {
          setNotice(`This code cannot open on the canvas: ${(e as Error).message}`);
        }
      });
      return;
    }
    operate((cs) => changeCellType(cs, id, type, pipelineToCode), id);
  };

  const step = (direction: 'undo' | 'redo') => {
    const nb = nbRef.current;
    if (!nb || !accessRef.current.write) return;
    const state = history.step(direction, { cells: nb.cells, selected: selRef.current });
    if (!state) return;
    cancelRemoved(nb.cells, state.cells);
    commit({ ...nb, cells: state.cells });
    select(state.selected ?? state.cells[0]?.id, 'cell');
  };

  /** Runs the selected cell (markdown: renders it), then stays, selects the next cell, or inserts a code cell below. */
  const runSelected = (then: 'stay' | 'advance' | 'insert', id = selRef.current) => {
    const i = indexOf(id);
    if (!id || i < 0) return;
    runCell(id);
    if (editingMarkdown === id) setEditingMarkdown(undefined);
    if (then === 'insert') insertAt(i + 1, 'code', 'editor');
    // On the last cell Shift+Enter stays where it is (Zeppelin-like) instead of adding cells to the file as Jupyter does.
    else if (then === 'advance' && i + 1 < cells().length) select(cells()[i + 1]!.id, 'cell');
  };

  const setCell = (id: string, fn: (c: Cell) => Cell) => {
    const nb = nbRef.current;
    if (nb) commit({ ...nb, cells: nb.cells.map((c) => (c.id === id ? fn(c) : c)) });
  };

  const exec = (command: NotebookCommand) => {
    const id = selRef.current;
    const i = indexOf(id);
    switch (command) {
      case 'enterEdit':
        if (id) select(id, 'editor');
        break;
      case 'insertAbove':
        insertRelative(0, 'code', 'cell');
        break;
      case 'insertBelow':
        insertRelative(1, 'code', 'cell');
        break;
      case 'delete':
        if (id) remove(id);
        break;
      case 'toMarkdown':
        if (id) retype(id, 'markdown');
        break;
      case 'toCode':
        if (id) retype(id, 'code');
        break;
      case 'selectPrev':
        select(cells()[Math.max(0, i - 1)]?.id, 'cell');
        break;
      case 'selectNext':
        select(cells()[i < 0 ? 0 : Math.min(cells().length - 1, i + 1)]?.id, 'cell');
        break;
      case 'run':
        runSelected('stay');
        break;
      case 'runAndAdvance':
        runSelected('advance');
        break;
      case 'runAndInsert':
        runSelected('insert');
        break;
      case 'undo':
      case 'redo':
        step(command);
        break;
    }
  };

  useNotebookKeys(focus.containerRef, { exec, leaveEditor: () => select(selRef.current, 'cell') });

  const onMarkdownDone = (id: string, how: MarkdownDone) => {
    setEditingMarkdown((cur) => (cur === id ? undefined : cur));
    if (how === 'stay') select(id, 'cell');
    else if (how === 'advance') select(cells()[indexOf(id) + 1]?.id ?? id, 'cell');
  };

  if (loadError) return <div className="page error" data-testid="notebook-error">{loadError}</div>;
  if (!notebook) return <div className="page">Loading…</div>;

  const canEdit = access.write || access.run;
  return (
    <div ref={focus.containerRef} className={`page notebook${access.write ? ' editable' : ''}`} data-testid="notebook" data-mode={mode} onFocus={focus.onFocus} onBlur={focus.onBlur}>
      <NotebookHeader name={name} title={notebook.title} access={access} saveState={saveState} />
      {canEdit && (
        <NotebookToolbar
          access={access}
          canUndo={history.canUndo}
          canRedo={history.canRedo}
          hasSelection={selected !== undefined}
          onInsert={(type) => insertRelative(1, type, 'editor')}
          onRun={runMany}
          onClearAll={() => clear()}
          onUndo={() => step('undo')}
          onRedo={() => step('redo')}
        />
      )}
      <ParamForm
        scope="notebook"
        defs={notebook.params ?? []}
        values={notebook.paramValues ?? {}}
        canChange={access.run}
        canEdit={access.write}
        onValue={(n, v) => {
          const nb = nbRef.current;
          if (!nb) return;
          commit({ ...nb, paramValues: { ...nb.paramValues, [n]: v } });
          // Every cell that ran (or runs) with the old value runs again with the new one.
          for (const c of nb.cells) if (isRunnable(c) && runsRef.current[c.id] && runsRef.current[c.id]!.status !== 'ready') runCell(c.id);
        }}
        onDefs={(params) => {
          const nb = nbRef.current;
          if (nb) commit({ ...nb, params });
        }}
      />
      {notice && (
        <div className="notice" data-testid="notice" role="status">
          {notice}
        </div>
      )}
      {notebook.cells.length === 0 && <p className="muted empty-notebook">This notebook has no cells{access.write ? ': add one.' : '.'}</p>}
      {notebook.cells.map((cell, i) => {
        const run = runs[cell.id];
        const isSelected = cell.id === selected;
        return (
          <Fragment key={cell.id}>
            {access.write && <AddCellBar index={i} onAdd={(type) => insertAt(i, type, 'editor')} />}
            <section
              id={`cell-${cell.id}`}
              data-cell-id={cell.id}
              data-testid={`cell-${cell.id}`}
              tabIndex={-1}
              className={`cell cell-${cell.type}${isSelected ? ' selected' : ''}${isSelected && mode === 'edit' ? ' edit-mode' : ''}`}
            >
              {canEdit && (
                <CellActions
                  id={cell.id}
                  type={cell.type}
                  access={access}
                  first={i === 0}
                  last={i === notebook.cells.length - 1}
                  clearable={run !== undefined && run.status !== 'ready'}
                  running={isRunning(run?.status)}
                  onMove={(delta) => move(cell.id, delta)}
                  onDuplicate={() => duplicate(cell.id)}
                  onChangeType={(type) => retype(cell.id, type)}
                  onClear={() => clear([cell.id])}
                  onDelete={() => remove(cell.id)}
                  onEditForm={() => setFormEditing((f) => (f === cell.id ? undefined : cell.id))}
                />
              )}
              {cell.type === 'markdown' ? (
                <MarkdownCell
                  id={cell.id}
                  source={cell.source}
                  format={cell.format}
                  readOnly={!access.write}
                  editing={editingMarkdown === cell.id}
                  onChange={(source) => setCell(cell.id, (c) => ({ ...c, source }))}
                  onEdit={() => select(cell.id, 'editor')}
                  onDone={(how) => onMarkdownDone(cell.id, how)}
                />
              ) : cell.type === 'chart' ? (
                <ChartCellView cell={cell} cells={notebook.cells} runs={runs} readOnly={!access.write} onChange={(next) => setCell(cell.id, () => next)} />
              ) : cell.type === 'pipeline' ? (
                <PipelineCellView
                  cell={cell}
                  run={run}
                  notebook={name}
                  readOnly={!access.write}
                  canRun={access.run}
                  onGraph={(graph) => setCell(cell.id, (c) => (c.type === 'pipeline' ? { ...c, graph } : c))}
                  onChartChange={(sink, settings: ChartSettings) => setCell(cell.id, (c) => (isRunnable(c) ? { ...c, charts: { ...c.charts, [sink]: settings } } : c))}
                  onRun={() => runCell(cell.id)}
                  onCancel={() => cancelCell(cell.id)}
                  onResume={(restore) => runCell(cell.id, restore)}
                />
              ) : cell.type === 'code' ? (
                <>
                <ParamForm
                  scope={cell.id}
                  defs={cell.params ?? []}
                  values={cell.paramValues ?? {}}
                  canChange={access.run}
                  canEdit={access.write}
                  editing={formEditing === cell.id}
                  onEditing={(e) => setFormEditing(e ? cell.id : undefined)}
                  onValue={(n, v) => {
                    setCell(cell.id, (c) => (isRunnable(c) ? { ...c, paramValues: { ...c.paramValues, [n]: v } } : c));
                    // Zeppelin's dynamic forms: a changed value re-runs the cell with it.
                    runCell(cell.id);
                  }}
                  onDefs={(params) => setCell(cell.id, (c) => (isRunnable(c) ? { ...c, params } : c))}
                />
                <CodeCell
                  cell={cell}
                  run={run}
                  readOnly={!access.write}
                  canRun={access.run}
                  onChange={(source) => setCell(cell.id, (c) => ({ ...c, source }))}
                  onChartChange={(sink, settings: ChartSettings) =>
                    setCell(cell.id, (c) => (isRunnable(c) ? { ...c, charts: { ...c.charts, [sink]: settings } } : c))
                  }
                  onRun={() => runCell(cell.id)}
                  onRunAndAdvance={() => runSelected('advance', cell.id)}
                  onCancel={() => cancelCell(cell.id)}
                  onResume={(restore) => runCell(cell.id, restore)}
                  notebook={name}
                  onEditor={(editor) => focus.onEditor(cell.id, editor)}
                  active={isSelected}
                />
                </>
              ) : (
                <SqlCellView
                  cell={cell}
                  run={run}
                  readOnly={!access.write}
                  canRun={access.run}
                  onChange={(patch) => setCell(cell.id, (c) => (c.type === 'sql' ? { ...c, ...patch } : c))}
                  onChartChange={(sink, settings: ChartSettings) =>
                    setCell(cell.id, (c) => (isRunnable(c) ? { ...c, charts: { ...c.charts, [sink]: settings } } : c))
                  }
                  onRun={() => runCell(cell.id)}
                  onRunAndAdvance={() => runSelected('advance', cell.id)}
                  onCancel={() => cancelCell(cell.id)}
                  onResume={(restore) => runCell(cell.id, restore)}
                  notebook={name}
                  onEditor={(editor) => focus.onEditor(cell.id, editor)}
                  active={isSelected}
                />
              )}
            </section>
          </Fragment>
        );
      })}
      {access.write && <AddCellBar index={notebook.cells.length} onAdd={(type) => insertAt(notebook.cells.length, type, 'editor')} />}
    </div>
  );
}
