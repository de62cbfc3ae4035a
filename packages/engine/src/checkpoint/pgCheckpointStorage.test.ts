import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { Job, migrateGraph, type JobSnapshot } from '../index.js';
import { CheckpointCoordinator } from './CheckpointCoordinator.js';
import { PgCheckpointStorage } from './PgCheckpointStorage.js';

const URL = process.env.PGURL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const jobKey = `test/${Date.now().toString(36)}-${process.pid}`;
const storages: PgCheckpointStorage[] = [];
const storage = (retained = 3, warn?: (m: string) => void) => {
  const s = new PgCheckpointStorage(URL, jobKey, retained, warn);
  storages.push(s);
  return s;
};
afterAll(async () => {
  const db = new pg.Client({ connectionString: URL });
  await db.connect();
  await db.query('DELETE FROM flowbook_checkpoints WHERE job_key = $1', [jobKey]);
  await db.end();
  for (const s of storages) await s.close();
});

const graph = migrateGraph({
  version: 1,
  nodes: [
    { id: 'src', type: 'source', config: { connector: 'sales-generator', config: { ratePerSecond: 4000, count: 2000, seed: 7 } } },
    { id: 'parse', type: 'map', config: { fn: { code: "(l) => { const f = l.split(','); return { month: f[1], profit: Number(f[4]) }; }" } } },
    { id: 'sum', type: 'reduce', config: { fn: { code: '(a, b) => ({ month: a.month, profit: a.profit + b.profit })' } } },
    { id: 'out', type: 'sink', config: { connector: 'collect', config: { name: 'out' } } },
  ],
  edges: [
    { source: 'src', target: 'parse' },
    { source: 'parse', target: 'sum', partitioning: 'hash', keySelector: { code: '(s) => s.month' } },
    { source: 'sum', target: 'out' },
  ],
});

async function runToEnd(restoreFrom?: JobSnapshot): Promise<Map<string, number>> {
  const last = new Map<string, number>();
  const job = new Job(graph, { services: { collect: (_s: string, v: unknown) => last.set((v as { month: string }).month, (v as { profit: number }).profit) }, ...(restoreFrom ? { restoreFrom } : {}) });
  await job.run();
  return last;
}

describe('PostgreSQL checkpoint storage', () => {
  it('checkpoints a running job into PostgreSQL; another process restores the latest and ends with the same state', async () => {
    const expected = await runToEnd();
    const s = storage(2);
    const job = new Job(graph, { services: { collect: () => {} } });
    const coordinator = new CheckpointCoordinator(job, s, { intervalMs: 50 });
    coordinator.start();
    const running = job.run();
    await new Promise((r) => setTimeout(r, 300));
    job.cancel();
    await running;
    await coordinator.stop();
    const completed = coordinator.history.filter((h) => h.status === 'completed');
    expect(completed.length).toBeGreaterThanOrEqual(2);
    // A second storage object (as on another machine) sees the same checkpoints; only the newest 2 are retained.
    const other = storage();
    const points = await other.restorePoints();
    expect(points.filter((p) => p.kind === 'checkpoint').map((p) => p.id)).toEqual(completed.slice(-2).map((c) => c.id).reverse());
    const latest = await other.latest();
    expect(latest?.checkpointId).toBe(completed.at(-1)!.id);
    expect(await runToEnd(latest)).toEqual(expected);
  });

  it('skips a corrupted checkpoint with a warning and uses the previous one; savepoints are read by name', async () => {
    const warnings: string[] = [];
    const s = storage(5, (m) => warnings.push(m));
    const snap = (id: number): JobSnapshot => ({ formatVersion: 1, checkpointId: 1000 + id, timestamp: Date.now(), operators: { 'x#0': { n: id } } });
    await s.write(snap(1));
    await s.write(snap(2));
    const sp = await s.write(snap(3), 'savepoint');
    const db = new pg.Client({ connectionString: URL });
    await db.connect();
    await db.query(`UPDATE flowbook_checkpoints SET state = replace(state, '"n":2', '"n":9') WHERE job_key = $1 AND name = 'chk-1002'`, [jobKey]);
    await db.end();
    expect((await s.latest())?.checkpointId).toBe(1001);
    expect(warnings.join()).toMatch(/chk-1002: state does not match its checksum/);
    const name = sp.path.split('/').pop()!;
    expect((await s.readByName(name)).operators).toEqual({ 'x#0': { n: 3 } });
    await expect(s.readByName('chk-999999')).rejects.toThrow('no checkpoint or savepoint "chk-999999"');
  });

  it('declines checkpoints while PostgreSQL is unreachable, with the reason, and the job keeps running', async () => {
    const down = new PgCheckpointStorage('postgresql://postgres@127.0.0.1:1/test', `${jobKey}-down`);
    storages.push(down);
    const job = new Job(graph, { services: { collect: () => {} } });
    const coordinator = new CheckpointCoordinator(job, down, { intervalMs: 1_000_000 });
    const running = job.run();
    await new Promise((r) => setTimeout(r, 30));
    const stats = await coordinator.trigger();
    expect(stats?.status).toBe('failed');
    expect(stats?.error).toMatch(/ECONNREFUSED|connect/);
    expect(coordinator.declined).toBe(1);
    await running;
    expect(job.status).toBe('finished');
  });
});

