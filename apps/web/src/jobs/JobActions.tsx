import type { JobDetail, RestorePoint } from '@flowbook/protocol';
import { useState } from 'react';
import { formatBytes, formatTime } from './format.js';
import type { JobActions as Actions } from './useJobActions.js';

/**
 * The job's buttons: cancel and savepoints while it runs (savepoints when it checkpoints), restart from a restore
 * point once a cell job has ended; then where the savepoint went and the last action's error.
 */
export function JobActions({ job, actions, restorePoints }: { job: JobDetail; actions: Actions; restorePoints: RestorePoint[] }) {
  const [restartFrom, setRestartFrom] = useState('latest');
  return (
    <>
      {job.status === 'running' && (
        <div className="job-actions">
          <button data-testid="job-cancel" onClick={() => void actions.cancel()}>
            Cancel job
          </button>
          {job.checkpoints && (
            <>
              <button data-testid="job-savepoint" onClick={() => void actions.takeSavepoint(false)}>
                Savepoint
              </button>
              <button data-testid="job-stop-savepoint" onClick={() => void actions.takeSavepoint(true)}>
                Stop with savepoint
              </button>
              <button
                data-testid="job-drain-savepoint"
                title="Fire every open window and timer (the final watermark), then take the savepoint and finish: for stopping a job for good"
                onClick={() => void actions.takeSavepoint(true, true)}
              >
                Drain and stop
              </button>
            </>
          )}
        </div>
      )}
      {job.kind === 'cell' && job.status !== 'running' && job.status !== 'pending' && (
        <div className="job-actions">
          <label>
            Restart from{' '}
            <select value={restartFrom} onChange={(e) => setRestartFrom(e.target.value)} data-testid="job-restart-from">
              <option value="latest">latest checkpoint</option>
              {restorePoints.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.kind} {p.id} · {formatTime(p.timestamp)} · {formatBytes(p.sizeBytes)}
                </option>
              ))}
              <option value="none">nothing (fresh state)</option>
            </select>
          </label>{' '}
          <button data-testid="job-restart" onClick={() => void actions.restart(restartFrom)}>
            Restart
          </button>
        </div>
      )}
      {actions.savepoint && (
        <p className="muted" data-testid="job-savepoint-path">
          Savepoint written to <code>{actions.savepoint}</code>
        </p>
      )}
      {actions.error && <p className="error">{actions.error}</p>}
    </>
  );
}
