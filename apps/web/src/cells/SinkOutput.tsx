import { useMemo, useState } from 'react';
import type { ChartSettings, Row } from '@flowbook/protocol';
import { inferSettings } from '../charts/pivot.js';
import { ResultChart } from '../charts/ResultChart.js';
import { ResultTable } from '../charts/ResultTable.js';

interface Props {
  cellId: string;
  sink: string;
  rows: Row[];
  total: number;
  settings: ChartSettings | undefined;
  onSettings(s: ChartSettings): void;
}

/** One live sink's results under a cell: a chart (settings from the cell, or inferred from the rows) or a table. */
export function SinkOutput({ cellId, sink, rows, total, settings, onSettings }: Props) {
  const [view, setView] = useState<'chart' | 'table'>(settings?.type === 'table' ? 'table' : 'chart');
  // Memoized so the chart (memo) redraws only when rows or settings change.
  const effective = useMemo(() => inferSettings(rows, settings), [rows, settings]);
  return (
    <div className="sink-output" data-testid={`sink-${cellId}-${sink}`}>
      <div className="sink-header">
        <span className="sink-name">{sink}</span>
        <span className="muted">{total.toLocaleString()} records</span>
        <span className="spacer" />
        <select
          aria-label="Chart type"
          data-testid={`view-${cellId}-${sink}`}
          value={view === 'table' ? 'table' : effective.type === 'table' ? 'line' : effective.type}
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
