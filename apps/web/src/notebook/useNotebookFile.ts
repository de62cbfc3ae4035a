import type { Notebook } from '@flowbook/protocol';
import { useCallback, useEffect, useRef, useState, type MutableRefObject } from 'react';
import { getNotebook, saveNotebook } from '../api/rest.js';

/** How long typing must pause before the notebook is saved. */
export const SAVE_DELAY_MS = 800;

/** 'saved', 'saving', 'unsaved', or why the last save failed ('not saved: …'). */
export type SaveState = 'saved' | 'saving' | 'unsaved' | string;

export interface NotebookFile {
  notebook: Notebook | undefined;
  loadError: string | undefined;
  saveState: SaveState;
  /**
   * Always the latest notebook: keyboard commands can follow each other faster than React renders, so they read and
   * write this rather than `notebook`, which is what renders.
   */
  nbRef: MutableRefObject<Notebook | undefined>;
  /** Shows `next`; saves it after a pause in typing, unless `save` is false (local-only changes) or `canWrite()` is false. */
  commit(next: Notebook, save?: boolean): void;
  /** Saves now what is waiting for the typing pause. */
  flushSave(): void;
  /** The last save in flight: a run waits for it, as the server runs the cell it has saved. */
  saving: MutableRefObject<Promise<unknown>>;
}

/**
 * The notebook page's file: loads it (then calls `onLoad`), and saves changes after a pause in typing, newest wins;
 * leaving the page saves what is still waiting.
 */
export function useNotebookFile(name: string, canWrite: () => boolean, onLoad: (nb: Notebook) => void): NotebookFile {
  const [notebook, setNotebook] = useState<Notebook>();
  const [loadError, setLoadError] = useState<string>();
  const [saveState, setSaveState] = useState<SaveState>('saved');
  const nbRef = useRef<Notebook>(undefined);
  const saveTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const dirty = useRef(false);
  const saveSeq = useRef(0);
  const saving = useRef<Promise<unknown>>(Promise.resolve());
  const onLoadRef = useRef(onLoad);
  onLoadRef.current = onLoad;
  const canWriteRef = useRef(canWrite);
  canWriteRef.current = canWrite;

  useEffect(() => {
    let cancelled = false;
    getNotebook(name)
      .then((nb) => {
        if (cancelled) return;
        nbRef.current = nb;
        setNotebook(nb);
        onLoadRef.current(nb);
      })
      .catch((e: Error) => setLoadError(e.message));
    return () => {
      cancelled = true;
    };
  }, [name]);

  const flushSave = useCallback(() => {
    clearTimeout(saveTimer.current);
    const nb = nbRef.current;
    if (!dirty.current || !nb) return;
    dirty.current = false;
    const seq = ++saveSeq.current;
    setSaveState('saving');
    saving.current = saveNotebook(name, nb).then(
      () => {
        if (seq === saveSeq.current && !dirty.current) setSaveState('saved');
      },
      (e: Error) => setSaveState(`not saved: ${e.message}`),
    );
  }, [name]);
  // Leaving the page (another route) saves what is still waiting for the typing pause.
  useEffect(() => () => flushSave(), [flushSave]);

  const commit = useCallback(
    (next: Notebook, save = true) => {
      nbRef.current = next;
      setNotebook(next);
      if (!save || !canWriteRef.current()) return;
      dirty.current = true;
      setSaveState('unsaved');
      clearTimeout(saveTimer.current);
      saveTimer.current = setTimeout(flushSave, SAVE_DELAY_MS);
    },
    [flushSave],
  );

  return { notebook, loadError, saveState, nbRef, commit, flushSave, saving };
}
