import Editor, { type OnMount } from '@monaco-editor/react';
import { useRef, useState } from 'react';
import type { ChartSettings, CodeCell as CodeCellModel } from '@flowbook/protocol';
import { inferSettings } from '../charts/pivot.js';
import { ResultChart } from '../charts/ResultChart.js';
import { ResultTable } from '../charts/ResultTable.js';
import type { CellRunView } from '../notebook/cellRuns.js';
import { useElapsed } from './useElapsed.js';

interface Props {
  cell: CodeCellModel;
  run: CellRunView | undefined;
  readOnly: boolean;
  onChange(source: string): void;
  onChartChange(sink: string, settings: ChartSettings): void;
  onRun(): void;
  onCancel(): void;
}

const formatMs = (ms: number) => (ms < 1000 ? `${ms} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.floor((ms % 60_000) / 1000)} s`);

/** A TypeScript cell: Monaco editor, run controls, status and run time, error, log, and live results per sink. */
export function CodeCell({ cell, run, readOnly, onChange, onChartChange, onRun, onCancel }: Props) {
  const running = run?.status === 'running' || run?.status === 'pending';
  const elapsed = useElapsed(run?.startedAt, run?.finishedAt, running);
  const onRunRef = useRef(onRun);
  onRunRef.current = onRun;
  const lines = cell.source.split('\n').length;
  const onMount: OnMount = (editor, monaco) => {
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
        {run?.startedAt !== undefined && <span className="muted">started {new Date(run.startedAt).toLocaleTimeString()}</span>}
        {elapsed !== undefined && <span className="muted" data-testid={`elapsed-${cell.id}`}>{formatMs(elapsed)}</span>}
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

function SinkOutput({ cellId, sink, rows, total, settings, onSettings }: { cellId: string; sink: string; rows: CellRunView['results'][string]['rows']; total: number; settings: ChartSettings | undefined; onSettings(s: ChartSettings): void }) {
  const [view, setView] = useState<'chart' | 'table'>(settings?.type === 'table' ? 'table' : 'chart');
  const effective = inferSettings(rows, settings);
  return (
    <div className="sink-output">
      <div className="sink-header">
        <span className="sink-name">{sink}</span>
        <span className="muted">{total.toLocaleString()} records</span>
        <span className="spacer" />
        <select
          aria-label="Chart type"
          value={view === 'table' ? 'table' : effective.type}
          onChange={(e) => {
            const type = e.target.value as ChartSettings['type'];
            setView(type === 'table' ? 'table' : 'chart');
            onSettings({ ...effective, type });
          }}
        >
          <option value="line">Line</option>
          <option value="area">Area</option>
          <option value="bar">Bar</option>
          <option value="table">Table</option>
        </select>
      </div>
      {view === 'table' ? <ResultTable rows={rows} /> : <ResultChart rows={rows} settings={effective} testId={`chart-${cellId}`} />}
    </div>
  );
}
