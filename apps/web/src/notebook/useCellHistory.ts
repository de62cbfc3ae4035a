import { useEffect, useRef, useState } from 'react';
import { emptyHistory, record, redo, undo, type CellHistory, type Snapshot, type StepResult } from './cellOps.js';
import type { NotebookDocClient } from '../collab/NotebookDocClient.js';

export interface CellHistoryHandle {
  canUndo: boolean;
  canRedo: boolean;
  /** Remembers the state before a cell operation. */
  record(before: Snapshot): void;
  /** Steps back or forward from `current`: the state to show, or undefined when there is nothing to. */
  step(direction: 'undo' | 'redo', current: Snapshot): StepResult['state'] | undefined;
}

/**
 * The notebook page's undo/redo of cell operations. Co-edited (a document client given), it is Yjs' UndoManager: it
 * undoes this browser's own changes only, never someone else's typed in meanwhile. Without one (tests, a page with no
 * document), snapshots of cellOps.ts, kept in a ref since keyboard commands can outrun React's renders.
 */
export function useCellHistory(doc?: NotebookDocClient): CellHistoryHandle {
  const [history, setHistory] = useState<CellHistory>(emptyHistory);
  const ref = useRef(history);
  const [, setTick] = useState(0);
  /** The selection a new undo (or redo) step will bring back: before the operation (or before the undo). */
  const selectionOfNext = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (!doc) return;
    const changed = () => setTick((t) => t + 1);
    const added = (e: { stackItem: { meta: Map<string, unknown> } }) => {
      if (!e.stackItem.meta.has('selected')) e.stackItem.meta.set('selected', selectionOfNext.current);
      changed();
    };
    doc.undo.on('stack-item-added', added);
    doc.undo.on('stack-item-popped', changed);
    doc.undo.on('stack-cleared', changed);
    return () => {
      doc.undo.off('stack-item-added', added);
      doc.undo.off('stack-item-popped', changed);
      doc.undo.off('stack-cleared', changed);
    };
  }, [doc]);
  if (doc) {
    return {
      canUndo: doc.undo.canUndo(),
      canRedo: doc.undo.canRedo(),
      record(before) {
        // Each cell operation is one step of its own, not merged with typing just before it.
        doc.undo.stopCapturing();
        selectionOfNext.current = before.selected;
      },
      step(direction, current) {
        selectionOfNext.current = current.selected;
        let selected: unknown;
        const popped = (e: { stackItem: { meta: Map<string, unknown> } }) => (selected = e.stackItem.meta.get('selected'));
        doc.undo.on('stack-item-popped', popped);
        const item = direction === 'undo' ? doc.undo.undo() : doc.undo.redo();
        doc.undo.off('stack-item-popped', popped);
        doc.undo.stopCapturing();
        if (!item) return undefined;
        const cells = doc.current().cells;
        return { cells, selected: typeof selected === 'string' && cells.some((c) => c.id === selected) ? selected : current.selected };
      },
    };
  }
  return {
    canUndo: history.past.length > 0,
    canRedo: history.future.length > 0,
    record(before) {
      ref.current = record(ref.current, before);
      setHistory(ref.current);
    },
    step(direction, current) {
      const r = (direction === 'undo' ? undo : redo)(ref.current, current);
      if (!r) return undefined;
      ref.current = r.history;
      setHistory(r.history);
      return r.state;
    },
  };
}
