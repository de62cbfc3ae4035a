import { useRef, useState } from 'react';
import { emptyHistory, record, redo, undo, type CellHistory, type Snapshot, type StepResult } from './cellOps.js';

export interface CellHistoryHandle {
  canUndo: boolean;
  canRedo: boolean;
  /** Remembers the state before a cell operation. */
  record(before: Snapshot): void;
  /** Steps back or forward from `current`: the state to show, or undefined when there is nothing to. */
  step(direction: 'undo' | 'redo', current: Snapshot): StepResult['state'] | undefined;
}

/**
 * The notebook page's undo/redo of cell operations (cellOps.ts). Keyboard commands can follow each other faster than
 * React renders, so the history is kept in a ref; the state is what renders the Undo and Redo buttons.
 */
export function useCellHistory(): CellHistoryHandle {
  const [history, setHistory] = useState<CellHistory>(emptyHistory);
  const ref = useRef(history);
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
