import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { CellRun, JobManager } from '../jobs/JobManager.js';
import { waitFor, useTestServer } from '../testing.js';
import { createMetrics } from './metrics.js';

const server = useTestServer();
const auth = { authorization: 'token test-token', 'content-type': 'application/json' };
const api = (path: string, init: RequestInit = {}) => fetch(`${server.origin}/api/v1${path}`, { ...init, headers: auth });
const scrape = async () => (await fetch(`${server.origin}/metrics`, { headers: auth })).text();

/** A running pipeline with a window (watermarks) and a checkpoint interval, so every metric family has series. */
const graph = {
  version: 1,
  name: 'metrics test',
  config: { checkpointInterval: 200 },
  nodes: [
    { id: 'src', type: 'source', config: { connector: 'sales-generator', config: { ratePerSecond: 1000 }, watermarkStrategy: { kind: 'boundedOutOfOrderness', maxOutOfOrderness: 0, timestampAssigner: { code: '(l, ts) => Date.now()' } } } },
    { id: 'n', type: 'map', config: { fn: { code: '(l) => ({ month: l.split(",")[1], n: 1 })' } } },
    { id: 'out', type: 'sink', config: { connector: 'live', config: { name: 'rows' } } },
  ],
  edges: [
    { source: 'src', target: 'n' },
    { source: 'n', target: 'out' },
  ],
};

describe('/metrics', () => {
  it('passes promtool check metrics, with job_name labels, counters for counts and the watermark in seconds', async () => {
    const { jobId } = await (await api('/jobs', { method: 'POST', body: JSON.stringify({ graph }) })).json();
    const text = await waitFor(scrape, (t) => t.includes(`flowbook_operator_watermark_seconds{job_id="${jobId}"`) && t.includes('flowbook_job_checkpoints_completed_total{'), 30_000);
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(lint.error, 'promtool is installed (Debian package prometheus; scripts/ensure-system-deps.mjs)').toBeUndefined();
    expect(lint.stdout + lint.stderr).toBe('');
    expect(lint.status).toBe(0);
    // Prometheus stores a `job` label of the target as exported_job: ours is job_name.
    expect(text).toMatch(new RegExp(`flowbook_operator_records_in_total\\{job_id="${jobId}",job_name="metrics test",operator="src"`));
    expect(text).not.toMatch(/[{,]job="/);
    const wm = Number(text.split('\n').find((l) => l.startsWith(`flowbook_operator_watermark_seconds{job_id="${jobId}",job_name="metrics test",operator="src"`))!.split(' ').at(-1));
    expect(Math.abs(wm - Date.now() / 1000)).toBeLessThan(60);
    await api(`/jobs/${jobId}/cancel`, { method: 'POST' });
  }, 60_000);
});

describe('series of ended jobs', () => {
  it('keeps an ended job\'s counters for the grace period, then drops them; gauges only while running', async () => {
    const op = { nodeId: 'src', type: 'source', recordsIn: 5, recordsOut: 5, lateRecordsDropped: null, deadLetters: 0, watermark: 2_000, stateEntries: null };
    const run = (jobId: string, status: CellRun['status'], finishedAgoMs?: number) =>
      ({ jobId, jobName: jobId, status, restarts: 0, resultMessages: 0, resultRows: 0, operators: [op], ...(finishedAgoMs !== undefined ? { finishedAt: Date.now() - finishedAgoMs } : {}) }) as unknown as CellRun;
    const runs = [run('live', 'running'), run('just-ended', 'finished', 1_000), run('long-ended', 'cancelled', 120_000)];
    const jobs = { allJobs: () => runs, taskManagers: { list: () => [] } } as unknown as JobManager;
    const text = await createMetrics(jobs, { clients: () => 0 }, 60_000).metrics();
    const series = (name: string) => text.split('\n').filter((l) => l.startsWith(`${name}{`)).map((l) => /job_id="([^"]+)"/.exec(l)![1]);
    expect(series('flowbook_operator_records_in_total')).toEqual(['live', 'just-ended']);
    expect(series('flowbook_job_restarts_total')).toEqual(['live', 'just-ended']);
    expect(series('flowbook_operator_watermark_seconds')).toEqual(['live']);
    expect(text).toContain('flowbook_operator_watermark_seconds{job_id="live",job_name="live",operator="src",operator_type="source"} 2');
  });
});
