import { useState } from 'react';
import { CheckpointChart } from './CheckpointChart.js';
import { formatBytes, formatCount, formatDuration, formatTime, watermarkLag } from './format.js';
import { cancelJob, restartJob, takeSavepoint, useJob, useRestorePoints } from './useJobsApi.js';
import { JobGraph } from './JobGraph.js';
import { TapPanel } from './TapPanel.js';
import type { GraphJson } from './graphLayout.js';

/** One job: status, its operators with live metrics, the error with the cell line, logs, and actions. */
export function JobPage({ jobId, navigate }: { jobId: string; navigate(path: string): void }) {
  const { data: job, error, refresh } = useJob(jobId);
  const [actionError, setActionError] = useState<string>();
  const [savepoint, setSavepoint] = useState<string>();
  const [restartFrom, setRestartFrom] = useState('latest');
  const [tapped, setTapped] = useState<{ nodeId: string; label: string }>();
  const restorePoints = useRestorePoints(jobId, job?.kind === 'cell');
  if (error && !job) return <div className="jobs-page error">{error}</div>;
  if (!job) return <div className="jobs-page">Loading…</div>;
  return (
    <div className="jobs-page" data-testid="job-page">
      <p>
        <a href="/jobs" onClick={(e) => (e.preventDefault(), navigate('/jobs'))}>
          ← Jobs
        </a>
      </p>
      <h1>
        {job.name} <span className={`status status-${job.status}`} data-testid="job-status">{job.status}</span>
      </h1>
      <dl className="job-facts">
        <dt>Job id</dt>
        <dd>{job.jobId}</dd>
        {job.notebook && (
          <>
            <dt>Cell</dt>
            <dd>
              <a href={`/notebook/${job.notebook}#cell-${job.cellId}`} onClick={(e) => (e.preventDefault(), navigate(`/notebook/${job.notebook}#cell-${job.cellId}`))}>
                {job.notebook} / {job.cellId}
              </a>
            </dd>
          </>
        )}
        <dt>Started</dt>
        <dd>{formatTime(job.startedAt)}</dd>
        <dt>Uptime</dt>
        <dd>{formatDuration(job.durationMs)}</dd>
        <dt>Restarts</dt>
        <dd data-testid="job-restarts">{job.restarts}</dd>
      </dl>
      {job.config && (
        <details className="job-config" data-testid="job-config">
          <summary>Configuration</summary>
          <dl className="job-facts">
            <dt>Parallelism</dt>
            <dd>
              {job.config.parallelism} (max {job.config.maxParallelism})
            </dd>
            <dt>Checkpoint interval</dt>
            <dd>{job.config.checkpointInterval !== undefined ? `${job.config.checkpointInterval} ms` : 'checkpointing off'}</dd>
            <dt>Restart strategy</dt>
            <dd>{describeRestartStrategy(job.config.restartStrategy)}</dd>
            <dt>Watermark interval</dt>
            <dd>{job.config.autoWatermarkInterval} ms</dd>
          </dl>
        </details>
      )}
      {job.status === 'running' && (
        <div className="job-actions">
          <button
            data-testid="job-cancel"
            onClick={async () => {
              setActionError(await cancelJob(job.jobId));
              refresh();
            }}
          >
            Cancel job
          </button>
          {job.checkpoints && (
            <>
              <button
                data-testid="job-savepoint"
                onClick={async () => {
                  const r = await takeSavepoint(job.jobId, false);
                  setActionError(r.error);
                  setSavepoint(r.path);
                }}
              >
                Savepoint
              </button>
              <button
                data-testid="job-stop-savepoint"
                onClick={async () => {
                  const r = await takeSavepoint(job.jobId, true);
                  setActionError(r.error);
                  setSavepoint(r.path);
                  refresh();
                }}
              >
                Stop with savepoint
              </button>
              <button
                data-testid="job-drain-savepoint"
                title="Fire every open window and timer (the final watermark), then take the savepoint and finish: for stopping a job for good"
                onClick={async () => {
                  const r = await takeSavepoint(job.jobId, true, true);
                  setActionError(r.error);
                  setSavepoint(r.path);
                  refresh();
                }}
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
              {(restorePoints.data?.restorePoints ?? []).map((p) => (
                <option key={p.name} value={p.name}>
                  {p.kind} {p.id} · {formatTime(p.timestamp)} · {formatBytes(p.sizeBytes)}
                </option>
              ))}
              <option value="none">nothing (fresh state)</option>
            </select>
          </label>{' '}
          <button
            data-testid="job-restart"
            onClick={async () => {
              const r = await restartJob(job.jobId, restartFrom);
              setActionError(r.error);
              if (r.jobId) navigate(`/jobs/${r.jobId}`);
            }}
          >
            Restart
          </button>
        </div>
      )}
      {savepoint && (
        <p className="muted" data-testid="job-savepoint-path">
          Savepoint written to <code>{savepoint}</code>
        </p>
      )}
      {actionError && <p className="error">{actionError}</p>}
      {job.exceptions.length > 0 && (
        <div className="job-error" data-testid="job-exceptions">
          <h2>Exceptions</h2>
          {[...job.exceptions].reverse().map((x, i) => (
            <details key={i} open={i === 0}>
              <summary>
                <span className="muted">{formatTime(x.at)} · attempt {x.attempt}</span> {x.message}
                {x.line !== undefined ? ` (cell line ${x.line})` : ''}
              </summary>
              {x.stack && <pre>{x.stack}</pre>}
            </details>
          ))}
        </div>
      )}
      {job.graph !== undefined && (
        <>
          <h2>Job graph</h2>
          {job.status === 'running' && <p className="muted">Click an operator to open its live data tap.</p>}
          <JobGraph graph={job.graph as GraphJson} operators={job.operators} {...(job.busy !== undefined ? { busy: job.busy } : {})} {...(job.status === 'running' ? { onNodeClick: (nodeId: string, label: string) => setTapped({ nodeId, label }) } : {})} />
          {tapped && job.status === 'running' && <TapPanel jobId={job.jobId} nodeId={tapped.nodeId} label={tapped.label} onClose={() => setTapped(undefined)} />}
        </>
      )}
      <h2>Timeline</h2>
      <ol className="job-timeline" data-testid="job-timeline">
        {job.timeline.map((t, i) => (
          <li key={i}>
            <span className={`status status-${t.status}`}>{t.status}</span> <span className="muted">{formatTime(t.at)}</span>
          </li>
        ))}
        {job.resumed && <li className="muted">resumed after a server restart</li>}
      </ol>
      {job.checkpoints && (
        <>
          <h2>
            Checkpoints{' '}
            <span className="muted">
              {job.checkpoints.history.filter((h) => h.status === 'completed').length} completed, {job.checkpoints.declined} declined
              {job.checkpoints.restoredFrom !== undefined ? `, restored from checkpoint ${job.checkpoints.restoredFrom}` : ''}
            </span>
          </h2>
          {job.checkpoints.history.length > 1 && <CheckpointChart history={job.checkpoints.history} />}
          <table className="jobs-table" data-testid="job-checkpoints">
            <thead>
              <tr>
                <th>Id</th>
                <th>Status</th>
                <th>Triggered</th>
                <th>Duration</th>
                <th>Size</th>
              </tr>
            </thead>
            <tbody>
              {[...job.checkpoints.history].reverse().slice(0, 10).map((h) => (
                <tr key={h.id}>
                  <td>{h.id}</td>
                  <td>
                    <span className={`status status-${h.status === 'completed' ? 'finished' : 'error'}`} title={h.error}>
                      {h.status}
                    </span>
                  </td>
                  <td>{formatTime(h.triggeredAt)}</td>
                  <td>{h.durationMs} ms</td>
                  <td>{(h.sizeBytes / 1024).toFixed(1)} KiB</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h2>Operators</h2>
      <table className="jobs-table" data-testid="job-operators">
        <thead>
          <tr>
            <th>Operator</th>
            <th>Type</th>
            <th>Records in</th>
            <th>Records out</th>
            <th>Watermark lag</th>
            <th>State entries</th>
            <th>Late dropped</th>
            <th>Dead letters</th>
          </tr>
        </thead>
        <tbody>
          {job.operators.map((o) => (
            <tr key={o.nodeId}>
              <td>{o.name}</td>
              <td>
                {o.type}
                {o.parallelism !== undefined && <span className="muted"> ×{o.parallelism}</span>}
              </td>
              <td>{formatCount(o.recordsIn)}</td>
              <td>{formatCount(o.recordsOut)}</td>
              <td>{watermarkLag(o.watermark)}</td>
              <td>{formatCount(o.stateEntries)}</td>
              <td>{o.lateRecordsDropped}</td>
              <td>{o.deadLetters}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {job.logs.length > 0 && (
        <>
          <h2>Log</h2>
          <pre className="job-log">{job.logs.join('\n')}</pre>
        </>
      )}
    </div>
  );
}

function describeRestartStrategy(s: Record<string, unknown> | undefined): string {
  if (!s) return 'none';
  switch (s.type) {
    case 'fixed-delay':
      return `fixed delay: ${s.attempts} attempts, ${s.delayMs} ms apart`;
    case 'exponential-delay':
      return `exponential delay: ${s.initialBackoffMs} ms × ${s.backoffMultiplier} up to ${s.maxBackoffMs} ms`;
    case 'failure-rate':
      return `failure rate: at most ${s.maxFailuresPerInterval} per ${s.failureRateIntervalMs} ms, ${s.delayMs} ms delay`;
    default:
      return 'no restart';
  }
}
