import { useEffect, useState } from 'react';
import { JobDetail, JobList, JobWorkers, RestorePoints, TaskManagerList } from '@flowbook/protocol';

/** Polls a JSON endpoint of the REST API every `intervalMs`, validating it with its schema. */
function usePolled<T>(url: string | undefined, parse: (raw: unknown) => T, intervalMs = 1000): { data?: T; error?: string; refresh(): void } {
  const [state, setState] = useState<{ data?: T; error?: string }>({});
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!url) return;
    let stopped = false;
    const load = async () => {
      try {
        const r = await fetch(url, { credentials: 'same-origin' });
        const body = await r.json();
        if (stopped) return;
        if (!r.ok) setState({ error: body.error ?? `HTTP ${r.status}` });
        else setState({ data: parse(body) });
      } catch (e) {
        if (!stopped) setState((s) => ({ ...s, error: (e as Error).message }));
      }
    };
    void load();
    const t = setInterval(load, intervalMs);
    return () => {
      stopped = true;
      clearInterval(t);
    };
  }, [url, intervalMs, tick]);
  return { ...state, refresh: () => setTick((n) => n + 1) };
}

export const useJobs = () => usePolled('/api/v1/jobs', (raw) => JobList.parse(raw));
export const useTaskManagers = () => usePolled('/api/v1/taskmanagers', (raw) => TaskManagerList.parse(raw));
export const useJob = (id: string) => usePolled(`/api/v1/jobs/${encodeURIComponent(id)}`, (raw) => JobDetail.parse(raw));
/** A scale-out worker's group: every 2 s (each poll asks Kafka and PostgreSQL). */
export const useJobWorkers = (id: string) => usePolled(`/api/v1/jobs/${encodeURIComponent(id)}/workers`, (raw) => JobWorkers.parse(raw), 2000);

export async function cancelJob(id: string): Promise<string | undefined> {
  const r = await fetch(`/api/v1/jobs/${encodeURIComponent(id)}/cancel`, { method: 'POST', credentials: 'same-origin' });
  if (r.ok) return undefined;
  return (await r.json()).error ?? `HTTP ${r.status}`;
}

/** Takes a savepoint (stop: stop the job after it; drain: fire every window first); resolves with where it was written, or the error. */
export async function takeSavepoint(id: string, stop: boolean, drain = false): Promise<{ path?: string; error?: string }> {
  const r = await fetch(`/api/v1/jobs/${encodeURIComponent(id)}/savepoints`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ stop, drain }),
  });
  const body = await r.json();
  return r.ok ? { path: body.path } : { error: body.error ?? `HTTP ${r.status}` };
}

export const useRestorePoints = (id: string, enabled: boolean) =>
  usePolled(enabled ? `/api/v1/jobs/${encodeURIComponent(id)}/restore-points` : undefined, (raw) => RestorePoints.parse(raw), 5000);

/** Runs a cell job again from a restore point ('latest', a checkpoint or savepoint name, or 'none'); resolves with the new job id. */
export async function restartJob(id: string, from: string): Promise<{ jobId?: string; error?: string }> {
  const r = await fetch(`/api/v1/jobs/${encodeURIComponent(id)}/restart`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from }),
  });
  const body = await r.json();
  return r.ok ? { jobId: body.jobId } : { error: body.error ?? `HTTP ${r.status}` };
}

/** Runs a notebook cell as one more worker of the scale-out job `job` (the server's checkpoints must be PostgreSQL). */
export async function runAsScaleOutWorker(notebook: string, cellId: string, job: string): Promise<{ jobId?: string; error?: string }> {
  const r = await fetch('/api/v1/jobs', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ notebook, cellId, scaleOutJob: job }),
  });
  const body = await r.json();
  return r.ok ? { jobId: body.jobId } : { error: body.error ?? `HTTP ${r.status}` };
}
