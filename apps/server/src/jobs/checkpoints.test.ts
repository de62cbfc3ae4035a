import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../testing.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
const headers = { authorization: 'token test-token', 'content-type': 'application/json' };
const api = (p: string, init: RequestInit = {}) => fetch(`${server.origin}/api/v1${p}`, { ...init, headers });

async function waitFor<T>(get: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error('timed out: ' + JSON.stringify(v).slice(0, 300));
    await new Promise((r) => setTimeout(r, 100));
  }
}

const CELL = `import { StreamExecutionEnvironment, SalesGenerator, WatermarkStrategy, LiveSink } from '@flowbook/engine';
const env = StreamExecutionEnvironment.getExecutionEnvironment().enableCheckpointing(200);
env.fromSource(new SalesGenerator({ ratePerSecond: 2000 }), WatermarkStrategy.noWatermarks<string>(), 'sales')
  .map((l) => ({ month: l.split(',')[1], n: 1 }))
  .keyBy((s) => s.month)
  .reduce((a, b) => ({ month: a.month, n: a.n + b.n }))
  .sinkTo(new LiveSink('counts'));
await env.execute('checkpointed');`;

beforeAll(async () => {
  server = await startTestServer();
  const nb = { version: 1, title: 'Chk', cells: [{ id: 'c', type: 'code', source: CELL, charts: {} }] };
  await fetch(`${server.origin}/api/notebooks/chk`, { method: 'PUT', headers, body: JSON.stringify(nb) });
});
afterAll(async () => {
  await server.close();
});

describe('checkpoints and savepoints of a running cell', () => {
  it('checkpoints periodically, shows the history, takes a savepoint and stops with one', async () => {
    const { jobId } = await (await api('/jobs', { method: 'POST', body: JSON.stringify({ notebook: 'chk', cellId: 'c' }) })).json();
    const job = await waitFor(
      async () => (await api(`/jobs/${jobId}`)).json(),
      (j) => (j.checkpoints?.history ?? []).filter((h: { status: string }) => h.status === 'completed').length >= 2,
    );
    const first = job.checkpoints.history[0];
    expect(first.sizeBytes).toBeGreaterThan(0);
    const dir = path.join(server.config.stateDir, 'checkpoints', 'chk', 'c');
    expect(readdirSync(dir).some((n) => n.startsWith('chk-'))).toBe(true);

    const sp = await api(`/jobs/${jobId}/savepoints`, { method: 'POST', body: '{}' });
    expect(sp.status).toBe(201);
    const { path: spPath } = await sp.json();
    expect(existsSync(path.join(spPath, '_manifest.json'))).toBe(true);

    const stop = await (await api(`/jobs/${jobId}/savepoints`, { method: 'POST', body: JSON.stringify({ stop: true }) })).json();
    expect(stop.stopped).toBe(true);
    await waitFor(async () => (await api(`/jobs/${jobId}`)).json(), (j) => j.status === 'cancelled');
    const again = await api(`/jobs/${jobId}/savepoints`, { method: 'POST', body: '{}' });
    expect(again.status).toBe(409);
  }, 40_000);

  it('lists restore points and restarts a cell job from its latest checkpoint or a savepoint', async () => {
    const { jobId } = await (await api('/jobs', { method: 'POST', body: JSON.stringify({ notebook: 'chk', cellId: 'c' }) })).json();
    await waitFor(async () => (await api(`/jobs/${jobId}`)).json(), (j) => (j.checkpoints?.history ?? []).some((h: { status: string }) => h.status === 'completed'));
    const sp = await (await api(`/jobs/${jobId}/savepoints`, { method: 'POST', body: JSON.stringify({ stop: true }) })).json();
    await waitFor(async () => (await api(`/jobs/${jobId}`)).json(), (j) => j.status === 'cancelled');
    const { restorePoints } = await (await api(`/jobs/${jobId}/restore-points`)).json();
    const savepoint = restorePoints.find((p: { kind: string }) => p.kind === 'savepoint');
    expect(savepoint.name).toBe(path.basename(sp.path));
    const latestChk = restorePoints.filter((p: { kind: string }) => p.kind === 'checkpoint').sort((a: { id: number }, b: { id: number }) => b.id - a.id)[0];
    expect(latestChk).toBeDefined();

    const unknown = await api(`/jobs/${jobId}/restart`, { method: 'POST', body: JSON.stringify({ from: '../../etc' }) });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).code).toBe('restore_point_not_found');

    const fromSp = await api(`/jobs/${jobId}/restart`, { method: 'POST', body: JSON.stringify({ from: savepoint.name }) });
    expect(fromSp.status).toBe(201);
    const resumed = await waitFor(async () => (await api(`/jobs/${(await fromSp.clone().json()).jobId}`)).json(), (j) => j.checkpoints?.restoredFrom !== undefined);
    expect(resumed.checkpoints.restoredFrom).toBe(savepoint.id);
    await api(`/jobs/${resumed.jobId}/cancel`, { method: 'POST' });

    const graphJob = await (await api('/jobs', { method: 'POST', body: JSON.stringify({ graph: { version: 1, nodes: [{ id: 's', type: 'source', config: { connector: 'elements', config: { elements: [1] } } }, { id: 'k', type: 'sink', config: { connector: 'print', config: {} } }], edges: [{ source: 's', target: 'k' }] } }) })).json();
    const notCell = await api(`/jobs/${graphJob.jobId}/restart`, { method: 'POST', body: '{}' });
    expect(notCell.status).toBe(409);
  }, 40_000);
});
