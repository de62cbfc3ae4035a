import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Job, migrateGraph, type JobSnapshot } from '../index.js';
import { CheckpointCoordinator } from './CheckpointCoordinator.js';
import { PgCheckpointStorage } from './PgCheckpointStorage.js';

const BASE_URL = process.env.PGURL ?? 'postgresql://postgres@127.0.0.1:5432/test';
/** A schema of this run's own: the tests never migrate (or fill) a table that other processes on the database use. */
const SCHEMA = `fb_chk_${Date.now().toString(36)}_${process.pid}`;
const inSchema = (schema: string) => `${BASE_URL}${BASE_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
const URL = inSchema(SCHEMA);
const jobKey = `test/${Date.now().toString(36)}-${process.pid}`;
beforeAll(async () => {
  const db = new pg.Client({ connectionString: BASE_URL });
  await db.connect();
  await db.query(`CREATE SCHEMA ${SCHEMA}`);
  await db.end();
});
const storages: PgCheckpointStorage[] = [];
const storage = (retained = 3, warn?: (m: string) => void) => {
  const s = new PgCheckpointStorage(URL, jobKey, retained, warn);
  storages.push(s);
  return s;
};
afterAll(async () => {
  const db = new pg.Client({ connectionString: URL });
  await db.connect();
  for (const s of storages) await s.close();
  await db.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await db.end();
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
    // Until two checkpoints completed (on a loaded machine 300 ms was not always enough), at most 10 s.
    const until = Date.now() + 10_000;
    while (coordinator.history.filter((h) => h.status === 'completed').length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
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
    // The header of the binary container is JSON: change a value in it.
    await db.query(
      `UPDATE flowbook_checkpoints SET state_bin = overlay(state_bin placing '"n":9'::bytea from position('"n":2'::bytea in state_bin) for 5) WHERE job_key = $1 AND name = 'chk-1002'`,
      [jobKey],
    );
    await db.end();
    expect((await s.latest())?.checkpointId).toBe(1001);
    expect(warnings.join()).toMatch(/chk-1002: state does not match its checksum/);
    const name = sp.path.split('/').pop()!;
    expect((await s.readByName(name)).operators).toEqual({ 'x#0': { n: 3 } });
    await expect(s.readByName('chk-999999')).rejects.toThrow('no checkpoint or savepoint "chk-999999"');
  });

  it('reads checkpoints written before the binary container from a table of the old schema, which it migrates', async () => {
    // A schema of its own holding the table as the first version created it (state as JSON text, NOT NULL).
    const schema = `fb_chk_mig_${Date.now().toString(36)}_${process.pid}`;
    const db = new pg.Client({ connectionString: URL });
    await db.connect();
    try {
      await db.query(`CREATE SCHEMA ${schema}`);
      await db.query(
        `CREATE TABLE ${schema}.flowbook_checkpoints (job_key text NOT NULL, name text NOT NULL, kind text NOT NULL, checkpoint_id bigint NOT NULL,
          ts bigint NOT NULL, size_bytes integer NOT NULL, sha256 text NOT NULL, state text NOT NULL, PRIMARY KEY (job_key, name))`,
      );
      const legacy = readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/v1/chk-1/state.json'), 'utf8');
      const sha = createHash('sha256').update(legacy).digest('hex');
      await db.query(`INSERT INTO ${schema}.flowbook_checkpoints VALUES ('old/job', 'chk-1', 'checkpoint', 1, 1, $1, $2, $3)`, [legacy.length, sha, legacy]);

      const s = new PgCheckpointStorage(inSchema(schema), 'old/job');
      storages.push(s);
      expect(await s.latest()).toEqual(JSON.parse(legacy));
      const { rows: columns } = await db.query(`SELECT column_name, is_nullable, data_type FROM information_schema.columns WHERE table_schema = $1 ORDER BY column_name`, [schema]);
      expect(columns.filter((c) => c.column_name.startsWith('state'))).toEqual([
        { column_name: 'state', is_nullable: 'YES', data_type: 'text' },
        { column_name: 'state_bin', is_nullable: 'YES', data_type: 'bytea' },
      ]);
      // New checkpoints go into the bytea column; the old row is still read by name.
      const snap: JobSnapshot = { formatVersion: 2, checkpointId: 2, timestamp: 2, operators: { 'x#0': { column: new Float64Array([1.5, -0, Number.NaN]) } } };
      await s.write(snap);
      const latest = await s.latest();
      expect(latest?.checkpointId).toBe(2);
      expect((latest!.operators['x#0'] as { column: Float64Array }).column).toEqual(new Float64Array([1.5, -0, Number.NaN]));
      expect((await s.readByName('chk-1')).checkpointId).toBe(1);
      const { rows } = await db.query(`SELECT name, state IS NULL AS no_text, state_bin IS NULL AS no_bin FROM ${schema}.flowbook_checkpoints ORDER BY name`);
      expect(rows).toEqual([
        { name: 'chk-1', no_text: false, no_bin: true },
        { name: 'chk-2', no_text: true, no_bin: false },
      ]);
      // The key now holds the job name and key-group range; the old rows belong to no named job and the whole job.
      const { rows: key } = await db.query(
        `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
          WHERE i.indrelid = '${schema}.flowbook_checkpoints'::regclass AND i.indisprimary ORDER BY a.attname`,
      );
      expect(key.map((r) => r.attname)).toEqual(['job_key', 'job_name', 'key_group_end', 'key_group_start', 'name']);
      // A named job of the key is offered the rows from before job names until it has checkpoints of its own.
      const named = new PgCheckpointStorage(inSchema(schema), 'old/job', 3, undefined, { jobName: 'orders' });
      storages.push(named);
      expect((await named.latest())?.checkpointId).toBe(2);
      await named.write({ formatVersion: 2, checkpointId: 1, timestamp: 3, operators: { 'x#0': { mine: true } } });
      expect((await named.latest())?.operators).toEqual({ 'x#0': { mine: true } });
      expect((await s.latest())?.checkpointId).toBe(2);
    } finally {
      await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await db.end();
    }
  });

  it('keys checkpoints by job name and key-group range: two jobs on one cell key never see each other\'s', async () => {
    const key = `${jobKey}-two`;
    const open = (scope: ConstructorParameters<typeof PgCheckpointStorage>[4]) => {
      const s = new PgCheckpointStorage(URL, key, 2, undefined, scope);
      storages.push(s);
      return s;
    };
    const snap = (id: number, n: string): JobSnapshot => ({ formatVersion: 2, checkpointId: id, timestamp: id, operators: { 'x#0': { n } } });
    const [a, b] = [open({ jobName: 'orders' }), open({ jobName: 'payments' })];
    // Both number their checkpoints from 1, as two jobs of a cell (or two servers running one notebook) do.
    for (const [s, n] of [[a, 'a1'], [b, 'b1'], [a, 'a2'], [b, 'b2'], [b, 'b3']] as const) await s.write(snap(Number(n[1]), n));
    expect((await a.latest())?.operators).toEqual({ 'x#0': { n: 'a2' } });
    expect((await b.latest())?.operators).toEqual({ 'x#0': { n: 'b3' } });
    expect((await a.readByName('chk-1')).operators).toEqual({ 'x#0': { n: 'a1' } });
    // Retention counts each job's own checkpoints.
    expect((await a.restorePoints()).map((p) => p.id)).toEqual([2, 1]);
    expect((await b.restorePoints()).map((p) => p.id)).toEqual([3, 2]);
    // Snapshots per key-group range (a subtask's or a worker's) of one job: each range has its own latest.
    const [lo, hi] = [open({ jobName: 'orders', keyGroups: { start: 0, end: 63 } }), open({ jobName: 'orders', keyGroups: { start: 64, end: 127 } })];
    await lo.write(snap(5, 'lo'));
    await hi.write(snap(5, 'hi'));
    expect((await lo.latest())?.operators).toEqual({ 'x#0': { n: 'lo' } });
    expect((await hi.latest())?.operators).toEqual({ 'x#0': { n: 'hi' } });
    expect((await a.latest())?.checkpointId).toBe(2);
    // A storage without a job name (as before) sees none of them, but lists the jobs a restart of the cell resumes.
    expect(await open({}).latest()).toBeUndefined();
    expect(await open({}).jobNames()).toEqual(['orders', 'payments']);
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

