import { beforeAll, describe, expect, it } from 'vitest';
import { waitFor, useTestServer } from '../testing.js';

const server = useTestServer();
const headers = { authorization: 'token test-token', 'content-type': 'application/json' };
const api = (p: string, init: RequestInit = {}) => fetch(`${server.origin}/api/v1${p}`, { ...init, headers });

const cell = (rate: number) => `import { StreamExecutionEnvironment, SalesGenerator, WatermarkStrategy, LiveSink } from '@flowbook/engine';
const env = StreamExecutionEnvironment.getExecutionEnvironment();
env.fromSource(new SalesGenerator({ ratePerSecond: ${rate} }), WatermarkStrategy.noWatermarks<string>(), 'sales')
  .map((l) => l.length)
  .filter((n) => n < 0)
  .sinkTo(new LiveSink('none'));
await env.execute('rate ${rate}');`;

beforeAll(async () => {
  const nb = {
    version: 1,
    title: 'Backpressure',
    cells: [
      { id: 'flat', type: 'code', source: cell(0), charts: {} },
      { id: 'calm', type: 'code', source: cell(200), charts: {} },
    ],
  };
  await fetch(`${server.origin}/api/notebooks/bp`, { method: 'PUT', headers, body: JSON.stringify(nb) });
});

describe('backpressure (the job thread\'s busy share)', () => {
  it('is near 100 % for a source reading as fast as it can, and low for a throttled one', async () => {
    const start = async (cellId: string) => (await (await api('/jobs', { method: 'POST', body: JSON.stringify({ notebook: 'bp', cellId }) })).json()).jobId as string;
    const flat = await start('flat');
    const calm = await start('calm');
    // After a couple of one-second reports.
    const busyOf = async (id: string) => (await (await api(`/jobs/${id}`)).json()) as { busy?: number; recordsIn: number };
    await waitFor(() => busyOf(flat), (j) => j.busy !== undefined && j.recordsIn > 100_000, 20_000, 250);
    await new Promise((r) => setTimeout(r, 1500));
    const f = await busyOf(flat);
    const c = await busyOf(calm);
    expect(f.busy!).toBeGreaterThan(0.8);
    expect(c.busy!).toBeLessThan(0.5);
    const list = (await (await api('/jobs')).json()) as { jobs: { jobId: string; busy?: number }[] };
    expect(list.jobs.find((j) => j.jobId === flat)!.busy).toBeGreaterThan(0.8);
    await api(`/jobs/${flat}/cancel`, { method: 'POST' });
    await api(`/jobs/${calm}/cancel`, { method: 'POST' });
  }, 40_000);
});
