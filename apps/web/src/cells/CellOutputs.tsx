import { errorText } from './errorText.js';
import type { ChartSettings } from '@flowbook/protocol';
import type { CellRunView } from '../notebook/cellRuns.js';
import { SinkOutput } from './SinkOutput.js';
import { StaticOutputs } from './StaticOutputs.js';

interface Props {
  cellId: string;
  run: CellRunView | undefined;
  charts: Record<string, ChartSettings>;
  onChartChange(sink: string, settings: ChartSettings): void;
  /** Name the cell's line in the error (code cells: the line is in the cell's own source). */
  errorLine?: boolean;
}

/**
 * What a run leaves under a code or pipeline cell: its error, the last log lines and each live sink's output; for an
 * imported cell, the results saved by the tool it came from.
 */
export function CellOutputs({ cellId, run, charts, onChartChange, errorLine = false }: Props) {
  if (run === undefined) return null;
  const line = errorLine ? run.error?.line : undefined;
  return (
    <>
      {run.error && (
        <div className="cell-error" data-testid={`error-${cellId}`}>
          <strong>Error{line !== undefined ? ` at line ${line}` : ''}:</strong> {errorText(run.error.message, line)}
        </div>
      )}
      {run.logs.length > 0 && <pre className="cell-log">{run.logs.slice(-50).join('\n')}</pre>}
      {run.static && run.static.length > 0 && <StaticOutputs cellId={cellId} outputs={run.static} />}
      {Object.entries(run.results).map(([sink, r]) => (
        <SinkOutput key={sink} cellId={cellId} sink={sink} rows={r.rows} total={r.total} settings={charts[sink]} onSettings={(s) => onChartChange(sink, s)} />
      ))}
    </>
  );
}
