import type { TaskManagerInfo } from '@flowbook/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, waitFor } from '../../testing.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
const headers = { authorization: 'token test-token', 'content-type': 'application/json' };
const api = (p: string, init: RequestInit = {}) => fetch(`${server.origin}/api/v1${p}`, { ...init, headers });
const list = async () => ((await (await api('/taskmanagers')).json()) as { taskManagers: TaskManagerInfo[] }).taskManagers;

const ENDLESS = `import { StreamExecutionEnvironment, SalesGenerator, WatermarkStrategy, LiveSink } from '@flowbook/engine';
const env = StreamExecutionEnvironment.getExecutionEnvironment();
env.fromSource(new SalesGenerator({ ratePerSecond: 100 }), WatermarkStrategy.noWatermarks<string>(), 'sales').sinkTo(new LiveSink('out'));
await env.execute('endless');`;

beforeAll(async () => {
  server = await startTestServer({ taskManagers: { slots: 1, max: 2, memoryMb: 512, heartbeatTimeoutMs: 10_000, idleMs: 1000 } });
  const nb = { version: 1, title: 'Idle', cells: ['a', 'b'].map((id) => ({ id, type: 'code', source: ENDLESS, charts: {} })) };
  await fetch(`${server.origin}/api/notebooks/idle`, { method: 'PUT', headers, body: JSON.stringify(nb) });
});
afterAll(async () => {
  await server.close();
});

describe('idle TaskManagers', () => {
  it('an extra TaskManager with no job stops after FLOWBOOK_TASKMANAGER_IDLE_MS; the first one stays', async () => {
    const ids: string[] = [];
    for (const cellId of ['a', 'b']) ids.push((await (await api('/jobs', { method: 'POST', body: JSON.stringify({ notebook: 'idle', cellId }) })).json()).jobId);
    await waitFor(list, (l) => l.length === 2 && l.every((t) => t.jobs.length === 1));
    for (const id of ids) await api(`/jobs/${id}/cancel`, { method: 'POST' });
    const left = await waitFor(list, (l) => l.length === 1, 10_000);
    expect(left[0]).toMatchObject({ id: 'tm-1', jobs: [] });
    await new Promise((r) => setTimeout(r, 1500));
    expect((await list()).map((t) => t.id)).toEqual(['tm-1']);
  }, 30_000);
});
