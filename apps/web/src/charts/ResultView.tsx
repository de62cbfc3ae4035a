import { useMemo, useState } from 'react';
import type { ChartSettings, ChartType, Row } from '@flowbook/protocol';
import './charts.css';
import { fieldsOf, numericFields } from './fields.js';
import { inferSettings } from './pivot.js';
import { PivotSettings } from './PivotSettings.js';
import { ResultDisplay } from './ResultDisplay.js';

interface Props {
  cellId: string;
  sink: string;
  rows: Row[];
  total: number;
  /** The cell's saved settings for this sink (undefined: never changed, all inferred). */
  settings: ChartSettings | undefined;
  /** Saves the settings with the cell (CodeCell's onChartChange). */
  onSettings(s: ChartSettings): void;
}

const VIEWS: { type: ChartType; label: string }[] = [
  { type: 'table', label: 'Table' },
  { type: 'line', label: 'Line' },
  { type: 'area', label: 'Area' },
  { type: 'bar', label: 'Bar' },
  { type: 'pie', label: 'Pie' },
  { type: 'scatter', label: 'Scatter' },
  { type: 'number', label: 'Single value' },
];

/**
 * One live sink's results under a cell: the view chooser, the pivot settings (hidden until asked for, as in Zeppelin)
 * and the result itself. Every change is saved with the cell, completed from the rows, so what is seen is what is saved.
 */
export function ResultView({ cellId, sink, rows, total, settings, onSettings }: Props) {
  const [open, setOpen] = useState(false);
  // Memoized so the chart (memo) redraws only when rows or settings change.
  const effective = useMemo(() => inferSettings(rows, settings), [rows, settings]);
  const fields = useMemo(() => fieldsOf(rows), [rows]);
  const numeric = useMemo(() => numericFields(rows, fields), [rows, fields]);
  const id = `${cellId}-${sink}`;
  return (
    <div className="sink-output" data-testid={`sink-${id}`}>
      <div className="sink-header">
        <span className="sink-name">{sink}</span>
        <span className="muted">
          {total.toLocaleString()} records{effective.mode === 'update' ? ' · latest per key' : ''}
        </span>
        <span className="spacer" />
        <select aria-label="Chart type" data-testid={`view-${id}`} value={effective.type} onChange={(e) => onSettings({ ...effective, type: e.target.value as ChartType })}>
          {VIEWS.map((v) => (
            <option key={v.type} value={v.type}>
              {v.label}
            </option>
          ))}
        </select>
        <button className={open ? 'settings-toggle open' : 'settings-toggle'} aria-expanded={open} data-testid={`settings-toggle-${id}`} onClick={() => setOpen(!open)} title="Keys, groups, values and live mode">
          ⚙ Settings
        </button>
      </div>
      {open && <PivotSettings settings={effective} fields={fields} numeric={numeric} onChange={onSettings} testId={`chart-settings-${id}`} />}
      <ResultDisplay rows={rows} settings={effective} testId={`chart-${cellId}`} />
    </div>
  );
}
