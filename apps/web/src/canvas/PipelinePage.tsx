import { useEffect, useState } from 'react';
import type { OperatorMetrics } from '@flowbook/protocol';
import { cancelJob } from '../jobs/useJobsApi.js';
import { useEdgeRates } from './edgeRates.js';
import { fetchJob, submitPipeline } from './deploy.js';
import type { PipelineGraph } from './engine.js';
import { EMPTY_GRAPH } from './graphOps.js';
import { PipelineCanvas } from './PipelineCanvas.js';
import { PipelineResults } from './PipelineResults.js';
import { loadScratch, saveScratch } from './scratch.js';

interface JobView {
  jobId: string;
  status: string;
  operators: OperatorMetrics[];
  error?: string;
  busy?: number;
}

const ENDED = new Set(['finished', 'error', 'failed', 'cancelled']);

/** `/pipeline`: a scratch pipeline editor (kept in localStorage) that deploys through the REST API. */
export function PipelinePage({ navigate }: { navigate?: (path: string) => void }) {
  const [graph, setGraph] = useState<PipelineGraph>(loadScratch);
  const [job, setJob] = useState<JobView>();
  const [error, setError] = useState<string>();
  const running = job !== undefined && !ENDED.has(job.status);

  const change = (g: PipelineGraph) => {
    setGraph(g);
    saveScratch(g);
  };

  const deploy = async (g: PipelineGraph) => {
    setError(undefined);
    const r = await submitPipeline(g, g.name?.trim() || 'Scratch pipeline');
    if ('error' in r) return setError(r.error);
    setJob({ jobId: r.jobId, status: 'pending', operators: [] });
  };

  const stop = async () => {
    if (!job) return;
    const err = await cancelJob(job.jobId);
    if (err) setError(err);
  };

  // The running job's status and per-operator metrics, polled: the canvas draws them on the nodes.
  const jobId = job?.jobId;
  const edgeRates = useEdgeRates(job?.status === 'running' ? job.operators : undefined);
  useEffect(() => {
    if (!jobId) return;
    let stopped = false;
    const poll = async () => {
      const d = await fetchJob(jobId).catch(() => undefined);
      if (stopped || !d) return;
      setJob({ jobId, status: d.status, operators: d.operators, ...(d.error ? { error: d.error } : {}), ...(d.busy !== undefined ? { busy: d.busy } : {}) });
      if (ENDED.has(d.status)) clearInterval(timer);
    };
    const timer = setInterval(poll, 1000);
    void poll();
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [jobId]);

  const link = (to: string, text: string) => (
    <a href={to} onClick={(e) => navigate && (e.preventDefault(), navigate(to))}>
      {text}
    </a>
  );
  return (
    <div className="pipeline-page" data-testid="pipeline-page">
      <div className="pipeline-page-header">
        <h1>Pipeline</h1>
        <input type="text" value={graph.name ?? ''} placeholder="Pipeline name" onChange={(e) => change({ ...graph, name: e.target.value || undefined })} data-testid="pipeline-name" />
        <button
          onClick={() => graph.nodes.length > 0 && window.confirm('Clear the scratch pipeline?') && change(EMPTY_GRAPH)}
          disabled={graph.nodes.length === 0}
        >
          Clear
        </button>
        <span className="spacer" />
        {job && (
          <span className="pipeline-job" data-testid="pipeline-job">
            Job {link(`/jobs/${job.jobId}`, job.jobId.slice(0, 8))}:{' '}
            <span className={`status status-${job.status}`} data-testid="pipeline-job-status">
              {job.status}
            </span>
            {job.error && <span className="error"> {job.error}</span>}
          </span>
        )}
        {error && (
          <span className="error" data-testid="pipeline-error">
            {error}
          </span>
        )}
      </div>
      <PipelineCanvas
        graph={graph}
        onChange={change}
        metrics={job?.operators}
        {...(edgeRates ? { edgeRates } : {})}
        {...(running && job?.busy !== undefined ? { busy: job.busy } : {})}
        onDeploy={running ? undefined : (g) => void deploy(g)}
        onStop={running ? () => void stop() : undefined}
      />
      {job && <PipelineResults jobId={job.jobId} running={running} />}
    </div>
  );
}
