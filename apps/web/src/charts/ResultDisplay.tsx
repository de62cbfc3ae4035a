import { useMemo } from 'react';
import type { ChartSettings, Row } from '@flowbook/protocol';
import { BigNumber } from './BigNumber.js';
import './charts.css';
import { applyMode } from './liveMode.js';
import { ResultChart } from './ResultChart.js';
import { ResultTable } from './ResultTable.js';

/**
 * A sink's rows as its settings say: first combined per the live mode (append / update), then shown as a table, a
 * single value or a chart. Used under cells and on dashboards, so both show the same thing.
 */
export function ResultDisplay({ rows, settings, testId, height = 280 }: { rows: Row[]; settings: ChartSettings; testId: string; height?: number }) {
  const shown = useMemo(() => applyMode(rows, settings), [rows, settings]);
  if (settings.type === 'table') return <ResultTable rows={shown} />;
  if (settings.type === 'number') return <BigNumber rows={shown} settings={settings} testId={testId} height={height} />;
  return <ResultChart rows={shown} settings={settings} testId={testId} height={height} />;
}
