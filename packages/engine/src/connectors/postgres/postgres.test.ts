import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment } from '../../index.js';
import type { SinkContext } from '../SourceFunction.js';
import { PostgresSink, PostgresSinkFunction } from './PostgresSink.js';

// The PostgreSQL of the test machine (trust auth, database `test`); PGURL overrides.
const URL = process.env.PGURL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const run = `${Date.now().toString(36)}_${process.pid}`;
const tables: string[] = [];
const table = (name: string) => {
  const t = `fb_${name}_${run}`;
  tables.push(t);
  return t;
};
let db: pg.Client;

beforeAll(async () => {
  db = new pg.Client({ connectionString: URL });
  await db.connect();
});
afterAll(async () => {
  for (const t of tables) await db.query(`DROP TABLE IF EXISTS "${t}"`);
  await db.end();
});

const ctx = (checkpointing: boolean, failures: unknown[] = []): SinkContext => ({
  services: {},
  name: 'pg',
  nodeId: 'sink-1',
  getCurrentProcessingTime: () => Date.now(),
  checkpointing,
  failJob: (e) => failures.push(e),
});

describe('PostgreSQL sink', () => {
  it('writes every record of a bounded job, creating the table with inferred column types', async () => {
    const t = table('insert');
    const env = new StreamExecutionEnvironment();
    env
      .fromCollection(Array.from({ length: 2500 }, (_, i) => ({ id: i, name: `n${i}`, score: i / 2, ok: i % 2 === 0, tags: { i } })))
      .sinkTo(new PostgresSink({ url: URL, table: t, batchSize: 1000 }));
    await env.execute('pg insert');
    const { rows } = await db.query(`SELECT count(*)::int AS n, count(DISTINCT id)::int AS d, sum(score) AS s FROM "${t}"`);
    expect(rows[0]).toEqual({ n: 2500, d: 2500, s: (2499 * 2500) / 4 });
    const types = await db.query(`SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`, [t]);
    expect(types.rows.map((r) => `${r.column_name}:${r.data_type}`)).toEqual(['id:bigint', 'name:text', 'score:double precision', 'ok:boolean', 'tags:jsonb']);
  });

  it('upserts keyed results: the table holds each key\'s latest value', async () => {
    const t = table('upsert');
    const env = new StreamExecutionEnvironment();
    env
      .fromCollection(Array.from({ length: 1200 }, (_, i) => ({ month: `m${i % 12}`, n: 1 })))
      .keyBy((r) => r.month)
      .reduce((a, b) => ({ month: a.month, n: a.n + b.n }))
      .sinkTo(new PostgresSink({ url: URL, table: t, mode: 'upsert', keyColumns: ['month'] }));
    await env.execute('pg upsert');
    const { rows } = await db.query(`SELECT month, n::int FROM "${t}" ORDER BY month`);
    expect(rows).toHaveLength(12);
    expect(rows.every((r) => r.n === 100)).toBe(true);
  });

  it('two-phase commit: a checkpoint\'s rows appear only when it completes, and a restore commits pending ones exactly once', async () => {
    const t = table('twophase');
    const count = async () => Number((await db.query(`SELECT count(*) FROM "${t}"`).catch(() => ({ rows: [{ count: 0 }] }))).rows[0].count);
    const a = new PostgresSinkFunction({ url: URL, table: t });
    await a.open(ctx(true));
    for (let i = 0; i < 10; i++) a.invoke({ id: i }, 0);
    const s1 = a.snapshotState(1);
    for (let i = 10; i < 20; i++) a.invoke({ id: i }, 0);
    expect(await count()).toBe(0); // pre-committed, not committed
    const s2 = a.snapshotState(2);
    await a.notifyCheckpointComplete(1);
    expect(await count()).toBe(10);
    for (let i = 20; i < 25; i++) a.invoke({ id: i }, 0); // lost with the crash, replayed by the source after restore
    // The process dies here: checkpoint 2 completed (it is what the job restores) but its commit never ran.
    await (a as unknown as { pool: pg.Pool }).pool.end();

    const b = new PostgresSinkFunction({ url: URL, table: t });
    await b.open(ctx(true));
    await b.restoreState(s2);
    expect(await count()).toBe(20);
    // A zombie commit of checkpoint 1 (or a second restore) writes nothing.
    await b.restoreState(s1);
    expect(await count()).toBe(20);
    for (let i = 20; i < 30; i++) b.invoke({ id: i }, 0);
    await b.finish();
    await b.close();
    const { rows } = await db.query(`SELECT count(*)::int AS n, count(DISTINCT id)::int AS d, min(id)::int AS lo, max(id)::int AS hi FROM "${t}"`);
    expect(rows[0]).toEqual({ n: 30, d: 30, lo: 0, hi: 29 });
  });

  it('scale-out: a transaction restored by several new writers commits once, and their own transactions all commit', async () => {
    const t = table('moved');
    const count = async () => Number((await db.query(`SELECT count(*) FROM "${t}"`).catch(() => ({ rows: [{ count: 0 }] }))).rows[0].count);
    // Worker w owned two partitions: its state (one lineage) is kept with each partition's checkpoint.
    const w = new PostgresSinkFunction({ url: URL, table: t });
    await w.open(ctx(true));
    for (let i = 0; i < 10; i++) w.invoke({ id: i }, 0);
    const s4 = w.snapshotState(4);
    await w.notifyCheckpointComplete(4);
    for (let i = 10; i < 20; i++) w.invoke({ id: i }, 0);
    const s5 = w.snapshotState(5);
    await w.notifyCheckpointComplete(5); // committed: the new owners must not write it again
    for (let i = 20; i < 30; i++) w.invoke({ id: i }, 0);
    const s6 = w.snapshotState(6); // the worker dies before its commit
    await (w as unknown as { pool: pg.Pool }).pool.end();
    expect(await count()).toBe(20);
    // x took one partition (checkpoint 6), y two (checkpoints 6 and an older 5 of a row written before the crash).
    const x = new PostgresSinkFunction({ url: URL, table: t });
    const y = new PostgresSinkFunction({ url: URL, table: t });
    await x.open(ctx(true));
    await y.open(ctx(true));
    await Promise.all([x.restoreState(s6), y.restoreRescaledState([s6, s5, s4], 0)]);
    expect(await count()).toBe(30);
    // Each numbers its checkpoints on from 6: the same ids, in lineages of their own, so neither skips the other's.
    x.invoke({ id: 100 }, 0);
    y.invoke({ id: 200 }, 0);
    x.snapshotState(7);
    y.snapshotState(7);
    await Promise.all([x.notifyCheckpointComplete(7), y.notifyCheckpointComplete(7)]);
    await Promise.all([x.close(), y.close()]);
    const { rows } = await db.query(`SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM "${t}"`);
    expect(rows[0]).toEqual({ n: 32, d: 32 });
  });

  it('a checkpoint taken while restored transactions still commit keeps them', async () => {
    const t = table('inherit');
    const w = new PostgresSinkFunction({ url: URL, table: t });
    await w.open(ctx(true));
    for (let i = 0; i < 5; i++) w.invoke({ id: i }, 0);
    const s1 = w.snapshotState(1);
    await (w as unknown as { pool: pg.Pool }).pool.end();
    const x = new PostgresSinkFunction({ url: URL, table: t });
    await x.open(ctx(true));
    const restoring = x.restoreState(s1);
    // Taken before the restored commit ran: the next writer must still find checkpoint 1's transaction.
    const s2 = x.snapshotState(2) as { inherited?: { pending: { checkpointId: number }[] }[] };
    expect(s2.inherited?.[0]?.pending.map((p) => p.checkpointId)).toEqual([1]);
    await restoring;
    expect((x.snapshotState(3) as { inherited?: unknown }).inherited).toBeUndefined();
    await x.close();
    const y = new PostgresSinkFunction({ url: URL, table: t });
    await y.open(ctx(true));
    await y.restoreState(s2);
    await y.close();
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM "${t}"`);
    expect(rows[0].n).toBe(5);
  });

  it('a transaction stays in snapshots until its commit has succeeded', async () => {
    const t = table('committing');
    const sink = new PostgresSinkFunction({ url: URL, table: t });
    await sink.open(ctx(true));
    sink.invoke({ id: 1 }, 0);
    sink.snapshotState(1);
    const committing = sink.notifyCheckpointComplete(1);
    // Taken while checkpoint 1's commit runs: if that commit failed, a restore from checkpoint 2 must still commit it.
    const during = sink.snapshotState(2) as { pending: { checkpointId: number }[] };
    expect(during.pending.map((p) => p.checkpointId)).toEqual([1, 2]);
    await committing;
    const after = sink.snapshotState(3) as { pending: { checkpointId: number }[] };
    expect(after.pending.map((p) => p.checkpointId)).toEqual([2, 3]);
    await sink.close();
  });

  it('a commit that PostgreSQL rejects fails the job with a message naming the table', async () => {
    const t = table('bad');
    await db.query(`CREATE TABLE "${t}" (id bigint NOT NULL)`);
    const env = new StreamExecutionEnvironment();
    env.fromElements({ id: 1 }, { id: null }).sinkTo(new PostgresSink({ url: URL, table: t, createTable: false }));
    await expect(env.execute('pg bad')).rejects.toThrow(new RegExp(`postgres sink ${t}: .*null value`));
  });

  it('reads the URL from an environment variable named in the config, and says when it is missing', async () => {
    const f = new PostgresSinkFunction({ urlEnv: 'FLOWBOOK_TEST_MISSING_URL', table: 'x' });
    expect(() => f.open(ctx(false))).toThrow('environment variable FLOWBOOK_TEST_MISSING_URL is not set');
  });
  it('takes a batch in one call and writes each transaction as multi-row INSERTs, with and without checkpoints', async () => {
    for (const checkpointing of [false, true]) {
      const t = table(`batch_${checkpointing}`);
      const sink = new PostgresSinkFunction({ url: URL, table: t, batchSize: 1000 });
      await sink.open(ctx(checkpointing));
      const pool = (sink as unknown as { pool: pg.Pool }).pool;
      const inserts: number[] = [];
      const connect = pool.connect.bind(pool);
      const wrapped = new WeakSet<object>();
      (pool as unknown as { connect: () => Promise<pg.PoolClient> }).connect = async () => {
        const client = await connect();
        // The pool hands the same clients out again.
        if (wrapped.has(client)) return client;
        wrapped.add(client);
        const query = client.query.bind(client) as (text: string, params?: unknown[]) => Promise<unknown>;
        (client as unknown as { query: typeof query }).query = (text: string, params?: unknown[]) => {
          if (text.startsWith(`INSERT INTO "${t}"`)) inserts.push((params ?? []).length / 2);
          return query(text, params);
        };
        return client;
      };
      const rows = Array.from({ length: 2500 }, (_, i) => ({ id: i, v: `r${i}` }));
      sink.invokeBatch(rows, new Float64Array(rows.length), rows.length);
      if (checkpointing) {
        sink.snapshotState(1);
        await sink.notifyCheckpointComplete(1);
      }
      await sink.finish();
      await sink.close();
      // Without checkpoints: transactions of batchSize rows; with them: the checkpoint's 2500 rows in one statement.
      expect(inserts).toEqual(checkpointing ? [2500] : [1000, 1000, 500]);
      const { rows: got } = await db.query(`SELECT count(DISTINCT id)::int AS n FROM "${t}"`);
      expect(got[0].n).toBe(2500);
    }
  });
});
