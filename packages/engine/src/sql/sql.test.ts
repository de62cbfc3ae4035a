import { beforeAll, describe, expect, it } from 'vitest';
import { parseStatements } from './catalog.js';
import '../connectors/index.js';
import { StreamExecutionEnvironment } from '../api/StreamExecutionEnvironment.js';
import { WatermarkStrategy } from '../time/WatermarkStrategy.js';
import { Schema } from '../table/Schema.js';
import { StreamTableEnvironment } from '../table/StreamTableEnvironment.js';
import { explainSql, describeCatalog } from './runSqlScript.js';
import { SqlError } from './SqlError.js';

type Order = { user: string; product: string; amount: number; ts: number };
const orders: Order[] = [
  { user: 'a', product: 'x', amount: 3, ts: 1000 },
  { user: 'b', product: 'y', amount: 5, ts: 2000 },
  { user: 'a', product: 'y', amount: 2, ts: 4000 },
  { user: 'c', product: 'x', amount: 7, ts: 11000 },
  { user: 'a', product: 'x', amount: 1, ts: 12000 },
];

function setup() {
  const env = new StreamExecutionEnvironment();
  const tEnv = StreamTableEnvironment.create(env);
  const stream = env
    .fromCollection(orders)
    .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<Order>().withTimestampAssigner((o) => o.ts));
  tEnv.createTemporaryView(
    'orders',
    stream,
    Schema.newBuilder().column('user', 'STRING').column('product', 'STRING').column('amount', 'INT').columnByMetadata('rowtime', 'TIMESTAMP_LTZ(3)').watermark('rowtime', 'SOURCE_WATERMARK()').build(),
  );
  return { env, tEnv };
}

