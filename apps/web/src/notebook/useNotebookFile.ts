import type { Notebook } from '@flowbook/protocol';
import { useCallback, useEffect, useRef, useState, type MutableRefObject } from 'react';
import { boundOf, useNotebookDoc } from '../collab/useNotebookDoc.js';
import type { NotebookDocClient } from '../collab/NotebookDocClient.js';

/** Typing (anyone's) re-renders the page at most this often (the text is in the bound editors at once). */
export const TEXT_RENDER_MS = 250;

/** 'saved', 'saving', 'unsaved', 'offline…', or why the last save failed ('not saved: …'). */
export type SaveState = 'saved' | 'saving' | 'unsaved' | string;

export interface NotebookFile {
  notebook: Notebook | undefined;
  loadError: string | undefined;
  saveState: SaveState;
  /**
   * Always the latest notebook: keyboard commands can follow each other faster than React renders, so they read and
   * write this rather than `notebook`, which is what renders. Remote changes update it at once, renders follow per frame.
   */
  nbRef: MutableRefObject<Notebook | undefined>;
  /** Shows `next` and writes it into the shared document, unless `save` is false (local-only changes) or `canWrite()` is false. */
  commit(next: Notebook, save?: boolean): void;
  /** Has the server write the file now. */
  flushSave(): void;
  /** The last flush in flight: a run waits for it, as the server runs the cell it has saved. */
  saving: MutableRefObject<Promise<unknown>>;
  /** The shared document (co-editing): editors bind to it. */
  doc: NotebookDocClient | undefined;
}

/**
 * The notebook page's file, co-edited: a Yjs document shared with everyone on the notebook through the server, which
 * writes the file (collab/). Loads once the document is synced (then calls `onLoad`); the page's changes go into the
 * document as the smallest edit, everyone else's come out of it.
 */
export function useNotebookFile(name: string, canWrite: () => boolean, onLoad: (nb: Notebook) => void): NotebookFile {
  const client = useNotebookDoc(name);
  const [notebook, setNotebook] = useState<Notebook>();
  const [loadError, setLoadError] = useState<string>();
  const [saveState, setSaveState] = useState<SaveState>('saved');
  const nbRef = useRef<Notebook>(undefined);
  const saving = useRef<Promise<unknown>>(Promise.resolve());
  const onLoadRef = useRef(onLoad);
  onLoadRef.current = onLoad;
  const canWriteRef = useRef(canWrite);
  canWriteRef.current = canWrite;

  useEffect(() => {
    if (!client) return;
    let loaded = false;
    let frame = 0;
    const render = () => {
      frame = 0;
      setNotebook(nbRef.current);
      setSaveState(client.state);
    };
    const onChange = () => {
      if (!loaded) {
        if (client.error) setLoadError(client.error);
        if (!client.loaded) return;
        loaded = true;
        nbRef.current = client.current();
        setLoadError(undefined);
        setNotebook(nbRef.current);
        setSaveState(client.state);
        onLoadRef.current(nbRef.current);
        return;
      }
      nbRef.current = client.current();
      if (frame) return;
      // Typing shows in the bound editors at once; re-rendering the page for it (editor heights, markdown) can wait a
      // little, so a page of many cells is not redrawn on every keystroke, one's own or anyone else's.
      if (client.textOnly) slow ||= setTimeout(() => ((slow = undefined), (frame ||= requestAnimationFrame(render))), TEXT_RENDER_MS);
      else frame = requestAnimationFrame(render);
    };
    let slow: ReturnType<typeof setTimeout> | undefined;
    const off = client.subscribe(onChange);
    onChange();
    return () => {
      off();
      cancelAnimationFrame(frame);
      clearTimeout(slow);
    };
  }, [client]);

  const flushSave = useCallback(() => {
    if (client) saving.current = client.flush().catch((e: Error) => setSaveState(`not saved: ${e.message}`));
  }, [client]);

  const commit = useCallback(
    (next: Notebook, save = true) => {
      nbRef.current = next;
      setNotebook(next);
      if (!save || !canWriteRef.current() || !client) return;
      client.apply(next, boundOf(name));
    },
    [client, name],
  );

  return { notebook, loadError, saveState, nbRef, commit, flushSave, saving, doc: client };
}
