import { useCallback, useEffect, useRef, useState, type MutableRefObject } from 'react';
import * as Y from 'yjs';
import { cellMapOf, cellOf } from '@flowbook/protocol';
import type { PipelineGraph } from './engine.js';
import { emptyHistory, record, redo, undo, type History } from './history.js';

export interface GraphHistory {
  /** The newest graph: several edits can land before the parent re-renders, so handlers read this. */
  current: MutableRefObject<PipelineGraph>;
  canUndo: boolean;
  canRedo: boolean;
  /** An edit: one undo step (edits with the same `key` in quick succession, such as typing, make one). */
  commit(next: PipelineGraph, key?: string): void;
  /** Nodes moved: while `dragging`, positions follow the pointer without history; the drop is one undo step. */
  move(next: PipelineGraph, dragging: boolean): void;
  /** Undo or redo; false when there was nothing to. */
  step(direction: 'undo' | 'redo'): boolean;
}

/**
 * A pipeline cell's graph in the notebook's shared document (co-editing): the parent's `onChange` writes it there with
 * `origin`, the origin of this browser's own changes.
 */
export interface SharedGraph {
  doc: Y.Doc;
  cellId: string;
  origin: unknown;
}

/**
 * The canvas's edits of its graph and their undo/redo history; the parent owns the graph (`onChange`). Co-edited (a
 * `shared` graph), undo is Yjs' UndoManager of this browser's own changes to the cell: someone else's move of another
 * node meanwhile stays. Otherwise (the pipeline page, tests), snapshots of history.ts.
 */
export function useGraphHistory(graph: PipelineGraph, onChange: (next: PipelineGraph) => void, shared?: SharedGraph): GraphHistory {
  const snapshots = useSnapshotHistory(graph, onChange);
  const yjs = useSharedHistory(graph, onChange, shared);
  return yjs ?? snapshots;
}

function useSharedHistory(graph: PipelineGraph, onChange: (next: PipelineGraph) => void, shared: SharedGraph | undefined): GraphHistory | undefined {
  const current = useRef(graph);
  current.current = graph;
  const [undo, setUndo] = useState<Y.UndoManager>();
  const [, setTick] = useState(0);
  const dragging = useRef(false);
  const { doc, cellId, origin } = shared ?? {};
  useEffect(() => {
    const cell = doc && cellMapOf(doc).get(cellId!);
    if (!(cell instanceof Y.Map)) return;
    // Edits within a second of each other (typing a name, the steps of a drag) are one step.
    const um = new Y.UndoManager(cell, { trackedOrigins: new Set([origin]), captureTimeout: 1000 });
    const changed = () => setTick((t) => t + 1);
    um.on('stack-item-added', changed);
    um.on('stack-item-popped', changed);
    um.on('stack-cleared', changed);
    setUndo(um);
    return () => {
      um.destroy();
      setUndo(undefined);
    };
  }, [doc, cellId, origin]);
  if (!undo || !doc) return undefined;
  return {
    current,
    canUndo: undo.canUndo(),
    canRedo: undo.canRedo(),
    commit(next) {
      if (next === current.current) return;
      current.current = next;
      onChange(next);
    },
    move(next, isDragging) {
      // A drag is one step: what came before it is not joined to it, nor what comes after.
      if (isDragging && !dragging.current) undo.stopCapturing();
      dragging.current = isDragging;
      current.current = next;
      onChange(next);
      if (!isDragging) undo.stopCapturing();
    },
    step(direction) {
      const item = direction === 'undo' ? undo.undo() : undo.redo();
      undo.stopCapturing();
      if (!item) return false;
      const g = readGraph(doc, cellId!);
      if (g) current.current = g;
      return true;
    },
  };
}

/** The cell's graph as the document has it now (after an undo: the page renders it from the document). */
function readGraph(doc: Y.Doc, cellId: string): PipelineGraph | undefined {
  const m = cellMapOf(doc).get(cellId);
  const c = m && (cellOf(m) as { graph?: PipelineGraph });
  return c?.graph;
}

function useSnapshotHistory(graph: PipelineGraph, onChange: (next: PipelineGraph) => void): GraphHistory {
  const current = useRef(graph);
  current.current = graph;
  const [history, setHistory] = useState<History<PipelineGraph>>(emptyHistory);
  const dragStart = useRef<PipelineGraph>(undefined);

  const commit = useCallback(
    (next: PipelineGraph, key?: string) => {
      const before = current.current;
      if (next === before) return;
      setHistory((h) => record(h, before, key));
      current.current = next;
      onChange(next);
    },
    [onChange],
  );

  const move = (next: PipelineGraph, dragging: boolean) => {
    if (dragging) {
      dragStart.current ??= current.current;
    } else {
      const before = dragStart.current ?? current.current;
      dragStart.current = undefined;
      setHistory((h) => record(h, before));
    }
    current.current = next;
    onChange(next);
  };

  const step = (direction: 'undo' | 'redo') => {
    const s = direction === 'undo' ? undo(history, current.current) : redo(history, current.current);
    if (!s) return false;
    setHistory(s.history);
    current.current = s.value;
    onChange(s.value);
    return true;
  };

  return { current, canUndo: history.past.length > 0, canRedo: history.future.length > 0, commit, move, step };
}
