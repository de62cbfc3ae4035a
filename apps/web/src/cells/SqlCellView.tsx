import type * as Monaco from 'monaco-editor';
import { memo, useMemo } from 'react';
import type { ChartSettings, SqlCell, SqlMode } from '@flowbook/protocol';
import type { CellRunView } from '../notebook/cellRuns.js';
import { useCellEditor } from './useCellEditor.js';
import { sameDataProps } from './sameDataProps.js';
import { CellEditor } from './CellEditor.js';
import { RunBar } from './RunBar.js';
import { CellOutputs } from './CellOutputs.js';
import { sqlRows } from './sqlResult.js';
import { singleTemplateHtml } from './singleTemplate.js';
import { refreshSqlCatalog, registerSqlCompletion } from './sqlCompletionProvider.js';

interface Props {
  cell: SqlCell;
  run: CellRunView | undefined;
  readOnly: boolean;
  canRun: boolean;
  onChange(next: Partial<Pick<SqlCell, 'source' | 'mode' | 'template'>>): void;
  onChartChange(sink: string, settings: ChartSettings): void;
  onRun(): void;
  onRunAndAdvance(): void;
  onCancel(): void;
  onResume?(restore: string): void;
  notebook: string;
  onEditor(editor: Monaco.editor.IStandaloneCodeEditor | undefined): void;
  /** The selected cell: its editor stays live even off screen. */
  active: boolean;
}

const MODES: { mode: SqlMode; label: string; title: string }[] = [
  { mode: 'update', label: 'Update', title: 'The current result, retractions applied (a table, pivot or chart)' },
  { mode: 'append', label: 'Append', title: 'Every row as it comes (e.g. a time series)' },
  { mode: 'single', label: 'Single', title: 'One value, with an optional template such as {0} orders' },
];

/**
 * A Flink SQL cell: Monaco (SQL), Zeppelin's display modes (single / update / append) in its toolbar, run controls, and
 * the result through the same charts as a code cell's sinks.
 */
export const SqlCellView = memo(function SqlCellView({ cell, run, readOnly, canRun, onChange, onChartChange, onRun, onRunAndAdvance, onCancel, onResume, notebook, onEditor, active }: Props) {
  const { editorProps, text } = useCellEditor({
    notebook,
    cellId: cell.id,
    source: cell.source,
    readOnly,
    runError: run?.error,
    onRun,
    onRunAndAdvance,
    onEditor,
    onSource: (source) => onChange({ source }),
    onMount: (editor, monaco) => {
      registerSqlCompletion(monaco);
      // The catalog comes from the saved SQL cells: fetched when an editor is focused, so tables made above are known.
      const refresh = () => void refreshSqlCatalog(notebook).catch(() => undefined);
      refresh();
      editor.onDidFocusEditorText(refresh);
    },
  });
  // The rows the charts see: the changelog applied (update, single) or every row (append).
  const shown = useMemo(
    () => run && { ...run, results: Object.fromEntries(Object.entries(run.results).map(([sink, r]) => [sink, { rows: sqlRows(r.rows, cell.mode), total: r.total }])) },
    [run, cell.mode],
  );
  const single = cell.mode === 'single' && shown ? Object.values(shown.results)[0]?.rows.at(-1) : undefined;
  return (
    <div className="code-cell sql-cell">
      <RunBar cellId={cell.id} notebook={notebook} run={run} canRun={canRun} onRun={onRun} onCancel={onCancel} {...(onResume ? { onResume } : {})} runTitle="Run (Shift+Enter, Ctrl+Enter)">
        {/* Left of the cell's own actions, which sit over the toolbar's right end. */}
        <span className="sql-modes" role="radiogroup" aria-label="Display mode">
          {MODES.map((m) => (
            <button
              key={m.mode}
              role="radio"
              aria-checked={cell.mode === m.mode}
              className={cell.mode === m.mode ? 'active' : ''}
              disabled={readOnly}
              title={m.title}
              data-testid={`sql-mode-${m.mode}-${cell.id}`}
              onClick={() => onChange({ mode: m.mode })}
            >
              {m.label}
            </button>
          ))}
        </span>
        {cell.mode === 'single' && (
          <input
            className="sql-template"
            aria-label="Template"
            placeholder="template, e.g. {0} orders"
            value={cell.template ?? ''}
            readOnly={readOnly}
            data-testid={`sql-template-${cell.id}`}
            onChange={(e) => onChange({ template: e.target.value === '' ? undefined : e.target.value })}
          />
        )}
      </RunBar>
      <CellEditor language="sql" path={`file:///cells/${cell.id}.sql`} editorProps={editorProps} source={cell.source} text={text} active={active} />
      {cell.mode === 'single' ? (
        <>
          <CellOutputs cellId={cell.id} run={shown && { ...shown, results: {} }} charts={cell.charts} onChartChange={onChartChange} errorLine />
          {single && (
            <div className="big-number sql-single" data-testid={`sql-single-${cell.id}`}>
              {/* Zeppelin templates are HTML: sanitized, with the values escaped (singleTemplate.ts). */}
              <span className="big-number-value" dangerouslySetInnerHTML={{ __html: singleTemplateHtml(cell.template, single) }} />
            </div>
          )}
        </>
      ) : (
        <CellOutputs cellId={cell.id} run={shown} charts={cell.charts} onChartChange={onChartChange} errorLine />
      )}
    </div>
  );
}, sameDataProps);
