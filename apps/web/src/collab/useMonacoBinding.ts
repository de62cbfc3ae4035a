import { useEffect } from 'react';
import type * as Monaco from 'monaco-editor';
import * as Y from 'yjs';
import { MonacoBinding } from 'y-monaco';
import type { Awareness } from 'y-protocols/awareness';
import { cellMapOf } from '@flowbook/protocol';
import type { NotebookDocClient } from './NotebookDocClient.js';
import { boundOf } from './useNotebookDoc.js';

/** The Y.Text of a cell's source in the document, if the cell has one. */
export function sourceText(client: NotebookDocClient | undefined, cellId: string): Y.Text | undefined {
  if (!client?.loaded) return undefined;
  const m = cellMapOf(client.doc).get(cellId);
  const t = m?.get('source');
  return t instanceof Y.Text ? t : undefined;
}

/**
 * Binds a Monaco editor to a cell's Y.Text (y-monaco): typing goes into the shared document character by character,
 * others' typing comes into the editor, and others' cursors and selections show with their names (awareness). Undo and
 * redo in the editor are Yjs' UndoManager of this editor's own typing: someone else's text typed meanwhile stays.
 */
export function useMonacoBinding(client: NotebookDocClient | undefined, text: Y.Text | undefined, cellId: string, editor: Monaco.editor.IStandaloneCodeEditor | undefined, monaco: typeof Monaco | undefined): void {
  useEffect(() => {
    const model = editor?.getModel();
    if (!client || !text || !editor || !model || !monaco) return;
    const binding = new MonacoBinding(text, model, new Set([editor]), client.awareness);
    const stopThrottle = throttleDecorations(binding, client.awareness);
    const bound = boundOf(client.name);
    bound.add(cellId);
    const undo = new Y.UndoManager(text, { trackedOrigins: new Set([binding]), captureTimeout: 500 });
    const keys = editor.onKeyDown((e) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
      const redo = (e.keyCode === monaco.KeyCode.KeyZ && e.shiftKey) || (e.keyCode === monaco.KeyCode.KeyY && !e.shiftKey);
      if (!redo && !(e.keyCode === monaco.KeyCode.KeyZ && !e.shiftKey)) return;
      e.preventDefault();
      e.stopPropagation();
      if (redo) undo.redo();
      else undo.undo();
    });
    return () => {
      keys.dispose();
      undo.destroy();
      // A disposed model (the cell scrolled off screen) destroyed its binding already.
      if (!model.isDisposed()) binding.destroy();
      stopThrottle();
      bound.delete(cellId);
    };
  }, [client, text, cellId, editor, monaco]);
}

/** Others' cursors are redrawn at most this often: each typist moves theirs with every key. */
export const CURSOR_RENDER_MS = 50;

/**
 * y-monaco redraws an editor's remote cursors (deltaDecorations) on every awareness change of anyone, in every bound
 * editor: with five people typing, that is forty redraws a second per editor. This redraws at most once per
 * CURSOR_RENDER_MS instead (the decorations follow text edits by themselves in between). Returns the cleanup.
 */
function throttleDecorations(binding: MonacoBinding, awareness: Awareness): () => void {
  const render = binding._rerenderDecorations;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const throttled = () => {
    timer ??= setTimeout(() => {
      timer = undefined;
      render();
    }, CURSOR_RENDER_MS);
  };
  awareness.off('change', render);
  awareness.on('change', throttled);
  // Also called by the binding after others' text came in; destroy() unsubscribes this one.
  binding._rerenderDecorations = throttled;
  return () => clearTimeout(timer);
}
