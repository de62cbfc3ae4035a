import type { OnMount } from '@monaco-editor/react';
import type * as Monaco from 'monaco-editor';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useNotebookDoc } from '../collab/useNotebookDoc.js';
import { sourceText, useMonacoBinding } from '../collab/useMonacoBinding.js';
import { showErrorMarker } from './errorMarker.js';

export interface CellEditorOptions {
  notebook: string;
  cellId: string;
  /** The cell's source in the notebook: the editor's text until it is bound to the shared document. */
  source: string;
  readOnly: boolean;
  /** The last run's error: its line is underlined. */
  runError: { message: string; line?: number; column?: number } | undefined;
  onRun(): void;
  /** Shift+Enter: run, then the page selects the next cell. */
  onRunAndAdvance(): void;
  /** The editor once mounted (undefined when unmounted), so the page can focus it. */
  onEditor(editor: Monaco.editor.IStandaloneCodeEditor | undefined): void;
  /** The text changed while the editor is not bound to the shared document (bound, y-monaco writes it there). */
  onSource(source: string): void;
  /** More set-up at mount (the SQL cell's completion). */
  onMount?: OnMount;
}

/**
 * What a code cell and a SQL cell share of their Monaco editor: bound to the cell's Y.Text in the notebook's shared
 * document (y-monaco: co-editing, remote cursors, undo of one's own typing), Shift+Enter / Ctrl+Enter, the run error's
 * marker. Returns the props for `<Editor>` and the mounted editor.
 */
export function useCellEditor(o: CellEditorOptions) {
  // Monaco's actions are registered once at mount: they call the latest callbacks through this ref.
  const latest = useRef(o);
  latest.current = o;
  useEffect(() => () => latest.current.onEditor(undefined), []);
  const [mounted, setMounted] = useState<Parameters<OnMount>>();
  const doc = useNotebookDoc(o.notebook);
  const text = sourceText(doc, o.cellId);
  useMonacoBinding(doc, text, o.cellId, mounted?.[0], mounted?.[1]);
  useEffect(() => {
    if (mounted) showErrorMarker(mounted[1], mounted[0], o.runError);
  }, [mounted, o.runError]);

  const onMount: OnMount = (editor, monaco) => {
    setMounted([editor, monaco]);
    latest.current.onMount?.(editor, monaco);
    // Shift+Enter runs the cell and moves on, as in Jupyter; Ctrl/Cmd+Enter runs it in place. Actions, not addCommand:
    // addCommand's keybindings are global to all editors of the page, so every cell would run the last-mounted one.
    const actions = [
      editor.addAction({ id: 'flowbook.runAndAdvance', label: 'Run cell and select the next', keybindings: [monaco.KeyMod.Shift | monaco.KeyCode.Enter], run: () => latest.current.onRunAndAdvance() }),
      editor.addAction({ id: 'flowbook.run', label: 'Run cell', keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter], run: () => latest.current.onRun() }),
    ];
    editor.onDidDispose(() => {
      actions.forEach((a) => a.dispose());
      // Scrolled off screen, the cell shows its static view: the editor is gone, and so is its binding.
      setMounted((m) => (m?.[0] === editor ? undefined : m));
      latest.current.onEditor(undefined);
    });
    latest.current.onEditor(editor);
  };
  // The same object every render: @monaco-editor/react calls updateOptions whenever it is a new one.
  // fixedOverflowWidgets: completion and hover popups may leave the cell instead of being cut off by its edges.
  // No inlay hints: TypeScript has them off by default, yet each change of a visible editor (anyone's typing, in
  // fifty editors) asked the TypeScript worker for them, which brought its program up to date every time.
  // disableLayerHinting: no translate3d hint making compositor layers of each editor's lines and margin; with fifty
  // editors, Chromium's Layerize step was the largest cost of every frame (profile in apps/web/bench/README.md).
  const options = useMemo<Monaco.editor.IStandaloneEditorConstructionOptions>(
    () => ({ minimap: { enabled: false }, fontSize: 13, scrollBeyondLastLine: false, readOnly: o.readOnly, automaticLayout: true, tabSize: 2, renderLineHighlightOnlyWhenFocus: true, fixedOverflowWidgets: true, inlayHints: { enabled: 'off' }, disableLayerHinting: true }),
    [o.readOnly],
  );
  const editorProps = {
    // The shared text at mount: a cell scrolled into view gets an editor while `source` (the page's copy) may still lag
    // behind others' typing, and the binding replaces the text only after the first frame.
    defaultValue: text ? text.toString() : o.source,
    // Bound, the editor's text is the shared document's (y-monaco), not driven by `value`.
    value: text ? undefined : o.source,
    onChange: (v: string | undefined) => {
      if (!text) latest.current.onSource(v ?? '');
    },
    onMount,
    options,
  };
  return { mounted, editorProps, text };
}
