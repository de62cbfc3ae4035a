import { useEffect, useState } from 'react';
import { formatTime } from './format.js';
import { JobActions } from './JobActions.js';
import { JobCheckpoints } from './JobCheckpoints.js';
import { JobConfig } from './JobConfig.js';
import { JobExceptions } from './JobExceptions.js';
import { JobFacts } from './JobFacts.js';
import { JobOperators } from './JobOperators.js';
import { JobWorkers } from './JobWorkers.js';
import { JobRatesChart } from './JobRatesChart.js';
import { appendSample, type JobSample } from './jobSamples.js';
import { timelineOf } from './timeline.js';
import { useJobActions } from './useJobActions.js';
import { useJob, useRestorePoints } from './useJobsApi.js';
import { JobGraph } from './JobGraph.js';
import { TapPanel } from './TapPanel.js';
import type { GraphJson } from './graphLayout.js';

const TABS = ['overview', 'workers', 'checkpoints', 'exceptions', 'configuration'] as const;
type Tab = (typeof TABS)[number];
const tabOfHash = (): Tab => (TABS as readonly string[]).includes(window.location.hash.slice(1)) ? (window.location.hash.slice(1) as Tab) : 'overview';

/** One job, in Flink's tabs: overview (actions, charts over time, graph, timeline, operators, log), checkpoints, exceptions, configuration. */
export function JobPage({ jobId, navigate }: { jobId: string; navigate(path: string): void }) {
  const { data: job, error, refresh } = useJob(jobId);
  const actions = useJobActions(jobId, refresh, navigate);
  const [tapped, setTapped] = useState<{ nodeId: string; label: string }>();
  const restorePoints = useRestorePoints(jobId, job?.kind === 'cell');
  // The tab is in the URL's hash, so a tab can be linked to and survives a reload.
  const [tab, setTab] = useState<Tab>(tabOfHash);
  const [samples, setSamples] = useState<JobSample[]>([]);
  useEffect(() => {
    if (job?.status === 'running') setSamples((h) => appendSample(h, job, Date.now()));
  }, [job]);
  if (error && !job) return <div className="jobs-page error">{error}</div>;
  if (!job) return <div className="jobs-page">Loading…</div>;
  const open = (t: Tab) => {
    setTab(t);
    window.history.replaceState(null, '', `#${t}`);
  };
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
      <div className="job-tabs" role="tablist" aria-label="Job sections">
        {TABS.filter((t) => t !== 'workers' || job.scaleOutJob !== undefined).map((t) => (
          <button key={t} role="tab" aria-selected={tab === t} className={tab === t ? 'active' : undefined} data-testid={`job-tab-${t}`} onClick={() => open(t)}>
            {t}
            {t === 'exceptions' && job.exceptions.length > 0 ? ` (${job.exceptions.length})` : ''}
            {t === 'checkpoints' && job.checkpoints ? ` (${job.checkpoints.history.filter((h) => h.status === 'completed').length})` : ''}
          </button>
        ))}
      </div>
      {tab === 'overview' && (
        <div role="tabpanel">
          {job.status === 'running' && <JobRatesChart samples={samples} />}
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
            {timelineOf(job).map((e, i) => (
              <li key={i} data-kind={e.kind}>
                {e.kind === 'status' ? (
                  <span className={`status status-${e.status}`}>{e.status}</span>
                ) : e.kind === 'rebalance' ? (
                  <span className="status status-pending" data-testid="job-rebalance">
                    rebalance: generation {e.generation}, partitions [{e.partitions.join(', ')}]
                  </span>
                ) : e.kind === 'failed' ? (
                  <span className="status status-error" title={e.message}>
                    failed (attempt {e.attempt})
                  </span>
                ) : (
                  <span className="status status-pending">restarting (attempt {e.attempt})</span>
                )}{' '}
                <span className="muted">{formatTime(e.at)}</span>
              </li>
            ))}
            {job.resumed && <li className="muted">resumed after a server restart</li>}
          </ol>
          <JobOperators operators={job.operators} />
          {job.logs.length > 0 && (
            <>
              <h2>Log</h2>
              <pre className="job-log">{job.logs.join('\n')}</pre>
            </>
          )}
        </div>
      )}
      {tab === 'workers' && job.scaleOutJob !== undefined && (
        <div role="tabpanel">
          <JobWorkers jobId={job.jobId} />
        </div>
      )}
      {tab === 'checkpoints' && <div role="tabpanel">{job.checkpoints ? <JobCheckpoints checkpoints={job.checkpoints} /> : <p className="muted">This job does not checkpoint (call env.enableCheckpointing(ms)).</p>}</div>}
      {tab === 'exceptions' && (
        <div role="tabpanel">
          <JobExceptions exceptions={job.exceptions} />
        </div>
      )}
      {tab === 'configuration' && (
        <div role="tabpanel">
          <JobConfig config={job.config} />
        </div>
      )}
    </div>
  );
}
