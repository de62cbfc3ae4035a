import { useState } from 'react';
import { formatCount, formatDuration, formatTime, watermarkLag } from './format.js';
import { cancelJob, takeSavepoint, useJob } from './useJobsApi.js';
import { JobGraph } from './JobGraph.js';
import type { GraphJson } from './graphLayout.js';

/** One job: status, its operators with live metrics, the error with the cell line, logs, and actions. */
export function JobPage({ jobId, navigate }: { jobId: string; navigate(path: string): void }) {
  const { data: job, error, refresh } = useJob(jobId);
  const [actionError, setActionError] = useState<string>();
  const [savepoint, setSavepoint] = useState<string>();
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
      </dl>
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
            </>
          )}
        </div>
      )}
      {savepoint && (
        <p className="muted" data-testid="job-savepoint-path">
          Savepoint written to <code>{savepoint}</code>
        </p>
      )}
      {actionError && <p className="error">{actionError}</p>}
      {job.error && (
        <div className="job-error">
          <h2>Exception{job.errorLine !== undefined ? ` (cell line ${job.errorLine})` : ''}</h2>
          <pre>{job.errorStack ?? job.error}</pre>
        </div>
      )}
      {job.graph !== undefined && (
        <>
          <h2>Job graph</h2>
          <JobGraph graph={job.graph as GraphJson} operators={job.operators} />
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
              <td>{o.type}</td>
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
