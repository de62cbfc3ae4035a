import type { JobDetail } from '@flowbook/protocol';
import { CheckpointChart } from './CheckpointChart.js';
import { formatTime } from './format.js';

/** The job's checkpoints: counts, a chart of durations and sizes, the last ten. */
export function JobCheckpoints({ checkpoints }: { checkpoints: NonNullable<JobDetail['checkpoints']> }) {
  return (
    <>
      <h2>
        Checkpoints{' '}
        <span className="muted">
          {checkpoints.history.filter((h) => h.status === 'completed').length} completed, {checkpoints.declined} declined
          {checkpoints.restoredFrom !== undefined ? `, restored from checkpoint ${checkpoints.restoredFrom}` : ''}
        </span>
      </h2>
      {checkpoints.history.length > 1 && <CheckpointChart history={checkpoints.history} />}
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
          {[...checkpoints.history].reverse().slice(0, 10).map((h) => (
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
  );
}
