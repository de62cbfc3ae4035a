import { formatBytes, formatDuration } from '../jobs/format.js';
import { useTaskManagers } from '../jobs/useJobsApi.js';

/** The TaskManager processes jobs run in, like Flink's TaskManagers view: slots, memory, CPU, uptime, jobs; polled every second. */
export function TaskManagersPage({ navigate }: { navigate: (path: string) => void }) {
  const { data, error } = useTaskManagers();
  const tms = data?.taskManagers ?? [];
  return (
    <div className="jobs-page" data-testid="taskmanagers-page">
      <h1>TaskManagers</h1>
      {error && <p className="error">{error}</p>}
      {data && tms.length === 0 && <p className="muted">No TaskManager is running: one starts with the first job.</p>}
      <table className="jobs-table">
        <thead>
          <tr>
            <th>TaskManager</th>
            <th>PID</th>
            <th>Slots used / total</th>
            <th>Free</th>
            <th>Memory (RSS / limit)</th>
            <th>Heap</th>
            <th>CPU</th>
            <th>Uptime</th>
            <th>Jobs</th>
          </tr>
        </thead>
        <tbody>
          {tms.map((t) => (
            <tr key={t.id} data-testid="taskmanager-row">
              <td>{t.id}</td>
              <td>{t.pid}</td>
              <td>
                {t.slotsUsed} / {t.slots}
                {t.oversubscribed && <span className="error" title="Every TaskManager was full: jobs share slots"> over-subscribed</span>}
              </td>
              <td>{t.slotsFree}</td>
              <td>
                {formatBytes(t.rssBytes)} / {formatBytes(t.memoryLimitBytes)}
              </td>
              <td>{formatBytes(t.heapUsedBytes)}</td>
              <td>{t.cpuPercent.toFixed(0)}%</td>
              <td>{formatDuration(t.uptimeMs)}</td>
              <td>
                {t.jobs.map((j) => (
                  <a key={j.jobId} href={`/jobs/${j.jobId}`} onClick={(e) => (e.preventDefault(), navigate(`/jobs/${j.jobId}`))} title={`${j.slots} slot(s), worker heap ${j.workerHeapLimitMb} MiB`}>
                    {j.jobId.slice(0, 8)}{' '}
                  </a>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
