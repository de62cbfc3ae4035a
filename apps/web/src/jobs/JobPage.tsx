import { useState } from 'react';
import { formatTime } from './format.js';
import { JobActions } from './JobActions.js';
import { JobCheckpoints } from './JobCheckpoints.js';
import { JobExceptions } from './JobExceptions.js';
import { JobFacts } from './JobFacts.js';
import { JobOperators } from './JobOperators.js';
import { useJobActions } from './useJobActions.js';
import { useJob, useRestorePoints } from './useJobsApi.js';
import { JobGraph } from './JobGraph.js';
import { TapPanel } from './TapPanel.js';
import type { GraphJson } from './graphLayout.js';

/** One job: status, its operators with live metrics, the error with the cell line, logs, and actions. */
export function JobPage({ jobId, navigate }: { jobId: string; navigate(path: string): void }) {
  const { data: job, error, refresh } = useJob(jobId);
  const actions = useJobActions(jobId, refresh, navigate);
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
      <JobFacts job={job} navigate={navigate} />
      <JobActions job={job} actions={actions} restorePoints={restorePoints.data?.restorePoints ?? []} />
      <JobExceptions exceptions={job.exceptions} />
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
      {job.checkpoints && <JobCheckpoints checkpoints={job.checkpoints} />}
      <JobOperators operators={job.operators} />
      {job.logs.length > 0 && (
        <>
          <h2>Log</h2>
          <pre className="job-log">{job.logs.join('\n')}</pre>
        </>
      )}
    </div>
  );
}
