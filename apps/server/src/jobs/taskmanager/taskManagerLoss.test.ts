import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, waitFor } from '../../testing.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
const headers = { authorization: 'token test-token', 'content-type': 'application/json' };
const api = (p: string, init: RequestInit = {}) => fetch(`${server.origin}/api/v1${p}`, { ...init, headers });

// Kills its TaskManager once it has run a second in a process: every attempt does, so the strategy gives up.
const KILLER = `import { StreamExecutionEnvironment, SalesGenerator, WatermarkStrategy, LiveSink, RestartStrategies } from '@flowbook/engine';
const env = StreamExecutionEnvironment.getExecutionEnvironment().enableCheckpointing(100);
env.setRestartStrategy(RestartStrategies.fixedDelayRestart(2, 50));
const started = Date.now();
env.fromSource(new SalesGenerator({ ratePerSecond: 2000, seed: 1 }), WatermarkStrategy.noWatermarks<string>(), 'sales')
  .map((l) => {
    if (Date.now() - started > 1000) process.kill(process.pid, 'SIGKILL');
    return { month: l.split(',')[1], n: 1 };
  })
  .keyBy((s) => s.month)
  .reduce((a, b) => ({ month: a.month, n: a.n + b.n }))
  .sinkTo(new LiveSink('counts'));
await env.execute('killer');`;

beforeAll(async () => {
  server = await startTestServer();
  const nb = { version: 1, title: 'Loss', cells: [{ id: 'killer', type: 'code', source: KILLER, charts: {} }] };
  await fetch(`${server.origin}/api/notebooks/loss`, { method: 'PUT', headers, body: JSON.stringify(nb) });
});
afterAll(async () => {
  await server.close();
});

describe('a job that keeps killing its TaskManager', () => {
  it('restarts from its latest checkpoint per its strategy, then ends FAILED with what happened', async () => {
    const { jobId } = await (await api('/jobs', { method: 'POST', body: JSON.stringify({ notebook: 'loss', cellId: 'killer' }) })).json();
    // After the first loss the job runs again in a new TaskManager, restored from a checkpoint.
    const restored = await waitFor(async () => (await api(`/jobs/${jobId}`)).json(), (j) => j.restarts >= 1 && j.checkpoints?.restoredFrom !== undefined && j.status === 'running', 15_000);
    expect(restored.checkpoints.restoredFrom).toBeGreaterThan(0);
    const job = await waitFor(async () => (await api(`/jobs/${jobId}`)).json(), (j) => j.status !== 'running', 20_000);
    expect(job.status).toBe('error');
    expect(job.restarts).toBe(2);
    expect(job.error).toMatch(/^TaskManager tm-\d+ \(pid \d+\) was killed by SIGKILL$/);
    expect(job.exceptions).toHaveLength(3);
    expect(job.logs.some((l: string) => /restart 1 in 50 ms from its latest checkpoint/.test(l))).toBe(true);
    // Each loss took a different process; the server itself is up.
    const pids = new Set(job.exceptions.map((e: { message: string }) => /pid (\d+)/.exec(e.message)![1]));
    expect(pids.size).toBe(3);
    expect(pids.has(String(process.pid))).toBe(false);
    expect((await api('/taskmanagers')).status).toBe(200);
  }, 40_000);
});
