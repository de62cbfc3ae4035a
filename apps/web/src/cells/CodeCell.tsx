import Editor, { type OnMount } from '@monaco-editor/react';
import type * as Monaco from 'monaco-editor';
import { useEffect, useRef, useState } from 'react';
import type { ChartSettings, CodeCell as CodeCellModel } from '@flowbook/protocol';
import type { CellRunView } from '../notebook/cellRuns.js';
import { showErrorMarker } from './errorMarker.js';
import { RunBar } from './RunBar.js';
import { CellOutputs } from './CellOutputs.js';
import { TypeErrorsAtRun, useTypeErrorsAtRun } from './TypeErrorsAtRun.js';
import { useNotebookDoc } from '../collab/useNotebookDoc.js';
import { sourceText, useMonacoBinding } from '../collab/useMonacoBinding.js';

interface Props {
  cell: CodeCellModel;
  run: CellRunView | undefined;
  /** The source cannot be edited (no 'write' right). */
  readOnly: boolean;
  /** Run and Cancel are offered ('run' right). */
  canRun: boolean;
  onChange(source: string): void;
  onChartChange(sink: string, settings: ChartSettings): void;
  onRun(): void;
  /** Shift+Enter in the editor: run, then the page selects the next cell. */
  onRunAndAdvance(): void;
  onCancel(): void;
  /** Runs the cell again from a checkpoint or savepoint ('latest' or its name). */
  onResume?(restore: string): void;
  notebook: string;
  /** The editor once mounted (undefined when unmounted), so the page can focus it (Enter in command mode). */
  onEditor(editor: Monaco.editor.IStandaloneCodeEditor | undefined): void;
}

/** Monaco's name for an imported cell's language (highlighting only: such cells do not run). */
const EDITOR_LANGUAGE: Record<CodeCellModel['language'], string> = {
  typescript: 'typescript',
  python: 'python',
  scala: 'scala',
  java: 'java',
  sql: 'sql',
  sh: 'shell',
  r: 'r',
  html: 'html',
  other: 'plaintext',
};

/**
 * A TypeScript cell: Monaco editor, run controls, status and run time, error, log, and live results per sink. A cell
 * of another language (imported) has no run controls, and a banner says it needs porting.
 */
export function CodeCell({ cell, run, readOnly, canRun, onChange, onChartChange, onRun, onRunAndAdvance, onCancel, onResume, notebook, onEditor }: Props) {
  // Monaco's commands are registered once at mount: they call the latest props through refs.
  const onRunRef = useRef(onRun);
  onRunRef.current = onRun;
  const onAdvanceRef = useRef(onRunAndAdvance);
  onAdvanceRef.current = onRunAndAdvance;
  const onEditorRef = useRef(onEditor);
  onEditorRef.current = onEditor;
  useEffect(() => () => onEditorRef.current(undefined), []);
  const lines = cell.source.split('\n').length;
  const [mounted, setMounted] = useState<Parameters<OnMount>>();
  // Co-editing: the editor is bound to the cell's text in the shared document (collab/), not driven by `value`.
  const doc = useNotebookDoc(notebook);
  const text = sourceText(doc, cell.id);
  useMonacoBinding(doc, text, cell.id, mounted?.[0], mounted?.[1]);
  useEffect(() => {
    if (mounted) showErrorMarker(mounted[1], mounted[0], run?.error);
  }, [mounted, run?.error]);
  const typeErrors = useTypeErrorsAtRun(mounted?.[0], mounted?.[1], run?.startedAt);
  const onMount: OnMount = (editor, monaco) => {
    setMounted([editor, monaco]);
    // Shift+Enter runs the cell and moves on, as in Jupyter; Ctrl/Cmd+Enter runs it in place. Actions, not addCommand:
    // addCommand's keybindings are global to all editors of the page, so every cell would run the last-mounted one.
    const actions = [
      editor.addAction({ id: 'flowbook.runAndAdvance', label: 'Run cell and select the next', keybindings: [monaco.KeyMod.Shift | monaco.KeyCode.Enter], run: () => onAdvanceRef.current() }),
      editor.addAction({ id: 'flowbook.run', label: 'Run cell', keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter], run: () => onRunRef.current() }),
    ];
    editor.onDidDispose(() => actions.forEach((a) => a.dispose()));
    onEditorRef.current(editor);
  };
  const runnable = cell.language === 'typescript';
  return (
    <div className="code-cell">
      {!runnable && (
        <div className="porting-banner" data-testid={`porting-${cell.id}`}>
          Imported <strong>{cell.language}</strong> cell: it does not run here. Port it to TypeScript (a new code cell) to run it.
        </div>
      )}
      {runnable && <RunBar cellId={cell.id} notebook={notebook} run={run} canRun={canRun} onRun={onRun} onCancel={onCancel} {...(onResume ? { onResume } : {})} runTitle="Run (Shift+Enter, Ctrl+Enter)" />}
      <div className="editor" style={{ height: Math.min(600, Math.max(80, lines * 19 + 16)) }}>
        <Editor
          language={EDITOR_LANGUAGE[cell.language]}
          path={`file:///cells/${cell.id}.${runnable ? 'ts' : cell.language}`}
          defaultValue={cell.source}
          value={text ? undefined : cell.source}
          onChange={(v) => onChange(v ?? '')}
          onMount={onMount}
          // fixedOverflowWidgets: completion and hover popups may leave the cell instead of being cut off by its edges.
          options={{ minimap: { enabled: false }, fontSize: 13, scrollBeyondLastLine: false, readOnly, automaticLayout: true, tabSize: 2, renderLineHighlightOnlyWhenFocus: true, fixedOverflowWidgets: true }}
        />
      </div>
      {runnable && run?.startedAt !== undefined && <TypeErrorsAtRun cellId={cell.id} errors={typeErrors} />}
      <CellOutputs cellId={cell.id} run={run} charts={cell.charts} onChartChange={onChartChange} errorLine />
    </div>
  );
}