describe('SQL on the engine', () => {
  // the first parse loads dt-sql-parser's grammar (seconds on a busy machine): not inside a test's time
  beforeAll(() => void parseStatements('SELECT a FROM t'), 120_000);
  it('projects and filters with expressions compiled once', async () => {
    const { tEnv } = setup();
    const t = tEnv.sqlQuery("SELECT UPPER(`user`) AS u, amount * 2 AS a2, CASE WHEN amount > 2 THEN 'big' ELSE 'small' END AS size FROM orders WHERE product IN ('x') AND `user` LIKE '_'");
    const rows = await tEnv.toDataStream(t).executeAndCollect();
    expect(rows).toEqual([
      { u: 'A', a2: 6, size: 'big' },
      { u: 'C', a2: 14, size: 'big' },
      { u: 'A', a2: 2, size: 'small' },
    ]);
  });

  it('GROUP BY emits an updating changelog', async () => {
    const { tEnv } = setup();
    const t = tEnv.sqlQuery('SELECT `user`, COUNT(*) AS n, SUM(amount) AS total FROM orders GROUP BY `user`');
    expect(t.isUpdating()).toBe(true);
    const rows = await tEnv.toChangelogStream(t).executeAndCollect();
    expect(rows).toEqual([
      { user: 'a', n: 1, total: 3, $rowKind: '+I' },
      { user: 'b', n: 1, total: 5, $rowKind: '+I' },
      { user: 'a', n: 1, total: 3, $rowKind: '-U' },
      { user: 'a', n: 2, total: 5, $rowKind: '+U' },
      { user: 'c', n: 1, total: 7, $rowKind: '+I' },
      { user: 'a', n: 2, total: 5, $rowKind: '-U' },
      { user: 'a', n: 3, total: 6, $rowKind: '+U' },
    ]);
  });

  it('an aggregate over an updating view consumes retractions', async () => {
    const { tEnv } = setup();
    tEnv.executeSql('CREATE VIEW per_user AS SELECT `user`, COUNT(*) AS n FROM orders GROUP BY `user`');
    const t = tEnv.sqlQuery('SELECT n, COUNT(*) AS users FROM per_user GROUP BY n');
    const rows = await tEnv.toChangelogStream(t).executeAndCollect();
    // final state: a has 3, b and c have 1
    const state = new Map<number, number>();
    for (const r of rows) {
      if (r.$rowKind === '+I' || r.$rowKind === '+U') state.set(r.n as number, r.users as number);
      else state.delete(r.n as number);
    }
    expect(Object.fromEntries(state)).toEqual({ 1: 2, 3: 1 });
    expect(rows.some((r) => r.$rowKind === '-D')).toBe(true);
  });

  it('TUMBLE window TVF fires on the watermark', async () => {
    const { tEnv } = setup();
    const t = tEnv.sqlQuery("SELECT window_start, window_end, COUNT(*) AS n, SUM(amount) AS s FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(rowtime), INTERVAL '10' SECOND)) GROUP BY window_start, window_end");
    expect(t.isUpdating()).toBe(false);
    const rows = await tEnv.toDataStream(t).executeAndCollect();
    expect(rows).toEqual([
      { window_start: 0, window_end: 10000, n: 3, s: 10 },
      { window_start: 10000, window_end: 20000, n: 2, s: 8 },
    ]);
  });

  it('WHERE over a window TVF keeps the window aggregation (append-only)', async () => {
    const { tEnv } = setup();
    const t = tEnv.sqlQuery("SELECT window_start, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(rowtime), INTERVAL '10' SECOND)) WHERE amount > 2 GROUP BY window_start, window_end");
    expect(t.isUpdating()).toBe(false);
    expect(await tEnv.toDataStream(t).executeAndCollect()).toEqual([
      { window_start: 0, n: 2 },
      { window_start: 10000, n: 1 },
    ]);
  });

  it('legacy GROUP BY TUMBLE with TUMBLE_START/TUMBLE_END', async () => {
    const { tEnv } = setup();
    const t = tEnv.sqlQuery("SELECT product, TUMBLE_START(rowtime, INTERVAL '10' SECOND) AS ws, TUMBLE_END(rowtime, INTERVAL '10' SECOND) AS we, MAX(amount) AS mx FROM orders GROUP BY product, TUMBLE(rowtime, INTERVAL '10' SECOND)");
    const rows = await tEnv.toDataStream(t).executeAndCollect();
    expect(rows.sort((a, b) => (a.ws as number) - (b.ws as number) || String(a.product).localeCompare(String(b.product)))).toEqual([
      { product: 'x', ws: 0, we: 10000, mx: 3 },
      { product: 'y', ws: 0, we: 10000, mx: 5 },
      { product: 'x', ws: 10000, we: 20000, mx: 7 },
    ]);
  });

  it('errors name line and column', () => {
    const { tEnv } = setup();
    try {
      tEnv.sqlQuery('SELECT amount\nFROM orders WHERE nope > 1');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SqlError);
      expect((e as SqlError).line).toBe(2);
      expect((e as SqlError).message).toMatch(/nope/);
    }
  });

  it('explains and describes a catalog', () => {
    const ddl = "CREATE TABLE bids (auction BIGINT, price BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) WITH ('connector' = 'datagen')";
    expect(explainSql('SELECT auction, price * 2 FROM bids WHERE price > 10', { catalog: [ddl] })).toMatch(/Calc\(select=\[auction, EXPR\$1\]\)[\s\S]*Calc\(where[\s\S]*WatermarkAssigner[\s\S]*TableSourceScan\(table=\[bids\]/);
    expect(describeCatalog([ddl, 'CREATE VIEW big AS SELECT auction FROM bids WHERE price > 100', "CREATE FUNCTION twice AS 'udfs.twice'"])).toEqual({
      functions: ['twice'],
      tables: [
        { name: 'bids', kind: 'table', connector: 'datagen', columns: [{ name: 'auction', type: 'BIGINT' }, { name: 'price', type: 'BIGINT' }, { name: 'ts', type: 'TIMESTAMP(3)' }] },
        { name: 'big', kind: 'view', columns: [{ name: 'auction', type: 'BIGINT' }] },
      ],
    });
  });
});
