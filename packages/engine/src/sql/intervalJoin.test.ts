import { beforeAll, describe, expect, it } from 'vitest';
import '../connectors/index.js';
import { StreamExecutionEnvironment } from '../api/StreamExecutionEnvironment.js';
import { Schema } from '../table/Schema.js';
import { StreamTableEnvironment } from '../table/StreamTableEnvironment.js';
import { parseStatements } from './catalog.js';
import { punctuatedTable } from '../testing/punctuatedTable.js';

type Ev = { k: string; id: string; ts: number };

/** Table T(k, id, rowtime) with a punctuated watermark ts - 1 after each row: lateness is exact. */
const setup = (rows: Ev[]) => punctuatedTable(rows, [['k', 'STRING'], ['id', 'STRING']]);

const q = (bounds: string) => `SELECT l.id AS lid, r.id AS rid FROM T AS l JOIN T AS r ON l.k = r.k AND ${bounds}`;

describe('SQL interval join', () => {
  beforeAll(() => void parseStatements('SELECT a FROM t'), 120_000);

  it('plans time bounds as an append-only IntervalJoin (BETWEEN, and strict bounds by one ms)', () => {
    const tEnv = setup([]);
    const between = tEnv.explainSql(q("l.rowtime BETWEEN r.rowtime - INTERVAL '5' SECOND AND r.rowtime + INTERVAL '6' SECOND"));
    expect(between).toContain('IntervalJoin(joinType=[InnerJoin], windowBounds=[isRowTime=true, leftLowerBound=-5000, leftUpperBound=6000');
    const strict = tEnv.explainSql(q("l.rowtime > r.rowtime - INTERVAL '5' SECOND AND r.rowtime >= l.rowtime"));
    expect(strict).toContain('leftLowerBound=-4999, leftUpperBound=0');
    expect(tEnv.sqlQuery(q("l.rowtime BETWEEN r.rowtime - INTERVAL '1' SECOND AND r.rowtime")).isUpdating()).toBe(false);
    // one bound only: a regular join
    expect(tEnv.explainSql(q("l.rowtime > r.rowtime"))).toMatch(/^\s*Join\(/m);
  });

  it('joins on processing time when both bounds are between PROCTIME() attributes', async () => {
    const env = new StreamExecutionEnvironment();
    env.setParallelism(1);
    const tEnv = StreamTableEnvironment.create(env);
    const stream = env.fromCollection([
      { k: 'a', id: 'a1' },
      { k: 'a', id: 'a2' },
      { k: 'b', id: 'b1' },
    ]);
    tEnv.createTemporaryView('P', stream, Schema.newBuilder().column('k', 'STRING').column('id', 'STRING').columnByExpression('pt', 'PROCTIME()').build());
    const sql = "SELECT l.id AS lid, r.id AS rid FROM P AS l JOIN P AS r ON l.k = r.k AND l.pt BETWEEN r.pt - INTERVAL '5' SECOND AND r.pt + INTERVAL '5' SECOND";
    expect(tEnv.explainSql(sql)).toContain('windowBounds=[isRowTime=false, leftLowerBound=-5000, leftUpperBound=5000');
    const rows = await tEnv.toDataStream(tEnv.sqlQuery(sql)).executeAndCollect();
    expect(rows.map((r) => `${r.lid}-${r.rid}`).sort()).toEqual(['a1-a1', 'a1-a2', 'a2-a1', 'a2-a2', 'b1-b1']);
  });

  it('frees rows the watermark has passed: a late row no longer joins them (a regular join would)', async () => {
    // a@1000 joins itself; b@20000 moves the watermark to 19999, which expires a@1000; a@1500 is late
    const tEnv = setup([
      { k: 'a', id: 'a1', ts: 1000 },
      { k: 'b', id: 'b1', ts: 20000 },
      { k: 'a', id: 'a2', ts: 1500 },
    ]);
    const t = tEnv.sqlQuery(q("l.rowtime BETWEEN r.rowtime - INTERVAL '1' SECOND AND r.rowtime + INTERVAL '1' SECOND"));
    const rows = await tEnv.toDataStream(t).executeAndCollect();
    expect(rows.map((r) => `${r.lid}-${r.rid}`).sort()).toEqual(['a1-a1', 'b1-b1']);
  });

  it("keeps both sides' time attributes: a window TVF over a view of a LEFT interval join sees no joined row late", async () => {
    // a right row joins left rows up to 2 s older; the join holds its output watermark back 2 s, so neither the pairs
    // nor the NULL-padded left rows (emitted when they expire) are late for windows on either side's time
    const tEnv = setup([
      { k: 'a', id: 'l1', ts: 1000 },
      { k: 'b', id: 'l2', ts: 4000 },
      { k: 'b', id: 'r2', ts: 5500 },
      { k: 'c', id: 'z', ts: 30000 },
    ]);
    tEnv.executeSql(`CREATE VIEW J AS SELECT l.id AS lid, r.id AS rid, l.rowtime AS lt, r.rowtime AS rt FROM T AS l LEFT JOIN T AS r
      ON l.k = r.k AND l.id <> r.id AND r.rowtime BETWEEN l.rowtime AND l.rowtime + INTERVAL '2' SECOND`);
    const byRight = tEnv.sqlQuery("SELECT window_start, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE J, DESCRIPTOR(rt), INTERVAL '5' SECOND)) GROUP BY window_start, window_end");
    const rows = await tEnv.toDataStream(byRight).executeAndCollect();
    // l2-r2 at rt=5500; the padded rows have rt NULL: in no window
    expect(rows.map((r) => `${r.window_start}:${r.n}`)).toEqual(['5000:1']);
    const tEnv2 = setup([
      { k: 'a', id: 'l1', ts: 1000 },
      { k: 'b', id: 'l2', ts: 4000 },
      { k: 'b', id: 'r2', ts: 5500 },
      { k: 'c', id: 'z', ts: 30000 },
    ]);
    const byLeft = tEnv2.sqlQuery(`SELECT TUMBLE_START(l.rowtime, INTERVAL '5' SECOND) AS ws, COUNT(*) AS n, COUNT(r.id) AS matched FROM T AS l LEFT JOIN T AS r
      ON l.k = r.k AND l.id <> r.id AND r.rowtime BETWEEN l.rowtime AND l.rowtime + INTERVAL '2' SECOND GROUP BY TUMBLE(l.rowtime, INTERVAL '5' SECOND)`);
    // [0, 5 s): l1 unmatched (padded) and l2 with r2; [5 s, 10 s): r2 as a left row, unmatched; [30 s, 35 s): z
    const out = await tEnv2.toDataStream(byLeft).executeAndCollect();
    expect(out.map((r) => `${r.ws}:${r.n}:${r.matched}`)).toEqual(['0:2:1', '5000:1:0', '30000:1:0']);
  });
});
