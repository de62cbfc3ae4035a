import type { ChartSettings, PipelineCell } from '@flowbook/protocol';
import { PipelineCanvas } from '../canvas/PipelineCanvas.js';
import type { CellRunView } from '../notebook/cellRuns.js';
import { ResumeMenu } from './ResumeMenu.js';
import { RunTime } from './RunTime.js';
import { SinkOutput } from './SinkOutput.js';

interface Props {
  cell: PipelineCell;
  run: CellRunView | undefined;
  notebook: string;
  readOnly: boolean;
  canRun: boolean;
  onGraph(graph: Record<string, unknown>): void;
  onChartChange(sink: string, settings: ChartSettings): void;
  onRun(): void;
  onCancel(): void;
  onResume(restore: string): void;
}

/**
 * A pipeline cell: the drag-and-drop canvas embedded in the notebook. Deploy runs the graph as drawn (node ids kept,
 * so the running job's per-operator metrics are drawn on its nodes); its live sinks chart below like a code cell's.
 */
export function PipelineCellView({ cell, run, notebook, readOnly, canRun, onGraph, onChartChange, onRun, onCancel, onResume }: Props) {
  const running = run?.status === 'running' || run?.status === 'pending';
  return (
    <div className="pipeline-cell">
      <div className="cell-toolbar">
        {canRun &&
          (!running ? (
            <button className="run" data-testid={`run-${cell.id}`} onClick={onRun} title="Deploy the pipeline">
              ▶ Run
            </button>
          ) : (
            <button className="cancel" data-testid={`cancel-${cell.id}`} onClick={onCancel} title="Stop the job">
              ■ Cancel
            </button>
          ))}
        {canRun && !running && <ResumeMenu notebook={notebook} cellId={cell.id} onResume={onResume} />}
        <span className={`status status-${run?.status ?? 'ready'}`} data-testid={`status-${cell.id}`}>
          {run?.status ?? 'ready'}
        </span>
        <RunTime cellId={cell.id} startedAt={run?.startedAt} finishedAt={run?.finishedAt} running={running} />
        {run?.jobId && (
          <a className="job-link muted" href={`/jobs/${run.jobId}`} data-testid={`job-link-${cell.id}`}>
            job ↗
          </a>
        )}
      </div>
      <div className="pipeline-cell-canvas" data-testid={`canvas-${cell.id}`}>
        <PipelineCanvas
          graph={cell.graph as never}
          onChange={(g) => onGraph(g as unknown as Record<string, unknown>)}
          readOnly={readOnly || running}
          {...(running && run?.operators ? { metrics: run.operators } : {})}
        />
      </div>
      {run?.error && (
        <div className="cell-error" data-testid={`error-${cell.id}`}>
          <strong>Error:</strong> {run.error.message}
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
