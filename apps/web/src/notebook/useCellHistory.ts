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
  useEffect(() => {
    if (!doc) return;
    const changed = () => setTick((t) => t + 1);
    doc.undo.on('stack-item-added', changed);
    doc.undo.on('stack-item-popped', changed);
    doc.undo.on('stack-cleared', changed);
    return () => {
      doc.undo.off('stack-item-added', changed);
      doc.undo.off('stack-item-popped', changed);
      doc.undo.off('stack-cleared', changed);
    };
  }, [doc]);
  if (doc) {
    return {
      canUndo: doc.undo.canUndo(),
      canRedo: doc.undo.canRedo(),
      // Each cell operation is one step of its own, not merged with typing just before it.
      record: () => doc.undo.stopCapturing(),
      step(direction, current) {
        const item = direction === 'undo' ? doc.undo.undo() : doc.undo.redo();
        if (!item) return undefined;
        doc.undo.stopCapturing();
        return { cells: doc.current().cells, selected: current.selected };
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
