import type { TaskManagerInfo } from '@flowbook/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, waitFor } from '../../testing.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
const headers = { authorization: 'token test-token', 'content-type': 'application/json' };
const api = (p: string, init: RequestInit = {}) => fetch(`${server.origin}/api/v1${p}`, { ...init, headers });
const list = async () => ((await (await api('/taskmanagers')).json()) as { taskManagers: TaskManagerInfo[] }).taskManagers;

const ENDLESS = `import { StreamExecutionEnvironment, SalesGenerator, WatermarkStrategy, LiveSink } from '@flowbook/engine';
const env = StreamExecutionEnvironment.getExecutionEnvironment();
env.fromSource(new SalesGenerator({ ratePerSecond: 200 }), WatermarkStrategy.noWatermarks<string>(), 'sales').sinkTo(new LiveSink('out'));
await env.execute('endless');`;

beforeAll(async () => {
  // One slot per TaskManager and at most two: the third job over-subscribes one of them.
  server = await startTestServer({ taskManagers: { slots: 1, max: 2, memoryMb: 512, heartbeatTimeoutMs: 10_000, idleMs: 60_000 } });
  const nb = { version: 1, title: 'TMs', cells: ['a', 'b', 'c'].map((id) => ({ id, type: 'code', source: ENDLESS, charts: {} })) };
  await fetch(`${server.origin}/api/notebooks/tms`, { method: 'PUT', headers, body: JSON.stringify(nb) });
});
afterAll(async () => {
  await server.close();
});

describe('GET /api/v1/taskmanagers', () => {
  it('lists the processes with their slots, memory, CPU and jobs; a job goes where slots are free', async () => {
    const run = async (cellId: string) => (await (await api('/jobs', { method: 'POST', body: JSON.stringify({ notebook: 'tms', cellId }) })).json()).jobId as string;
    const a = await run('a');
    const first = await waitFor(list, (l) => l.length === 1 && l[0]!.rssBytes > 0 && l[0]!.jobs.length === 1);
    expect(first[0]).toMatchObject({ id: 'tm-1', slots: 1, slotsUsed: 1, slotsFree: 0, oversubscribed: false, memoryLimitBytes: 512 * 1024 * 1024, jobs: [{ jobId: a, slots: 1 }] });
    expect(first[0]!.pid).not.toBe(process.pid);
    expect((await (await api(`/jobs/${a}`)).json()).taskManager).toBe('tm-1');
    const b = await run('b');
    const two = await waitFor(list, (l) => l.length === 2);
    expect(two.find((t) => t.id === 'tm-2')!.jobs.map((j) => j.jobId)).toEqual([b]);
    const c = await run('c');
    const over = await waitFor(list, (l) => l.some((t) => t.oversubscribed));
    expect(over).toHaveLength(2);
    expect(over.find((t) => t.oversubscribed)!.jobs.map((j) => j.jobId)).toContain(c);
    // The same figures for Prometheus.
    const metrics = await (await fetch(`${server.origin}/metrics`, { headers })).text();
    expect(metrics).toMatch(/flowbook_taskmanager_slots_used\{taskmanager="tm-1"\} 2/);
    expect(metrics).toMatch(/flowbook_taskmanager_resident_memory_bytes\{taskmanager="tm-1"\} [1-9]/);
    // Without the token: refused like every /api/v1 route.
    expect((await fetch(`${server.origin}/api/v1/taskmanagers`)).status).toBe(401);
  }, 30_000);
});
