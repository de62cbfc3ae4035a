import type { ReactNode } from 'react';
import type { CellRunView } from '../notebook/cellRuns.js';
import { ResumeMenu } from './ResumeMenu.js';
import { RunTime } from './RunTime.js';

interface Props {
  cellId: string;
  notebook: string;
  run: CellRunView | undefined;
  canRun: boolean;
  onRun(): void;
  onCancel(): void;
  onResume?(restore: string): void;
  runTitle: string;
  /** Why the cell cannot run now (an invalid pipeline): Run is disabled and says so. */
  blocked?: string | undefined;
  /** More controls at the end of the bar (e.g. a pipeline's export/import). */
  children?: ReactNode;
}

/** The toolbar of a cell that runs a job (code or pipeline): Run/Cancel, Resume from…, status, run time, restarts, job link. */
export function RunBar({ cellId, notebook, run, canRun, onRun, onCancel, onResume, runTitle, blocked, children }: Props) {
  const running = run?.status === 'running' || run?.status === 'pending';
  return (
    <div className="cell-toolbar">
      {canRun &&
        (!running ? (
          <button className="run" data-testid={`run-${cellId}`} onClick={onRun} title={blocked ?? runTitle} disabled={blocked !== undefined}>
            ▶ Run
          </button>
        ) : (
          <button className="cancel" data-testid={`cancel-${cellId}`} onClick={onCancel} title="Cancel the job">
            ■ Cancel
          </button>
        ))}
      {canRun && !running && blocked !== undefined && (
        <span className="run-blocked" data-testid={`run-blocked-${cellId}`} title={blocked}>
          {blocked.split('\n')[0]}
        </span>
      )}
      {canRun && !running && onResume && blocked === undefined && <ResumeMenu notebook={notebook} cellId={cellId} onResume={onResume} />}
      <span className={`status status-${run?.status ?? 'ready'}`} data-testid={`status-${cellId}`}>
        {run?.status ?? 'ready'}
      </span>
      <RunTime cellId={cellId} startedAt={run?.startedAt} finishedAt={run?.finishedAt} running={running} />
      {run?.restarts !== undefined && run.restarts > 0 && (
        <span className="status status-error" title={run.lastFailure} data-testid={`restarts-${cellId}`}>
          {run.restarts} restart{run.restarts > 1 ? 's' : ''}
        </span>
      )}
      {run?.jobId && (
        <a className="job-link muted" href={`/jobs/${run.jobId}`} data-testid={`job-link-${cellId}`}>
          job ↗
        </a>
      )}
      {children}
    </div>
  );
}
