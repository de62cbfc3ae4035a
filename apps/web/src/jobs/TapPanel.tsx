import { useEffect, useMemo, useRef, useState } from 'react';
import { TapRecords } from '@flowbook/protocol';
import { formatTime } from './format.js';

type Rec = TapRecords['records'][number];

/**
 * A node's live data tap (Node-RED's debug sidebar for any operator of a running job): its last N records with event
 * time and the watermark at that moment, refreshed every second; pausable and searchable.
 */
export function TapPanel({ jobId, nodeId, label, onClose }: { jobId: string; nodeId: string; label: string; onClose(): void }) {
  const [capacity, setCapacity] = useState(100);
  const [paused, setPaused] = useState(false);
  const [query, setQuery] = useState('');
  const [records, setRecords] = useState<Rec[]>([]);
  const [seen, setSeen] = useState(0);
  const [error, setError] = useState<string>();
  const lastSeq = useRef(-1);

  useEffect(() => {
    lastSeq.current = -1;
    setRecords([]);
  }, [jobId, nodeId, capacity]);

  useEffect(() => {
    if (paused) return;
    let stopped = false;
    const poll = async () => {
      try {
        const r = await fetch(`/api/v1/jobs/${encodeURIComponent(jobId)}/taps/${encodeURIComponent(nodeId)}?n=${capacity}&after=${lastSeq.current}`, { credentials: 'same-origin' });
        const body = await r.json();
        if (stopped) return;
        if (!r.ok) return setError(body.error ?? `HTTP ${r.status}`);
        const tap = TapRecords.parse(body);
        setError(undefined);
        setSeen(tap.seq);
        if (tap.records.length > 0) {
          lastSeq.current = tap.records.at(-1)!.seq;
          setRecords((prev) => [...prev, ...tap.records].slice(-capacity));
        }
      } catch (e) {
        if (!stopped) setError((e as Error).message);
      }
    };
    void poll();
    const t = setInterval(poll, 1000);
    return () => {
      stopped = true;
      clearInterval(t);
    };
  }, [jobId, nodeId, capacity, paused]);

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    const list = q ? records.filter((r) => JSON.stringify(r.value).toLowerCase().includes(q) || (r.tag ?? '').includes(q)) : records;
    return [...list].reverse();
  }, [records, query]);

  return (
    <section className="tap-panel" data-testid="tap-panel">
      <header>
        <h2>
          Data tap: {label} <span className="muted">{seen} records seen</span>
        </h2>
        <input placeholder="Search records" value={query} onChange={(e) => setQuery(e.target.value)} data-testid="tap-search" />
        <label>
          last{' '}
          <select value={capacity} onChange={(e) => setCapacity(Number(e.target.value))}>
            {[20, 100, 500, 1000].map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <button onClick={() => setPaused((p) => !p)} data-testid="tap-pause">
          {paused ? 'Resume' : 'Pause'}
        </button>
        <button onClick={onClose}>Close</button>
      </header>
      {error && <p className="error">{error}</p>}
      <div className="tap-scroll">
      <table className="jobs-table tap-table" data-testid="tap-records">
        <thead>
          <tr>
            <th>#</th>
            <th>Seen at</th>
            <th>Event time</th>
            <th>Watermark</th>
            <th>Record</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr key={r.seq} className={r.tag ? `tap-${r.tag}` : undefined}>
              <td>{r.seq}</td>
              <td>{formatTime(r.at)}</td>
              <td>{r.timestamp !== null ? new Date(r.timestamp).toISOString() : '—'}</td>
              <td>{r.watermark !== null ? new Date(r.watermark).toISOString() : '—'}</td>
              <td>
                {r.tag && <span className="status status-error">{r.tag}</span>} <code>{typeof r.value === 'string' ? r.value : JSON.stringify(r.value)}</code>
              </td>
            </tr>
          ))}
          {shown.length === 0 && (
            <tr>
              <td colSpan={5} className="empty">
                {paused ? 'Paused.' : 'Waiting for records…'}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      </div>
    </section>
  );
}
