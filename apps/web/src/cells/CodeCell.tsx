import { memo } from 'react';
import type * as Monaco from 'monaco-editor';
import type { ChartSettings, CodeCell as CodeCellModel } from '@flowbook/protocol';
import type { CellRunView } from '../notebook/cellRuns.js';
import { RunBar } from './RunBar.js';
import { CellOutputs } from './CellOutputs.js';
import { TypeErrorsAtRun, useTypeErrorsAtRun } from './TypeErrorsAtRun.js';
import { useCellEditor } from './useCellEditor.js';
import { sameDataProps } from './sameDataProps.js';
import { CellEditor } from './CellEditor.js';

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
  /** The selected cell: its editor stays live even off screen. */
  active: boolean;
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
export const CodeCell = memo(function CodeCell({ cell, run, readOnly, canRun, onChange, onChartChange, onRun, onRunAndAdvance, onCancel, onResume, notebook, onEditor, active }: Props) {
  const { mounted, editorProps, text } = useCellEditor({ notebook, cellId: cell.id, source: cell.source, readOnly, runError: run?.error, onRun, onRunAndAdvance, onEditor, onSource: onChange });
  const runnable = cell.language === 'typescript';
  const path = `file:///cells/${cell.id}.${runnable ? 'ts' : cell.language}`;
  const typeErrors = useTypeErrorsAtRun(mounted?.[0], mounted?.[1], run?.startedAt, { path, source: cell.source });
  return (
    <div className="code-cell">
      {!runnable && (
        <div className="porting-banner" data-testid={`porting-${cell.id}`}>
          Imported <strong>{cell.language}</strong> cell: it does not run here. Port it to TypeScript (a new code cell) to run it.
        </div>
      )}
      {runnable && <RunBar cellId={cell.id} notebook={notebook} run={run} canRun={canRun} onRun={onRun} onCancel={onCancel} {...(onResume ? { onResume } : {})} runTitle="Run (Shift+Enter, Ctrl+Enter)" />}
      <CellEditor
        language={EDITOR_LANGUAGE[cell.language]}
        path={path}
        editorProps={editorProps}
        source={cell.source}
        text={text}
        active={active}
      />
      {runnable && run?.startedAt !== undefined && <TypeErrorsAtRun cellId={cell.id} errors={typeErrors} />}
      <CellOutputs cellId={cell.id} run={run} charts={cell.charts} onChartChange={onChartChange} errorLine />
    </div>
  );
}, sameDataProps);
