import type { JobWorkers as JobWorkersData } from '@flowbook/protocol';
import { formatTime } from './format.js';
import { useJobWorkers } from './useJobsApi.js';

/** Members of one host share a client id: the end of the member id tells them apart. */
const memberLabel = (w: { clientId: string; memberId: string }) => `${w.clientId} …${w.memberId.slice(-6)}`;

const range = (r: { start: number; end: number }) => (r.start === r.end ? `${r.start}` : `${r.start}–${r.end}`);

/** The workers of the scale-out job this job is one of: who owns which partitions and key groups, and their checkpoints. */
export function JobWorkers({ jobId }: { jobId: string }) {
  const { data, error } = useJobWorkers(jobId);
  if (!data) return <p className={error ? 'error' : 'muted'}>{error ?? 'Asking Kafka for the group…'}</p>;
  return <WorkersTables workers={data} />;
}

export function WorkersTables({ workers }: { workers: JobWorkersData }) {
  const keyGroups = new Map(workers.partitions.map((p) => [p.partition, p.keyGroups]));
  return (
    <>
      <h2>
        Workers of job {workers.job}{' '}
        <span className="muted">
          group {workers.group} ({workers.state}), topic {workers.topic}
        </span>
      </h2>
      <table className="jobs-table" data-testid="job-workers">
        <thead>
          <tr>
            <th>Member</th>
            <th>Host</th>
            <th>Partitions</th>
            <th>Key groups</th>
          </tr>
        </thead>
        <tbody>
          {workers.workers.map((w) => (
            <tr key={w.memberId} data-testid="job-worker">
              <td title={w.memberId}>
                {memberLabel(w)} {w.self && <span className="muted">(this server)</span>}
              </td>
              <td>{w.clientHost}</td>
              <td data-testid="job-worker-partitions">{w.partitions.join(', ') || '—'}</td>
              <td>{w.partitions.map((p) => (keyGroups.has(p) ? range(keyGroups.get(p)!) : '?')).join(', ') || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Partitions</h2>
      <table className="jobs-table" data-testid="job-worker-partitions-table">
        <thead>
          <tr>
            <th>Partition</th>
            <th>Key groups</th>
            <th>Owner</th>
            <th>Latest checkpoint</th>
          </tr>
        </thead>
        <tbody>
          {workers.partitions.map((p) => (
            <tr key={p.partition}>
              <td>{p.partition}</td>
              <td>{range(p.keyGroups)}</td>
              <td title={p.owner ?? undefined}>{p.owner === null ? <span className="muted">unassigned</span> : memberLabel(workers.workers.find((w) => w.memberId === p.owner) ?? { clientId: '', memberId: p.owner })}</td>
              <td>{p.checkpoint === null ? <span className="muted">none yet</span> : `${p.checkpoint.id} at ${formatTime(p.checkpoint.timestamp)}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
