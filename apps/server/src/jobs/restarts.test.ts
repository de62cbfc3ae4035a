import { beforeAll, describe, expect, it } from 'vitest';
import { waitFor, useTestServer } from '../testing.js';

const server = useTestServer();
const headers = { authorization: 'token test-token', 'content-type': 'application/json' };
const api = (p: string, init: RequestInit = {}) => fetch(`${server.origin}/api/v1${p}`, { ...init, headers });

// Fails twice, once a checkpoint exists (a flaky dependency, its state outside the job), then runs on.
const FLAKY = `import { StreamExecutionEnvironment, SalesGenerator, WatermarkStrategy, LiveSink, RestartStrategies } from '@flowbook/engine';
const env = StreamExecutionEnvironment.getExecutionEnvironment().enableCheckpointing(100);
env.setRestartStrategy(RestartStrategies.fixedDelayRestart(3, 50));
const g = globalThis as { failures?: number; started?: number };
g.started ??= Date.now();
env.fromSource(new SalesGenerator({ ratePerSecond: 2000, count: 6000, seed: 3 }), WatermarkStrategy.noWatermarks<string>(), 'sales')
  .map((l) => {
    if ((g.failures ?? 0) < 2 && Date.now() - g.started! > 600 * ((g.failures ?? 0) + 1)) {
      g.failures = (g.failures ?? 0) + 1;
      throw new Error('flaky service down #' + g.failures);
    }
    return { month: l.split(',')[1], n: 1 };
  })
  .keyBy((s) => s.month)
  .reduce((a, b) => ({ month: a.month, n: a.n + b.n }))
  .sinkTo(new LiveSink('counts'));
await env.execute('flaky');`;

const ALWAYS = `import { StreamExecutionEnvironment, WatermarkStrategy, LiveSink, RestartStrategies } from '@flowbook/engine';
const env = StreamExecutionEnvironment.getExecutionEnvironment();
env.setRestartStrategy(RestartStrategies.fixedDelayRestart(2, 10));
env.fromElements(1, 2, 3)
  .map((x) => {
    if (x === 2) throw new Error('bad record ' + x);
    return x;
  })
  .sinkTo(new LiveSink('out'));
await env.execute('always');`;

beforeAll(async () => {
  const nb = {
    version: 1,
    title: 'Restarts',
    cells: [
      { id: 'flaky', type: 'code', source: FLAKY, charts: {} },
      { id: 'always', type: 'code', source: ALWAYS, charts: {} },
    ],
  };
  await fetch(`${server.origin}/api/notebooks/restarts`, { method: 'PUT', headers, body: JSON.stringify(nb) });
});

describe('restart strategies in the server', () => {
  it('a failing job restarts from its latest checkpoint, finishes with exact counts, and shows attempts and errors', async () => {
    const { jobId } = await (await api('/jobs', { method: 'POST', body: JSON.stringify({ notebook: 'restarts', cellId: 'flaky' }) })).json();
    const job = await waitFor(async () => (await api(`/jobs/${jobId}`)).json(), (j) => j.status !== 'running' && j.status !== 'pending', 30_000);
    expect(job.status).toBe('finished');
    expect(job.restarts).toBe(2);
    expect(job.exceptions.map((e: { message: string }) => e.message)).toEqual(['flaky service down #1', 'flaky service down #2']);
    // The error points at the cell's own line (the throw is on line 10 of the cell).
    expect(job.exceptions[0].line).toBe(10);
    expect(job.config).toMatchObject({ parallelism: 1, checkpointInterval: 100, restartStrategy: { type: 'fixed-delay', attempts: 3, delayMs: 50 } });
    expect(job.logs.some((l: string) => /restart 1 in 50 ms from checkpoint \d+/.test(l))).toBe(true);
    // Exactly-once state across both restarts: the per-month counts add up to the 6,000 generated records.
    const saved = await waitFor(
      async () => ((await (await fetch(`${server.origin}/api/notebooks/restarts`, { headers })).json()) as { notebook: { cells: { id: string; outputs?: { results: Record<string, { rows: unknown[] }> } }[] } }).notebook,
      (nb) => nb.cells.find((c) => c.id === 'flaky')?.outputs !== undefined,
    );
    const rows = saved.cells.find((c) => c.id === 'flaky')!.outputs!.results.counts!.rows;
    const finalByMonth = new Map<string, number>();
    for (const r of rows as { month: string; n: number }[]) finalByMonth.set(r.month, r.n);
    expect([...finalByMonth.values()].reduce((a, b) => a + b, 0)).toBe(6000);
    const metrics = await (await fetch(`${server.origin}/metrics`, { headers })).text();
    expect(metrics).toMatch(new RegExp(`flowbook_job_restarts_total\\{job_id="${jobId}",job_name="flaky"\\} 2`));
  }, 40_000);

  it('gives up after the strategy\'s attempts: the cell ends in error with the last failure', async () => {
    const { jobId } = await (await api('/jobs', { method: 'POST', body: JSON.stringify({ notebook: 'restarts', cellId: 'always' }) })).json();
    const job = await waitFor(async () => (await api(`/jobs/${jobId}`)).json(), (j) => j.status === 'error');
    expect(job.restarts).toBe(2);
    expect(job.error).toBe('bad record 2');
    expect(job.exceptions).toHaveLength(3);
    const list = await (await api('/jobs')).json();
    expect(list.jobs.find((j: { jobId: string }) => j.jobId === jobId).restarts).toBe(2);
  });
});
