import { useEffect } from 'react';
import type * as Monaco from 'monaco-editor';
import * as Y from 'yjs';
import { MonacoBinding } from 'y-monaco';
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
      binding.destroy();
      bound.delete(cellId);
    };
  }, [client, text, cellId, editor, monaco]);
}
