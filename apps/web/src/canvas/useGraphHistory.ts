import { useCallback, useRef, useState, type MutableRefObject } from 'react';
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

/** The canvas's edits of its graph and their undo/redo history (history.ts); the parent owns the graph (`onChange`). */
export function useGraphHistory(graph: PipelineGraph, onChange: (next: PipelineGraph) => void): GraphHistory {
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
