import { useMemo, useRef, useState } from 'react';
import type { JobSummary } from '@flowbook/protocol';
import { formatBytes, formatCount, formatDuration, formatTime } from './format.js';
import { formatRate, ratesBetween, type CounterSample, type Rates } from './rates.js';
import { useJobs } from './useJobsApi.js';
import { AppLink } from '../AppLink.js';

type SortKey = 'startedAt' | 'name' | 'status' | 'recordsIn' | 'durationMs' | 'restarts';

/** Overview of every job, like Flink's dashboard: status, notebook and cell, uptime, throughput; filter and sort. */
export function JobsPage({ navigate }: { navigate: (path: string) => void }) {
  const { data, error } = useJobs();
  // Throughput from consecutive polls of each job's cumulative counters.
  const samples = useRef(new Map<string, { prev?: CounterSample; cur?: CounterSample }>());
  const rates = useMemo(() => {
    const out = new Map<string, Rates>();
    const now = Date.now();
    for (const j of data?.jobs ?? []) {
      const s = samples.current.get(j.jobId) ?? {};
      s.prev = s.cur;
      s.cur = { at: now, recordsIn: j.recordsIn, recordsOut: j.recordsOut };
      samples.current.set(j.jobId, s);
      const r = j.status === 'running' && s.cur ? ratesBetween(s.prev, s.cur) : undefined;
      if (r) out.set(j.jobId, r);
    }
    return out;
  }, [data]);
  const [filter, setFilter] = useState('');
  const [status, setStatus] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'startedAt', desc: true });
  const jobs = useMemo(() => {
    const q = filter.toLowerCase();
    const list = (data?.jobs ?? []).filter(
      (j) => (!status || j.status === status) && (!q || `${j.name} ${j.notebook ?? ''} ${j.cellId ?? ''}`.toLowerCase().includes(q)),
    );
    const dir = sort.desc ? -1 : 1;
    return [...list].sort((a, b) => (a[sort.key] < b[sort.key] ? -dir : a[sort.key] > b[sort.key] ? dir : 0));
  }, [data, filter, status, sort]);
  const header = (key: SortKey, label: string) => (
    <th onClick={() => setSort((s) => ({ key, desc: s.key === key ? !s.desc : true }))} className="sortable">
      {label}
      {sort.key === key ? (sort.desc ? ' ▾' : ' ▴') : ''}
    </th>
  );
  return (
    <div className="jobs-page" data-testid="jobs-page">
      <h1>Jobs</h1>
      <div className="jobs-toolbar">
        <input placeholder="Filter by name, notebook or cell" value={filter} onChange={(e) => setFilter(e.target.value)} />
        <select value={status} onChange={(e) => setStatus(e.target.value)} aria-label="Status">
          <option value="">All statuses</option>
          {['running', 'finished', 'error', 'cancelled'].map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        {error && <span className="error">{error}</span>}
      </div>
      <table className="jobs-table">
        <thead>
          <tr>
            {header('name', 'Job')}
            <th>Notebook / cell</th>
            {header('status', 'Status')}
            {header('startedAt', 'Started')}
            {header('durationMs', 'Uptime')}
            {header('recordsIn', 'Records in')}
            <th>In/s</th>
            <th>Records out</th>
            <th>Out/s</th>
            <th title="Share of the last second the job's thread was busy; near 100 % its sources are held back">Busy</th>
            <th>Watermark lag</th>
            <th>Last checkpoint</th>
            {header('restarts', 'Restarts')}
            <th>Late dropped</th>
            <th>Dead letters</th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((j: JobSummary) => (
            // The name is a real link (new tab, keyboard); the rest of the row is a click target too.
            <tr key={j.jobId} data-testid={`job-row-${j.jobId}`} onClick={(e) => (e.target as HTMLElement).closest('a') === null && navigate(`/jobs/${j.jobId}`)} className="clickable">
              <td>
                <AppLink to={`/jobs/${j.jobId}`} navigate={navigate} data-testid={`job-link-${j.jobId}`}>
                  {j.name}
                </AppLink>
              </td>
              <td>{j.notebook ? `${j.notebook} / ${j.cellId}` : '—'}</td>
              <td>
                <span className={`status status-${j.status}`}>{j.status}</span>
              </td>
              <td>{formatTime(j.startedAt)}</td>
              <td>{formatDuration(j.durationMs)}</td>
              <td data-testid={`job-records-in-${j.jobId}`}>{formatCount(j.recordsIn)}</td>
              <td data-testid={`job-in-rate-${j.jobId}`}>{formatRate(rates.get(j.jobId)?.inPerSecond)}</td>
              <td>{formatCount(j.recordsOut)}</td>
              <td>{formatRate(rates.get(j.jobId)?.outPerSecond)}</td>
              <td className={j.busy !== undefined && j.busy >= 0.8 ? 'warn' : undefined}>{j.busy !== undefined ? `${Math.round(j.busy * 100)} %` : '—'}</td>
              <td title="Event time behind the wall clock at the sinks; then how long ago their watermark last advanced (processing delay)" data-testid={`job-wm-${j.jobId}`}>
                {j.watermarkLagMs !== undefined ? `event time ${formatDuration(j.watermarkLagMs)} behind` : '—'}
                {j.watermarkIdleMs !== undefined ? ` · advanced ${formatDuration(j.watermarkIdleMs)} ago` : ''}
              </td>
              <td title={j.lastCheckpoint ? `checkpoint ${j.lastCheckpoint.id}` : undefined}>
                {j.lastCheckpoint
                  ? `${formatDuration(Date.now() - j.lastCheckpoint.completedAt)} ago · ${j.lastCheckpoint.durationMs} ms · ${formatBytes(j.lastCheckpoint.sizeBytes)}`
                  : '—'}
              </td>
              <td className={j.restarts > 0 ? 'warn' : undefined}>{j.restarts}</td>
              <td>{j.lateRecordsDropped}</td>
              <td>{j.deadLetters}</td>
            </tr>
          ))}
          {jobs.length === 0 && (
            <tr>
              <td colSpan={15} className="empty">
                No jobs yet. Run a code cell in a notebook.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
