import type { Cell, ChartCell, ChartSettings } from '@flowbook/protocol';
import { useMemo } from 'react';
import { ResultView } from '../charts/ResultView.js';
import { rowsOfCell } from './sqlResult.js';
import type { CellRunView } from '../notebook/cellRuns.js';

interface Props {
  cell: ChartCell;
  /** Every cell of the notebook, and the runs of those that ran: what can be shown. */
  cells: readonly Cell[];
  runs: Record<string, CellRunView>;
  readOnly: boolean;
  onChange(next: ChartCell): void;
}

/**
 * A result-only view of another cell's live output (Zeppelin's chart of a paragraph): pick a cell and its sink, and the
 * chart follows that cell's runs, with settings of its own (so one result can be shown as a table and as a chart).
 */
export function ChartCellView({ cell, cells, runs, readOnly, onChange }: Props) {
  // Sinks known from the chart settings of runnable cells and from what their runs produced.
  const options: { cellId: string; sink: string }[] = [];
  for (const c of cells) {
    if (c.type !== 'code' && c.type !== 'pipeline' && c.type !== 'sql') continue;
    const sinks = new Set([...Object.keys(c.charts), ...Object.keys(runs[c.id]?.results ?? {})]);
    for (const sink of sinks) options.push({ cellId: c.id, sink });
  }
  const key = (o: { cellId: string; sink: string }) => `${o.cellId}\u0000${o.sink}`;
  const result = cell.of ? runs[cell.of.cellId]?.results[cell.of.sink] : undefined;
  const rows = useMemo(() => (cell.of && result ? rowsOfCell(cells.find((c) => c.id === cell.of!.cellId), result.rows) : []), [cell.of, cells, result]);
  return (
    <div className="chart-cell" data-testid={`chart-cell-${cell.id}`}>
      <div className="cell-toolbar">
        <label>
          Chart of{' '}
          <select
            value={cell.of ? key(cell.of) : ''}
            disabled={readOnly}
            onChange={(e) => {
              const o = options.find((x) => key(x) === e.target.value);
              if (o) onChange({ ...cell, of: o });
            }}
            data-testid={`chart-of-${cell.id}`}
          >
            <option value="" disabled>
              choose a cell's output…
            </option>
            {options.map((o) => (
              <option key={key(o)} value={key(o)}>
                {o.cellId} / {o.sink}
              </option>
            ))}
          </select>
        </label>
        {cell.of && runs[cell.of.cellId] && <span className={`status status-${runs[cell.of.cellId]!.status}`}>{runs[cell.of.cellId]!.status}</span>}
      </div>
      {cell.of && result ? (
        <ResultView
          cellId={cell.id}
          sink={cell.of.sink}
          rows={rows}
          total={result.total}
          settings={cell.settings}
          onSettings={(settings: ChartSettings) => !readOnly && onChange({ ...cell, settings })}
        />
      ) : (
        <p className="muted chart-cell-empty">{cell.of ? `No results from ${cell.of.cellId} yet: run it.` : 'Choose the output of a code, SQL or pipeline cell to chart it here.'}</p>
      )}
    </div>
  );
}
