import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, waitFor } from '../../testing.js';

// A TaskManager that stops answering (here: stopped with SIGSTOP, as a machine swapping or a hung process would) is
// found by its missing heartbeats, killed, and its jobs fail with why.
let server: Awaited<ReturnType<typeof startTestServer>>;
const headers = { authorization: 'token test-token', 'content-type': 'application/json' };
const api = (p: string, init: RequestInit = {}) => fetch(`${server.origin}/api/v1${p}`, { ...init, headers });

const ENDLESS = `import { StreamExecutionEnvironment, SalesGenerator, WatermarkStrategy, LiveSink } from '@flowbook/engine';
const env = StreamExecutionEnvironment.getExecutionEnvironment();
env.fromSource(new SalesGenerator({ ratePerSecond: 200 }), WatermarkStrategy.noWatermarks<string>(), 'sales').sinkTo(new LiveSink('out'));
await env.execute('endless');`;

beforeAll(async () => {
  server = await startTestServer({ taskManagers: { slots: 2, max: 2, memoryMb: 512, heartbeatTimeoutMs: 2000, idleMs: 60_000 } });
  const nb = { version: 1, title: 'HB', cells: [{ id: 'a', type: 'code', source: ENDLESS, charts: {} }] };
  await fetch(`${server.origin}/api/notebooks/hb`, { method: 'PUT', headers, body: JSON.stringify(nb) });
});
afterAll(async () => {
  await server.close();
});

describe('TaskManager heartbeats', () => {
  it('a TaskManager silent past the timeout is killed and its job fails saying so', async () => {
    const { jobId } = await (await api('/jobs', { method: 'POST', body: JSON.stringify({ notebook: 'hb', cellId: 'a' }) })).json();
    await waitFor(async () => (await api(`/jobs/${jobId}`)).json(), (j) => j.recordsIn > 0);
    const tm = server.jobs.taskManagers.taskManagerOf(jobId)!;
    process.kill(tm.pid!, 'SIGSTOP');
    const job = await waitFor(async () => (await api(`/jobs/${jobId}`)).json(), (j) => j.status !== 'running', 15_000);
    expect(job.status).toBe('error');
    expect(job.error).toMatch(new RegExp(`^TaskManager ${tm.id} \\(pid ${tm.pid}\\) missed its heartbeats for [2-9] s$`));
    expect(tm.exited).toBe(true);
  }, 30_000);
});
