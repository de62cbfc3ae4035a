import type { JobDetail } from '@flowbook/protocol';
import { formatDuration, formatTime } from './format.js';

/** The job's facts: id, cell, start, uptime, restarts. */
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
    </>
  );
}
