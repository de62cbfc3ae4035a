import Editor, { type OnMount } from '@monaco-editor/react';
import { useEffect, useRef, useState } from 'react';
import type { ChartSettings, CodeCell as CodeCellModel } from '@flowbook/protocol';
import type { CellRunView } from '../notebook/cellRuns.js';
import { showErrorMarker } from './errorMarker.js';
import { RunTime } from './RunTime.js';
import { SinkOutput } from './SinkOutput.js';

interface Props {
  cell: CodeCellModel;
  run: CellRunView | undefined;
  readOnly: boolean;
  onChange(source: string): void;
  onChartChange(sink: string, settings: ChartSettings): void;
  onRun(): void;
  onCancel(): void;
}

/** A TypeScript cell: Monaco editor, run controls, status and run time, error, log, and live results per sink. */
export function CodeCell({ cell, run, readOnly, onChange, onChartChange, onRun, onCancel }: Props) {
  const running = run?.status === 'running' || run?.status === 'pending';
  const onRunRef = useRef(onRun);
  onRunRef.current = onRun;
  const lines = cell.source.split('\n').length;
  const [mounted, setMounted] = useState<Parameters<OnMount>>();
  useEffect(() => {
    if (mounted) showErrorMarker(mounted[1], mounted[0], run?.error);
  }, [mounted, run?.error]);
  const onMount: OnMount = (editor, monaco) => {
    setMounted([editor, monaco]);
    // Shift+Enter runs the cell, as in Jupyter and Zeppelin; Ctrl/Cmd+Enter too.
    editor.addCommand(monaco.KeyMod.Shift | monaco.KeyCode.Enter, () => onRunRef.current());
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => onRunRef.current());
  };
  return (
    <div className="code-cell">
      <div className="cell-toolbar">
        {!running ? (
          <button className="run" data-testid={`run-${cell.id}`} onClick={onRun} disabled={readOnly} title="Run (Shift+Enter)">
            ▶ Run
          </button>
        ) : (
          <button className="cancel" data-testid={`cancel-${cell.id}`} onClick={onCancel} disabled={readOnly} title="Cancel the job">
            ■ Cancel
          </button>
        )}
        <span className={`status status-${run?.status ?? 'ready'}`} data-testid={`status-${cell.id}`}>
          {run?.status ?? 'ready'}
        </span>
        <RunTime cellId={cell.id} startedAt={run?.startedAt} finishedAt={run?.finishedAt} running={running} />
      </div>
      <div className="editor" style={{ height: Math.min(600, Math.max(80, lines * 19 + 16)) }}>
        <Editor
          language="typescript"
          path={`file:///cells/${cell.id}.ts`}
          value={cell.source}
          onChange={(v) => onChange(v ?? '')}
          onMount={onMount}
          options={{ minimap: { enabled: false }, fontSize: 13, scrollBeyondLastLine: false, readOnly, automaticLayout: true, tabSize: 2 }}
        />
      </div>
      {run?.error && (
        <div className="cell-error" data-testid={`error-${cell.id}`}>
          <strong>Error{run.error.line !== undefined ? ` at line ${run.error.line}` : ''}:</strong> {run.error.message}
        </div>
      )}
      {run && run.logs.length > 0 && <pre className="cell-log">{run.logs.slice(-50).join('\n')}</pre>}
      {run &&
        Object.entries(run.results).map(([sink, r]) => (
          <SinkOutput key={sink} cellId={cell.id} sink={sink} rows={r.rows} total={r.total} settings={cell.charts[sink]} onSettings={(s) => onChartChange(sink, s)} />
        ))}
    </div>
  );
}
