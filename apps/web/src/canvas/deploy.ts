import { ApiError, JobDetail, Submitted } from '@flowbook/protocol';
import type { PipelineGraph } from './engine.js';

/** Runs a pipeline graph as a job (`POST /api/v1/jobs` with the graph; the server validates it again). */
export async function submitPipeline(graph: PipelineGraph, name: string | undefined): Promise<{ jobId: string } | { error: string }> {
  const r = await fetch('/api/v1/jobs', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ graph, ...(name ? { name } : {}) }),
  });
  const body: unknown = await r.json().catch(() => ({}));
  if (r.ok) return Submitted.parse(body);
  const err = ApiError.safeParse(body);
  return { error: err.success ? err.data.error : `HTTP ${r.status}` };
}

export async function fetchJob(jobId: string): Promise<JobDetail | undefined> {
  const r = await fetch(`/api/v1/jobs/${encodeURIComponent(jobId)}`, { credentials: 'same-origin' });
  return r.ok ? JobDetail.parse(await r.json()) : undefined;
}
