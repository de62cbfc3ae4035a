import type { JobDetail } from '@flowbook/protocol';
import { formatDuration, formatTime } from './format.js';

/** The job's facts (id, cell, start, uptime, restarts) and its configuration. */
export function JobFacts({ job, navigate }: { job: JobDetail; navigate(path: string): void }) {
  return (
    <>
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
    </>
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
