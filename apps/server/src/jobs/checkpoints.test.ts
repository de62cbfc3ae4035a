import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, waitFor, useTestServer } from '../testing.js';

const server = useTestServer();
const headers = { authorization: 'token test-token', 'content-type': 'application/json' };
const api = (p: string, init: RequestInit = {}) => fetch(`${server.origin}/api/v1${p}`, { ...init, headers });

const CELL = `import { StreamExecutionEnvironment, SalesGenerator, WatermarkStrategy, LiveSink } from '@flowbook/engine';
const env = StreamExecutionEnvironment.getExecutionEnvironment().enableCheckpointing(200);
env.fromSource(new SalesGenerator({ ratePerSecond: 2000 }), WatermarkStrategy.noWatermarks<string>(), 'sales')
  .map((l) => ({ month: l.split(',')[1], n: 1 }))
  .keyBy((s) => s.month)
  .reduce((a, b) => ({ month: a.month, n: a.n + b.n }))
  .sinkTo(new LiveSink('counts'));
await env.execute('checkpointed');`;

beforeAll(async () => {
  const nb = { version: 1, title: 'Chk', cells: [{ id: 'c', type: 'code', source: CELL, charts: {} }] };
  await fetch(`${server.origin}/api/notebooks/chk`, { method: 'PUT', headers, body: JSON.stringify(nb) });
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
    // Kept per job name, under the cell's folder.
    const dir = path.join(server.config.stateDir, 'checkpoints', 'chk', 'c', 'job-checkpointed');
    expect(readdirSync(dir).some((n) => n.startsWith('chk-'))).toBe(true);

    const sp = await api(`/jobs/${jobId}/savepoints`, { method: 'POST', body: '{}' });
    expect(sp.status).toBe(201);
    const { path: spPath } = await sp.json();
    expect(existsSync(path.join(spPath, '_manifest.json'))).toBe(true);

    const stop = await (await api(`/jobs/${jobId}/savepoints`, { method: 'POST', body: JSON.stringify({ stop: true }) })).json();
    expect(stop.stopped).toBe(true);
    // Stop-with-savepoint ends FINISHED, as in Flink (a cancel ends CANCELED).
    const stopped = await waitFor(async () => (await api(`/jobs/${jobId}`)).json(), (j) => j.status !== 'running');
    expect(stopped.status).toBe('finished');
    const again = await api(`/jobs/${jobId}/savepoints`, { method: 'POST', body: '{}' });
    expect(again.status).toBe(409);
  }, 40_000);

  it('lists restore points and restarts a cell job from its latest checkpoint or a savepoint', async () => {
    const { jobId } = await (await api('/jobs', { method: 'POST', body: JSON.stringify({ notebook: 'chk', cellId: 'c' }) })).json();
    await waitFor(async () => (await api(`/jobs/${jobId}`)).json(), (j) => (j.checkpoints?.history ?? []).some((h: { status: string }) => h.status === 'completed'));
    const sp = await (await api(`/jobs/${jobId}/savepoints`, { method: 'POST', body: JSON.stringify({ stop: true }) })).json();
    const stopped = await waitFor(async () => (await api(`/jobs/${jobId}`)).json(), (j) => j.status === 'finished');
    expect(stopped.stoppedWithSavepoint).toBe(path.basename(sp.path));
    const { restorePoints } = await (await api(`/jobs/${jobId}/restore-points`)).json();
    const savepoint = restorePoints.find((p: { kind: string }) => p.kind === 'savepoint');
    expect(savepoint.name).toBe(path.basename(sp.path));
    // The same list by notebook cell (what the cell's "Resume from…" menu reads, also after a server restart).
    const byCell = await (await api('/notebooks/chk/cells/c/restore-points')).json();
    expect(byCell.restorePoints).toEqual(restorePoints);
    const latestChk = restorePoints.filter((p: { kind: string }) => p.kind === 'checkpoint').sort((a: { id: number }, b: { id: number }) => b.id - a.id)[0];
    expect(latestChk).toBeDefined();

    const unknown = await api(`/jobs/${jobId}/restart`, { method: 'POST', body: JSON.stringify({ from: '../../etc' }) });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).code).toBe('restore_point_not_found');

    // No "from": a job stopped with a savepoint restarts from that savepoint (Flink's default), not the latest checkpoint.
    const fromSp = await api(`/jobs/${jobId}/restart`, { method: 'POST', body: '{}' });
    expect(fromSp.status).toBe(201);
    const resumed = await waitFor(async () => (await api(`/jobs/${(await fromSp.clone().json()).jobId}`)).json(), (j) => j.checkpoints?.restoredFrom !== undefined);
    expect(resumed.checkpoints.restoredFrom).toBe(savepoint.id);
    await api(`/jobs/${resumed.jobId}/cancel`, { method: 'POST' });

    const graphJob = await (await api('/jobs', { method: 'POST', body: JSON.stringify({ graph: { version: 1, nodes: [{ id: 's', type: 'source', config: { connector: 'elements', config: { elements: [1] } } }, { id: 'k', type: 'sink', config: { connector: 'print', config: {} } }], edges: [{ source: 's', target: 'k' }] } }) })).json();
    const notCell = await api(`/jobs/${graphJob.jobId}/restart`, { method: 'POST', body: '{}' });
    expect(notCell.status).toBe(409);
  }, 40_000);

  it('stops with a drained savepoint: the job finishes (not cancelled) and the savepoint can be resumed', async () => {
    const { jobId } = await (await api('/jobs', { method: 'POST', body: JSON.stringify({ notebook: 'chk', cellId: 'c' }) })).json();
    await waitFor(async () => (await api(`/jobs/${jobId}`)).json(), (j) => (j.checkpoints?.history ?? []).some((h: { status: string }) => h.status === 'completed'));
    const bad = await api(`/jobs/${jobId}/savepoints`, { method: 'POST', body: JSON.stringify({ drain: true }) });
    expect(bad.status).toBe(400);
    const r = await api(`/jobs/${jobId}/savepoints`, { method: 'POST', body: JSON.stringify({ stop: true, drain: true }) });
    expect(r.status).toBe(201);
    const sp = await r.json();
    expect(existsSync(path.join(sp.path, '_manifest.json'))).toBe(true);
    await waitFor(async () => (await api(`/jobs/${jobId}`)).json(), (j) => j.status === 'finished');
    const again = await (await api(`/jobs/${jobId}/restart`, { method: 'POST', body: JSON.stringify({ from: path.basename(sp.path) }) })).json();
    const resumed = await waitFor(async () => (await api(`/jobs/${again.jobId}`)).json(), (j) => j.checkpoints?.restoredFrom !== undefined);
    expect(resumed.status).toBe('running');
    await api(`/jobs/${again.jobId}/cancel`, { method: 'POST' });
  }, 40_000);

  it('resumes a savepoint with another parallelism after the cell changed setParallelism(2) to 3', async () => {
    const counted = (p: number) => CELL.replace('.enableCheckpointing(200);', `.enableCheckpointing(200);\nenv.setParallelism(${p});`);
    const put = (p: number) =>
      fetch(`${server.origin}/api/notebooks/rescale`, { method: 'PUT', headers, body: JSON.stringify({ version: 1, title: 'Rescale', cells: [{ id: 'c', type: 'code', source: counted(p), charts: {} }] }) });
    await put(2);
    const { jobId } = await (await api('/jobs', { method: 'POST', body: JSON.stringify({ notebook: 'rescale', cellId: 'c' }) })).json();
    const two = await waitFor(async () => (await api(`/jobs/${jobId}`)).json(), (j) => (j.operators ?? []).some((o: { recordsIn: number; type: string }) => o.type === 'reduce' && o.recordsIn > 500));
    expect(two.config.parallelism).toBe(2);
    expect(two.operators.find((o: { type: string }) => o.type === 'reduce').parallelism).toBe(2);
    const sp = await (await api(`/jobs/${jobId}/savepoints`, { method: 'POST', body: JSON.stringify({ stop: true }) })).json();
    await waitFor(async () => (await api(`/jobs/${jobId}`)).json(), (j) => j.status === 'finished');

    await put(3);
    const missing = await api('/jobs', { method: 'POST', body: JSON.stringify({ notebook: 'rescale', cellId: 'c', from: 'savepoint-nope' }) });
    expect(missing.status).toBe(404);
    const resumed = await (await api('/jobs', { method: 'POST', body: JSON.stringify({ notebook: 'rescale', cellId: 'c', from: path.basename(sp.path) }) })).json();
    // Subtasks in other slots report their metrics every half second: wait until every slot's keys are counted.
    const three = await waitFor(
      async () => (await api(`/jobs/${resumed.jobId}`)).json(),
      (j) => j.checkpoints?.restoredFrom !== undefined && (j.operators ?? []).some((o: { type: string; recordsIn: number; stateEntries: number }) => o.type === 'reduce' && o.recordsIn > 0 && o.stateEntries >= 12),
    );
    expect(three.status).toBe('running');
    expect(three.config.parallelism).toBe(3);
    expect(three.operators.find((o: { type: string }) => o.type === 'reduce').parallelism).toBe(3);
    // Every month's running count kept what it had counted before the savepoint: no key starts again from 1.
    const reduce = three.operators.find((o: { type: string }) => o.type === 'reduce');
    expect(reduce.stateEntries).toBe(12);
    await api(`/jobs/${resumed.jobId}/cancel`, { method: 'POST' });
  }, 40_000);

  it('keeps the checkpoints of two jobs of one cell apart, by job name, and restarts each from its own', async () => {
    const two = CELL.replace("await env.execute('checkpointed');", "env.executeAsync('left');")
      + '\n' + CELL.replace('.keyBy(', '.filter((s) => s.n > 0).keyBy(').replace("new LiveSink('counts')", "new LiveSink('counts2')").replace("await env.execute('checkpointed');", "await env.execute('right');").replace(/^import .*\n/, '').replace('const env', 'const env2').replaceAll('env.', 'env2.');
    await fetch(`${server.origin}/api/notebooks/twojobs`, { method: 'PUT', headers, body: JSON.stringify({ version: 1, title: 'Two', cells: [{ id: 'c', type: 'code', source: two, charts: {} }] }) });
    const { jobId } = await (await api('/jobs', { method: 'POST', body: JSON.stringify({ notebook: 'twojobs', cellId: 'c' }) })).json();
    const dir = path.join(server.config.stateDir, 'checkpoints', 'twojobs', 'c');
    const chks = (job: string) => (existsSync(path.join(dir, job)) ? readdirSync(path.join(dir, job)).filter((n) => n.startsWith('chk-')) : []);
    await waitFor(async () => [chks('job-left').length, chks('job-right').length], ([l, r]) => l! >= 2 && r! >= 2);
    // Nothing at the cell's level: neither job's latest() can be the other's checkpoint.
    expect(readdirSync(dir).sort()).toEqual(['job-left', 'job-right']);
    await api(`/jobs/${jobId}/cancel`, { method: 'POST' });
    await waitFor(async () => (await api(`/jobs/${jobId}`)).json(), (j) => j.status === 'cancelled');
    const { restorePoints } = await (await api(`/jobs/${jobId}/restore-points`)).json();
    const ids = chks('job-right').map((n) => Number(n.slice(4)));
    expect(restorePoints.map((p: { name: string }) => p.name).sort()).toEqual(chks('job-right').sort());
    const again = await (await api(`/jobs/${jobId}/restart`, { method: 'POST', body: JSON.stringify({ from: 'latest' }) })).json();
    const resumed = await waitFor(async () => (await api(`/jobs/${again.jobId}`)).json(), (j) => j.checkpoints?.restoredFrom !== undefined);
    expect(resumed.checkpoints.restoredFrom).toBe(Math.max(...ids));
    // Both jobs resumed their own running counts (without a restore a month's count would start again from 1).
    const results = await waitFor(
      async () => (await api(`/jobs/${again.jobId}/results`)).json(),
      (r: { sinks: { sink: string; rows: unknown[] }[] }) => ['counts', 'counts2'].every((name) => (r.sinks.find((x) => x.sink === name)?.rows.length ?? 0) > 0),
    );
    for (const name of ['counts', 'counts2']) {
      const rows = results.sinks.find((x: { sink: string }) => x.sink === name).rows as { n: number }[];
      expect(Math.min(...rows.map((r) => r.n))).toBeGreaterThan(10);
    }
    await api(`/jobs/${again.jobId}/cancel`, { method: 'POST' });
  }, 40_000);

  it('keeps checkpoints in PostgreSQL when FLOWBOOK_CHECKPOINTS is a postgresql:// URL, and restarts from them', async () => {
    const url = process.env.PGURL ?? 'postgresql://postgres@127.0.0.1:5432/test';
    const pgServer = await startTestServer({ checkpoints: url });
    const name = `pgchk-${Date.now().toString(36)}`;
    const h = { authorization: 'token test-token', 'content-type': 'application/json' };
    const call = (p: string, init: RequestInit = {}) => fetch(`${pgServer.origin}/api/v1${p}`, { ...init, headers: h });
    try {
      await fetch(`${pgServer.origin}/api/notebooks/${name}`, { method: 'PUT', headers: h, body: JSON.stringify({ version: 1, title: 'PG', cells: [{ id: 'c', type: 'code', source: CELL, charts: {} }] }) });
      const { jobId } = await (await call('/jobs', { method: 'POST', body: JSON.stringify({ notebook: name, cellId: 'c' }) })).json();
      await waitFor(async () => (await call(`/jobs/${jobId}`)).json(), (j) => (j.checkpoints?.history ?? []).filter((x: { status: string }) => x.status === 'completed').length >= 2);
      await call(`/jobs/${jobId}/cancel`, { method: 'POST' });
      await waitFor(async () => (await call(`/jobs/${jobId}`)).json(), (j) => j.status === 'cancelled');
      const { restorePoints } = await (await call(`/jobs/${jobId}/restore-points`)).json();
      expect(restorePoints.length).toBeGreaterThanOrEqual(2);
      const db = new pg.Client({ connectionString: url });
      await db.connect();
      const rows = (await db.query('SELECT name FROM flowbook_checkpoints WHERE job_key = $1', [`${name}/c`])).rows.map((r) => r.name);
      expect(rows.sort()).toEqual(restorePoints.map((p: { name: string }) => p.name).sort());
      const again = await (await call(`/jobs/${jobId}/restart`, { method: 'POST', body: JSON.stringify({ from: 'latest' }) })).json();
      const resumed = await waitFor(async () => (await call(`/jobs/${again.jobId}`)).json(), (j) => j.checkpoints?.restoredFrom !== undefined);
      expect(resumed.checkpoints.restoredFrom).toBe(Math.max(...restorePoints.map((p: { id: number }) => p.id)));
      await call(`/jobs/${again.jobId}/cancel`, { method: 'POST' });
      await db.query('DELETE FROM flowbook_checkpoints WHERE job_key = $1', [`${name}/c`]);
      await db.end();
    } finally {
      await pgServer.close();
    }
  }, 40_000);
});
