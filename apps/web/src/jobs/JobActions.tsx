import type { JobDetail, RestorePoint } from '@flowbook/protocol';
import { useState } from 'react';
import { formatBytes, formatTime } from './format.js';
import type { JobActions as Actions } from './useJobActions.js';

/**
 * The job's buttons: cancel and savepoints while it runs (savepoints when it checkpoints), restart from a restore
 * point once a cell job has ended; then where the savepoint went and the last action's error.
 */
export function JobActions({ job, actions, restorePoints }: { job: JobDetail; actions: Actions; restorePoints: RestorePoint[] }) {
  // Until the user picks one: the savepoint the job was stopped with, as Flink resumes a stopped job from it.
  const [picked, setRestartFrom] = useState<string>();
  const restartFrom = picked ?? job.stoppedWithSavepoint ?? 'latest';
  const [confirmCancel, setConfirmCancel] = useState(false);
  const stopSavepointListed = job.stoppedWithSavepoint === undefined || restorePoints.some((p) => p.name === job.stoppedWithSavepoint);
  return (
    <>
      {job.status === 'running' && (
        <div className="job-actions">
          {/* Cancelling throws away state since the last checkpoint: it asks first, and looks like the destructive action it is. */}
          {confirmCancel ? (
            <span className="confirm-cancel" role="group" aria-label="Confirm cancel">
              <span>Cancel the job? State since its last checkpoint is lost.</span>{' '}
              <button className="danger" data-testid="job-cancel-confirm" onClick={() => (setConfirmCancel(false), void actions.cancel())}>
                Yes, cancel job
              </button>{' '}
              <button data-testid="job-cancel-keep" onClick={() => setConfirmCancel(false)} autoFocus>
                Keep running
              </button>
            </span>
          ) : (
            <button className="danger" data-testid="job-cancel" onClick={() => setConfirmCancel(true)}>
              ✕ Cancel job
            </button>
          )}
          <span className="spacer" />
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
              {!stopSavepointListed && <option value={job.stoppedWithSavepoint}>savepoint it was stopped with</option>}
              {restorePoints.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.kind} {p.id} · {formatTime(p.timestamp)} · {formatBytes(p.sizeBytes)}
                  {p.name === job.stoppedWithSavepoint ? ' · the job stopped with it' : ''}
                </option>
              ))}
              <option value="none">nothing (fresh state)</option>
            </select>
          </label>{' '}
          <button data-testid="job-restart" onClick={() => void actions.restart(restartFrom)}>
            Restart
          </button>
          <span className="spacer" />
          {job.notebook !== undefined && job.cellId !== undefined && <JoinScaleOut job={job} actions={actions} />}
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

/** Runs the job's cell as a worker of a scale-out job: this server joins the job's consumer group as one more worker. */
function JoinScaleOut({ job, actions }: { job: JobDetail; actions: Actions }) {
  const [name, setName] = useState(job.scaleOutJob ?? '');
  return (
    <span title="The cell's job joins the Kafka consumer group flowbook-<name> as one more worker; partitions, key groups and offsets are checkpointed to the server's PostgreSQL">
      <label>
        Run as scale-out worker of job{' '}
        <input value={name} onChange={(e) => setName(e.target.value)} data-testid="job-scale-out-name" size={16} pattern="[\w.\-]{1,100}" />
      </label>{' '}
      <button data-testid="job-scale-out-join" disabled={!/^[\w.-]{1,100}$/.test(name)} onClick={() => void actions.joinScaleOut(job.notebook!, job.cellId!, name)}>
        Join
      </button>
    </span>
  );
}
